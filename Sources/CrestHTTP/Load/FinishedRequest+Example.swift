import Crest

extension FinishedRequest {
    /// How the endpoint answered this failed request, for the report: status, content type, where a
    /// redirect pointed (without its query, which may hold a token), why it failed, and the start of
    /// the body, with `endpoint`'s API key taken out of everything the endpoint wrote.
    func example(redactingFor endpoint: LiveEndpoint) -> FailureExample {
        let head = request.head
        let location = head.flatMap { (300..<400).contains($0.status) ? $0.fields["location"] : nil }
        return FailureExample(
            outcome: outcome, status: head?.status, contentType: head?.fields["content-type"],
            location: location.map { String($0.prefix { $0 != "?" && $0 != "#" }) },
            reason: reason.map(endpoint.withoutSecrets),
            body: request.receivedAnything && head != nil ? endpoint.withoutSecrets(FailureExample.printable(request.body)) : nil)
    }
}
