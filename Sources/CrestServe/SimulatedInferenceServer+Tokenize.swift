import Crest
import CrestHTTP
import Foundation

/// `POST /tokenize` with the simulator's own tokenizer (Crest's estimator), in the shapes the
/// engines give it: vLLM's and SGLang's `{"prompt": ...}` or `{"messages": [...]}` (a chat counted
/// as the chat route counts it, so the count equals the answer's usage), llama.cpp's
/// `{"content": ...}`, and TGI's `{"inputs": ...}`. The answer carries vLLM's `count` and
/// `max_model_len` and llama.cpp's `tokens`; TGI's request gets TGI's list of token objects.
extension SimulatedInferenceServer {
    func tokenize(_ request: HTTPServerRequest, _ response: HTTPResponseWriter) {
        guard let object = (try? JSONSerialization.jsonObject(with: Data(request.body))) as? [String: Any] else {
            return response.send(status: 400, body: error("the body is not a JSON object"))
        }
        let count: Int
        if let messages = object["messages"] as? [[String: Any]] {
            count = TokenEstimator.estimate(messages: messages.map {
                ChatMessage(role: $0["role"] as? String ?? "user", content: $0["content"] as? String ?? "")
            })
        } else if let text = object["prompt"] as? String ?? object["content"] as? String {
            count = TokenEstimator.estimate(text)
        } else if let inputs = object["inputs"] as? String {
            let tokens = TokenEstimator.estimate(inputs)
            let list: [[String: Any]] = (0..<tokens).map { ["id": $0, "text": Self.word($0), "special": false] }
            return response.send(status: 200, body: Array((try? JSONSerialization.data(withJSONObject: list, options: [.sortedKeys])) ?? Data()))
        } else {
            return response.send(status: 400, body: error("give 'prompt', 'messages', 'content' or 'inputs'"))
        }
        var answer: [String: Any] = ["count": count, "tokens": Array(0..<count)]
        if let context = simulation.endpoint.contextTokens { answer["max_model_len"] = context }
        response.send(status: 200, body: json(answer))
    }
}
