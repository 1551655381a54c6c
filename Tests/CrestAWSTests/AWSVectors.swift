import Foundation

/// The SigV4 signatures and event-stream frames of ../shared/reference/aws/vectors.json, computed
/// by the AWS SDK for Python (botocore 1.43) with AWS's documented example keys and a fixed date,
/// copied here as `Fixtures/aws-vectors.json`.
struct AWSVectors: Decodable {
    struct SigV4Case: Decodable {
        let name: String
        let method: String
        let url: String
        let service: String
        let region: String
        let body: String
        let headers_in: [String: String]
        let session_token: String?
        let amz_date: String
        let canonical_request: String
        let string_to_sign: String
        let authorization: String
        let signed_headers_out: [String: String]
    }

    struct Frame: Decodable {
        let name: String
        let hex: String
        let headers: [String: String]
        let payload: String

        var bytes: [UInt8] {
            let digits = Array(hex.utf8)
            return stride(from: 0, to: digits.count, by: 2).map { UInt8(String(decoding: digits[$0..<$0 + 2], as: UTF8.self), radix: 16)! }
        }
    }

    let access_key_id: String
    let secret_access_key: String
    let sigv4: [SigV4Case]
    let event_stream_frames: [Frame]

    static func load() throws -> AWSVectors {
        let url = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("Fixtures/aws-vectors.json")
        return try JSONDecoder().decode(AWSVectors.self, from: Data(contentsOf: url))
    }
}
