/// Checks a SigV4-signed request as an AWS endpoint does, for `crest serve --api bedrock|sagemaker`
/// and the tests: the Authorization header's scope, the date's skew and the signature over the
/// headers it names. Each refusal carries the exception name and message AWS answers with.
public struct SigV4Verifier: Sendable {
    /// A refused request: AWS's exception name, its message, and the HTTP status.
    public struct Refusal: Error, Equatable, Sendable {
        public let exception: String
        public let message: String
        public let status: Int
    }

    /// The secret of each access key id the endpoint knows.
    public let secrets: [String: String]
    public let service: String
    public let region: String
    /// How far the request's date may be from the server's clock: AWS allows 5 minutes.
    public let maximumSkewSeconds: Int64

    public init(secrets: [String: String], service: String, region: String, maximumSkewSeconds: Int64 = 300) {
        self.secrets = secrets
        self.service = service
        self.region = region
        self.maximumSkewSeconds = maximumSkewSeconds
    }

    /// Verifies a request whose header names are lower-cased, as received at `nowUnixSeconds`.
    public func verify(
        method: String, path: String, query: String, fields: [String: String], body: [UInt8], nowUnixSeconds: Int64
    ) -> Refusal? {
        guard let authorization = fields["authorization"], authorization.hasPrefix("AWS4-HMAC-SHA256 ") else {
            return Refusal(exception: "MissingAuthenticationTokenException", message: "Missing Authentication Token", status: 403)
        }
        let parts = Self.parameters(of: authorization)
        guard let credential = parts["Credential"], let signedHeaders = parts["SignedHeaders"], let signature = parts["Signature"] else {
            return Refusal(exception: "IncompleteSignatureException", message: "Authorization header requires 'Credential', 'SignedHeaders' and 'Signature'", status: 403)
        }
        let scope = credential.split(separator: "/", omittingEmptySubsequences: false).map(String.init)
        guard scope.count == 5, scope[4] == "aws4_request" else {
            return Refusal(exception: "IncompleteSignatureException", message: "Credential is not ACCESS_KEY/DATE/REGION/SERVICE/aws4_request", status: 403)
        }
        guard let secret = secrets[scope[0]] else {
            return Refusal(exception: "UnrecognizedClientException", message: "The security token included in the request is invalid.", status: 403)
        }
        guard let amzDate = fields["x-amz-date"], let sent = AWSTimestamp.unixSeconds(parsing: amzDate) else {
            return Refusal(exception: "IncompleteSignatureException", message: "Authorization requires a valid X-Amz-Date header", status: 403)
        }
        if abs(nowUnixSeconds - sent) > maximumSkewSeconds {
            return Refusal(
                exception: "InvalidSignatureException",
                message: "Signature expired: \(amzDate) is now earlier than \(AWSTimestamp(unixSeconds: nowUnixSeconds - maximumSkewSeconds).dateTime)",
                status: 403)
        }
        guard scope[2] == region else {
            return Refusal(exception: "InvalidSignatureException", message: "Credential should be scoped to a valid region, not '\(scope[2])'.", status: 403)
        }
        guard scope[3] == service, scope[1] == String(amzDate.prefix(8)) else {
            return Refusal(exception: "InvalidSignatureException", message: "Credential should be scoped to correct service: '\(service)'.", status: 403)
        }
        // Sign what the client says it signed, with the secret the endpoint knows for its key.
        let names = signedHeaders.split(separator: ";").map(String.init)
        let headers = names.compactMap { name -> (name: String, value: String)? in
            guard name != "host", name != "x-amz-date", name != "x-amz-security-token" else { return nil }
            return fields[name].map { (name: name, value: $0) }
        }
        let request = SigV4Request(method: method, path: path, query: query, host: fields["host"] ?? "", headers: headers, body: body)
        let signer = SigV4Signer(
            credentials: AWSCredentials(accessKeyID: scope[0], secretAccessKey: secret, sessionToken: fields["x-amz-security-token"]),
            service: service, region: region)
        let expected = signer.sign(request, at: AWSTimestamp(unixSeconds: sent))
        guard expected.signedHeaders == signedHeaders, expected.signature == signature else {
            return Refusal(
                exception: "InvalidSignatureException",
                message: "The request signature we calculated does not match the signature you provided. Check your AWS Secret Access Key and signing method.",
                status: 403)
        }
        return nil
    }

    /// `Credential=...`, `SignedHeaders=...` and `Signature=...` of an Authorization header.
    private static func parameters(of authorization: String) -> [String: String] {
        var parameters: [String: String] = [:]
        for part in authorization.dropFirst("AWS4-HMAC-SHA256 ".count).split(separator: ",") {
            let pair = part.split(separator: "=", maxSplits: 1)
            guard pair.count == 2 else { continue }
            parameters[pair[0].trimmingCharacters()] = pair[1].trimmingCharacters()
        }
        return parameters
    }
}

extension Substring {
    fileprivate func trimmingCharacters() -> String {
        String(drop { $0 == " " }.reversed().drop { $0 == " " }.reversed())
    }
}
