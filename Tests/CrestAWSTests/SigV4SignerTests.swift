import Foundation
import XCTest

@testable import CrestAWS

/// Every SigV4 case of the AWS SDK's vectors, byte for byte: the canonical request, the string to
/// sign, the Authorization header and the headers added.
final class SigV4SignerTests: XCTestCase {
    func testEveryVectorSignsByteForByte() throws {
        let vectors = try AWSVectors.load()
        XCTAssertEqual(vectors.sigv4.count, 6)
        for vector in vectors.sigv4 {
            let url = try XCTUnwrap(URLComponents(string: vector.url))
            let host = try XCTUnwrap(url.host) + (url.port.map { ":\($0)" } ?? "")
            let request = SigV4Request(
                method: vector.method, path: url.percentEncodedPath, query: url.percentEncodedQuery ?? "", host: host,
                headers: vector.headers_in.sorted { $0.key < $1.key }.map { (name: $0.key, value: $0.value) }, body: Array(vector.body.utf8))
            let credentials = AWSCredentials(accessKeyID: vectors.access_key_id, secretAccessKey: vectors.secret_access_key, sessionToken: vector.session_token)
            let timestamp = AWSTimestamp(unixSeconds: try XCTUnwrap(AWSTimestamp.unixSeconds(parsing: vector.amz_date)))
            let signature = SigV4Signer(credentials: credentials, service: vector.service, region: vector.region).sign(request, at: timestamp)
            XCTAssertEqual(signature.canonicalRequest, vector.canonical_request, vector.name)
            XCTAssertEqual(signature.stringToSign, vector.string_to_sign, vector.name)
            XCTAssertEqual(signature.authorization, vector.authorization, vector.name)
            var expectedAdded = vector.signed_headers_out
            for name in vector.headers_in.keys { expectedAdded.removeValue(forKey: name) }
            XCTAssertEqual(Dictionary(uniqueKeysWithValues: signature.headers.map { ($0.name, $0.value) }), expectedAdded, vector.name)
        }
    }

    // The model id's ":" is "%3A" on the wire and "%253A" in the canonical request, as for every
    // service but S3; signing the decoded path would give AWS's InvalidSignatureException.
    func testAnEncodedPathIsEncodedAgain() {
        XCTAssertEqual(SigV4Signer.canonicalPath("/model/a.b-v1%3A0/converse"), "/model/a.b-v1%253A0/converse")
        XCTAssertEqual(SigV4Signer.canonicalPath(""), "/")
    }

    func testQueryParametersAreSortedAndEncodedOnce() {
        XCTAssertEqual(SigV4Signer.canonicalQuery("b=2&a=x%20y&a=1&c"), "a=1&a=x%20y&b=2&c=")
    }

    func testHeaderValuesAreTrimmedAndRepeatedNamesJoined() {
        let headers = SigV4Signer.canonicalHeaders([(name: "X-B", value: "  one   two "), (name: "x-a", value: "1"), (name: "X-B", value: "three")])
        XCTAssertEqual(headers.map(\.name), ["x-a", "x-b"])
        XCTAssertEqual(headers.map(\.value), ["1", "one two,three"])
    }

    // A different secret, region or body changes the signature; the same inputs give the same one.
    func testTheSignatureDependsOnTheSecretTheRegionAndTheBody() {
        let request = SigV4Request(method: "POST", path: "/model/m/converse", host: "h", headers: [], body: Array("{}".utf8))
        let timestamp = AWSTimestamp(unixSeconds: 1_800_000_000)
        func sign(secret: String = "s", region: String = "us-east-1", body: String = "{}") -> String {
            let changed = SigV4Request(method: "POST", path: request.path, host: request.host, headers: [], body: Array(body.utf8))
            return SigV4Signer(credentials: AWSCredentials(accessKeyID: "AK", secretAccessKey: secret), service: "bedrock", region: region)
                .sign(changed, at: timestamp).signature
        }
        XCTAssertEqual(sign(), sign())
        XCTAssertNotEqual(sign(), sign(secret: "t"))
        XCTAssertNotEqual(sign(), sign(region: "us-west-2"))
        XCTAssertNotEqual(sign(), sign(body: "{ }"))
    }

    func testTimestampsFormatAndParseBothWays() throws {
        XCTAssertEqual(AWSTimestamp(unixSeconds: 0).dateTime, "19700101T000000Z")
        XCTAssertEqual(AWSTimestamp(unixSeconds: 951_782_400).dateTime, "20000229T000000Z")
        XCTAssertEqual(AWSTimestamp(unixSeconds: 1_795_869_045).dateTime, "20261128T123045Z")
        XCTAssertEqual(AWSTimestamp(unixSeconds: 1_795_869_045).date, "20261128")
        for seconds: Int64 in [0, 951_782_400, 1_795_869_045, 4_102_444_799] {
            XCTAssertEqual(AWSTimestamp.unixSeconds(parsing: AWSTimestamp(unixSeconds: seconds).dateTime), seconds)
        }
        XCTAssertNil(AWSTimestamp.unixSeconds(parsing: "2026-11-28T12:30:45Z"))
        XCTAssertNil(AWSTimestamp.unixSeconds(parsing: "20261328T123045Z"))
    }

    // Issue 14: no secret in any description a log or an error could print.
    func testCredentialsNeverDescribeTheirSecrets() {
        let credentials = AWSCredentials(accessKeyID: "AKIDEXAMPLE", secretAccessKey: "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY", sessionToken: "TOKEN123")
        var dumped = ""
        dump(credentials, to: &dumped)
        for text in [String(describing: credentials), String(reflecting: credentials), "\(credentials)", dumped, AWSAuthorization.sigV4(credentials).description,
            AWSAuthorization.bearer(token: "BEARER123").description]
        {
            XCTAssertFalse(text.contains("wJalrXUtnFEMI"), text)
            XCTAssertFalse(text.contains("TOKEN123"), text)
            XCTAssertFalse(text.contains("BEARER123"), text)
        }
        XCTAssertTrue(String(describing: credentials).contains("AKIDEXAMPLE"))
    }
}
