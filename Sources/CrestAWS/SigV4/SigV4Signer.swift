/// AWS Signature Version 4 for one service in one region
/// (https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_sigv-create-signed-request.html):
/// a canonical form of the request, hashed into a string to sign, signed with a key derived
/// from the secret, the day, the region and the service.
public struct SigV4Signer: Sendable {
    public let credentials: AWSCredentials
    /// The signing name: `bedrock` for Bedrock Runtime, `sagemaker` for SageMaker Runtime.
    public let service: String
    public let region: String

    /// A signed request's added headers, and the steps that led to them (for tests and for a
    /// server that checks signatures).
    public struct Signature: Sendable, Equatable {
        public let timestamp: AWSTimestamp
        public let canonicalRequest: String
        public let stringToSign: String
        public let signedHeaders: String
        /// The hex signature.
        public let signature: String
        public let authorization: String
        /// X-Amz-Date, X-Amz-Security-Token for temporary credentials, and Authorization.
        public let headers: [(name: String, value: String)]

        public static func == (lhs: Signature, rhs: Signature) -> Bool {
            lhs.authorization == rhs.authorization && lhs.canonicalRequest == rhs.canonicalRequest
        }
    }

    /// Headers never signed, as the AWS SDKs leave them out: proxies and clients may change them.
    static let unsignedHeaders: Set<String> = ["authorization", "user-agent", "expect", "x-amzn-trace-id", "connection", "content-length"]

    public init(credentials: AWSCredentials, service: String, region: String) {
        self.credentials = credentials
        self.service = service
        self.region = region
    }

    public func sign(_ request: SigV4Request, at timestamp: AWSTimestamp) -> Signature {
        var headers = request.headers.filter { !Self.unsignedHeaders.contains($0.name.lowercased()) && $0.name.lowercased() != "host" }
        headers.append((name: "host", value: request.host))
        headers.append((name: "x-amz-date", value: timestamp.dateTime))
        if let token = credentials.sessionToken { headers.append((name: "x-amz-security-token", value: token)) }
        let canonical = Self.canonicalHeaders(headers)
        let signedHeaders = canonical.map(\.name).joined(separator: ";")
        let canonicalRequest = [
            request.method.uppercased(),
            Self.canonicalPath(request.path),
            Self.canonicalQuery(request.query),
            canonical.map { "\($0.name):\($0.value)\n" }.joined(),
            signedHeaders,
            request.payloadHash,
        ].joined(separator: "\n")
        let scope = "\(timestamp.date)/\(region)/\(service)/aws4_request"
        let stringToSign = ["AWS4-HMAC-SHA256", timestamp.dateTime, scope, SHA256.hash(Array(canonicalRequest.utf8)).lowercaseHex]
            .joined(separator: "\n")
        let signature = HMACSHA256.authenticationCode(key: signingKey(day: timestamp.date), message: Array(stringToSign.utf8)).lowercaseHex
        let authorization = "AWS4-HMAC-SHA256 Credential=\(credentials.accessKeyID)/\(scope), SignedHeaders=\(signedHeaders), Signature=\(signature)"
        var added = [(name: "X-Amz-Date", value: timestamp.dateTime)]
        if let token = credentials.sessionToken { added.append((name: "X-Amz-Security-Token", value: token)) }
        added.append((name: "Authorization", value: authorization))
        return Signature(
            timestamp: timestamp, canonicalRequest: canonicalRequest, stringToSign: stringToSign, signedHeaders: signedHeaders,
            signature: signature, authorization: authorization, headers: added)
    }

    /// The key for one day: HMAC chained over the day, the region, the service and `aws4_request`.
    func signingKey(day: String) -> [UInt8] {
        var key = Array("AWS4\(credentials.secretAccessKey)".utf8)
        for part in [day, region, service, "aws4_request"] {
            key = HMACSHA256.authenticationCode(key: key, message: Array(part.utf8))
        }
        return key
    }

    /// Every service but S3 encodes the path once more: the `%` of an encoded character becomes
    /// `%25` (a model id's `%3A` is `%253A` in the canonical request).
    static func canonicalPath(_ path: String) -> String {
        path.isEmpty ? "/" : AWSURIEncoding.encode(path, keepingSlashes: true)
    }

    /// Parameters decoded, encoded the SigV4 way, sorted by name and then value.
    static func canonicalQuery(_ query: String) -> String {
        guard !query.isEmpty else { return "" }
        let pairs = query.split(separator: "&", omittingEmptySubsequences: true).map { part -> (String, String) in
            let pieces = part.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
            let name = AWSURIEncoding.encode(AWSURIEncoding.decode(String(pieces[0])), keepingSlashes: false)
            let value = pieces.count > 1 ? AWSURIEncoding.encode(AWSURIEncoding.decode(String(pieces[1])), keepingSlashes: false) : ""
            return (name, value)
        }
        return pairs.sorted { $0.0 == $1.0 ? $0.1 < $1.1 : $0.0 < $1.0 }.map { "\($0.0)=\($0.1)" }.joined(separator: "&")
    }

    /// Names lower-cased and sorted; values trimmed, inner runs of spaces made one; the values of
    /// a repeated name joined by commas in the order given.
    static func canonicalHeaders(_ headers: [(name: String, value: String)]) -> [(name: String, value: String)] {
        var order: [String] = []
        var values: [String: [String]] = [:]
        for header in headers {
            let name = header.name.lowercased()
            if values[name] == nil { order.append(name) }
            let trimmed = header.value.split(separator: " ", omittingEmptySubsequences: true).joined(separator: " ")
            values[name, default: []].append(trimmed)
        }
        return order.sorted().map { (name: $0, value: values[$0]!.joined(separator: ",")) }
    }
}
