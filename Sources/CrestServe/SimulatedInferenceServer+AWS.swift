import Crest
import CrestAWS
import CrestHTTP
import Foundation

/// The AWS shapes of the simulated server: routes, authentication, event-stream frames and AWS's
/// errors (the JSON `{"message"}` with the exception in `x-amzn-ErrorType`).
extension SimulatedInferenceServer {
    /// The AWS operations, by the first and last segments of their paths (the middle one names
    /// the model or the endpoint).
    private static let awsRoutes: [String: (kind: GenerationRequest.Kind, service: String, streams: Bool)] = [
        "model/converse": (.converse, "bedrock", false), "model/converse-stream": (.converse, "bedrock", true),
        "endpoints/invocations": (.sagemakerTGI, "sagemaker", false),
        "endpoints/invocations-response-stream": (.sagemakerTGI, "sagemaker", true),
    ]

    func handleAWS(_ request: HTTPServerRequest, _ response: HTTPResponseWriter) {
        guard let aws else { return }
        let segments = request.path.split(separator: "/", omittingEmptySubsequences: false).dropFirst().map(String.init)
        guard segments.count == 3, !segments[1].isEmpty, let route = Self.awsRoutes["\(segments[0])/\(segments[2])"] else {
            return sendAWSError(response, status: 404, exception: "UnknownOperationException", message: "no operation at \(request.path)")
        }
        guard request.method == "POST" else {
            return sendAWSError(response, status: 405, exception: "UnknownOperationException", message: "method \(request.method) not allowed")
        }
        // A Bedrock API key needs no signature to check.
        let hasAPIKey = route.service == "bedrock" && aws.bearerToken.map { request.fields["authorization"] == "Bearer \($0)" } == true
        if !hasAPIKey, let refusal = aws.verifier(service: route.service).verify(
            method: request.method, path: request.path, query: request.query ?? "", fields: request.fields, body: request.body,
            nowUnixSeconds: Int64(Date().timeIntervalSince1970))
        {
            return sendAWSError(response, status: refusal.status, exception: refusal.exception, message: refusal.message)
        }
        // The path carries the id percent-encoded (a `:` as %3A); the service names it decoded.
        let resource = segments[1].removingPercentEncoding ?? segments[1]
        if route.service == "bedrock", resource != modelName, !AWSResourceNames.isBedrockModel(resource) {
            return sendAWSError(response, status: 400, exception: "ValidationException", message: AWSResourceNames.invalidModelMessage)
        }
        if route.service == "sagemaker", !AWSResourceNames.isSageMakerEndpoint(resource) {
            return sendAWSError(response, status: 400, exception: "ValidationError", message: AWSResourceNames.invalidEndpointMessage(resource))
        }
        if aws.throttleRate > 0, throttleRandom.nextBool(probability: aws.throttleRate) {
            return sendAWSRejection(response, .http429, kind: route.kind)
        }
        generate(route.kind, request, response, routeStreams: route.streams)
    }

    /// A request the engine refused, in AWS's words. Throttling is the service's own; the engine's
    /// other refusals are, behind SageMaker, the container's (TGI's 422 for a prompt too long, a
    /// 500), which SageMaker passes on as a ModelError (424) carrying the container's status.
    func sendAWSRejection(_ response: HTTPResponseWriter, _ outcome: Outcome, kind: GenerationRequest.Kind) {
        switch (outcome, kind) {
        case (.http429, _):
            sendAWSError(response, status: 429, exception: "ThrottlingException", message: "Too many requests, please wait before trying again.")
        case (.http4xx, .sagemakerTGI):
            sendModelError(response, originalStatus: 422, originalMessage: #"{"error":"Input validation error: `inputs` tokens + `max_new_tokens` must be <= the model's maximum","error_type":"validation"}"#)
        case (.http4xx, _):
            sendAWSError(response, status: 400, exception: "ValidationException", message: "Input is too long for requested model.")
        case (_, .sagemakerTGI):
            sendModelError(response, originalStatus: 500, originalMessage: #"{"error":"simulated server error"}"#)
        default:
            sendAWSError(response, status: 500, exception: "InternalServerException", message: "The server encountered an internal error.")
        }
    }

    /// SageMaker's ModelError as SageMaker Runtime sends it: 424, the container's status and answer in the body.
    private func sendModelError(_ response: HTTPResponseWriter, originalStatus: Int, originalMessage: String) {
        let kind = originalStatus >= 500 ? "server" : "client"
        let body = json([
            "ErrorCode": originalStatus >= 500 ? "INTERNAL_FAILURE_FROM_MODEL" : "CLIENT_ERROR_FROM_MODEL",
            "Message": "Received \(kind) error (\(originalStatus)) from primary with message \"\(originalMessage)\". See the endpoint's logs for more information.",
            "OriginalMessage": originalMessage, "OriginalStatusCode": originalStatus,
        ])
        response.send(status: 424, body: body, fields: ["x-amzn-ErrorType": "ModelError:http://internal.amazon.com/coral/com.amazon.sagemaker/"])
    }

    func sendAWSError(_ response: HTTPResponseWriter, status: Int, exception: String, message: String) {
        response.send(status: status, body: json(["message": message]), fields: ["x-amzn-ErrorType": "\(exception):http://internal.amazon.com/coral/com.amazon.bedrock/"])
    }

    /// A Converse stream event as an event-stream frame.
    func converseEvent(_ type: String, _ payload: [String: Any]) -> [UInt8] {
        EventStreamEncoder.encode(.event(type, payload: json(payload)))
    }

    func converseDelta(index: Int) -> [UInt8] {
        converseEvent("contentBlockDelta", ["contentBlockIndex": 0, "delta": ["text": Self.word(index)]])
    }

    /// `bytes` of the TGI stream as the client must get them: as they are, or, from a SageMaker
    /// endpoint, in a PayloadPart frame.
    func emit(_ bytes: [UInt8], for request: GenerationRequest, to writer: HTTPResponseWriter) {
        guard request.kind == .sagemakerTGI else { return writer.sendChunk(bytes) }
        writer.sendChunk(EventStreamEncoder.encode(.event("PayloadPart", contentType: "application/octet-stream", payload: bytes)))
    }

    /// The end of a Converse answer: the whole message, or the stream's last events with the usage.
    func finishConverse(_ writer: HTTPResponseWriter, _ request: GenerationRequest, tokensSent: Int, completionTokens: Int) {
        let stopReason = completionTokens == request.maxOutputTokens ? "max_tokens" : "end_turn"
        let usage = ["inputTokens": request.promptTokens, "outputTokens": completionTokens, "totalTokens": request.promptTokens + completionTokens]
        guard request.streaming else {
            let text = (0..<completionTokens).map(Self.word).joined()
            return writer.send(status: 200, body: json([
                "output": ["message": ["role": "assistant", "content": [["text": text]]]], "stopReason": stopReason, "usage": usage,
                "metrics": ["latencyMs": 0],
            ]))
        }
        // Tokens the model did not report one by one go out now.
        for index in tokensSent..<max(tokensSent, completionTokens) { writer.sendChunk(converseDelta(index: index)) }
        writer.sendChunk(converseEvent("contentBlockStop", ["contentBlockIndex": 0]))
        writer.sendChunk(converseEvent("messageStop", ["stopReason": stopReason]))
        writer.sendChunk(converseEvent("metadata", ["usage": usage, "metrics": ["latencyMs": 0]]))
        writer.endStream()
    }
}
