import Crest
import Foundation
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif

/// Asks a self-hosted endpoint's own tokenizer how long each prompt is (`POST /tokenize` at the
/// URL's root, as vLLM, SGLang, llama.cpp and TGI serve it), so prompt lengths, bins and the
/// report's average prompt size are the server's count rather than Crest's estimate.
///
/// One body fits them all: vLLM and SGLang read `messages` (counted through the chat template,
/// as the chat route's usage counts them) or `prompt`, llama.cpp reads `content`, TGI reads
/// `inputs`; each ignores the others' fields. Answers are read as vLLM's `count`, else the length
/// of llama.cpp's `tokens` or of TGI's list. llama.cpp's `/tokenize` knows no chat template (on
/// gemma-3 a chat's usage counted 9 tokens more), so a chat it counts is first put through its
/// `POST /apply-template` and counted with its special tokens, as its chat route counts it.
///
/// A one-off job before a sweep, not load: URLSession, a few requests at a time.
public struct EndpointTokenizer: Sendable {
    public let endpoint: LiveEndpoint
    /// Requests in flight at once.
    private static let inFlight = 8

    /// Fails for an AWS endpoint, which has no tokenizer route.
    public init(endpoint: LiveEndpoint) throws {
        guard endpoint.aws == nil else { throw EndpointTokenizerError.noTokenizer(endpoint.api.rawValue) }
        self.endpoint = endpoint
    }

    /// Where the tokenizer is asked.
    public var url: String { root + "/tokenize" }

    /// The endpoint's count of each prompt, in order; `progress` is told how many are done.
    public func counts(_ prompts: [Prompt], progress: (@Sendable (Int) -> Void)? = nil) async throws -> [Int] {
        var counts = [Int](repeating: 0, count: prompts.count)
        var failure: Error?
        // Children never throw: a group left by a throw cancels the requests still running, and a
        // cancelled URLSession request on Linux can leave its caller waiting for good. After the
        // first failure no more are sent, and those in flight end on their own.
        await withTaskGroup(of: (Int, Result<Int, Error>).self) { group in
            var next = 0
            var done = 0
            func add() {
                guard next < prompts.count, failure == nil else { return }
                let index = next
                next += 1
                group.addTask { (index, await Result(catching: { try await count(prompts[index]) })) }
            }
            for _ in 0..<Self.inFlight { add() }
            while let (index, result) = await group.next() {
                switch result {
                case .success(let count):
                    counts[index] = count
                    done += 1
                    progress?(done)
                case .failure(let error):
                    if failure == nil { failure = error }
                }
                add()
            }
        }
        if let failure { throw failure }
        return counts
    }

    /// The endpoint's count of one prompt.
    public func count(_ prompt: Prompt) async throws -> Int {
        let data = try await post(url, body(for: prompt))
        guard let count = Self.count(in: data) else {
            throw EndpointTokenizerError.unreadable(url, endpoint.withoutSecrets(String(decoding: data.prefix(300), as: UTF8.self)))
        }
        // vLLM's and SGLang's `count` went through the chat template; llama.cpp's list of tokens did not.
        guard let messages = Self.chatMessages(prompt, api: endpoint.api), Self.isTokenListOnly(data),
              let templated = try? await post(root + "/apply-template", ["messages": messages]),
              let text = (try? JSONSerialization.jsonObject(with: templated) as? [String: Any])?["prompt"] as? String,
              let withTemplate = try? await post(url, ["content": text, "add_special": true]), let counted = Self.count(in: withTemplate)
        else { return count }
        return counted
    }

    /// The endpoint's scheme and authority.
    private var root: String { "\(endpoint.isSecure ? "https" : "http")://\(endpoint.authority)" }

    /// The body of `target`'s answer to `body`, with the endpoint's headers (its API key).
    private func post(_ target: String, _ body: [String: Any]) async throws -> Data {
        var request = URLRequest(url: URL(string: target)!, timeoutInterval: 60)
        request.httpMethod = "POST"
        request.httpBody = try JSONSerialization.data(withJSONObject: body, options: [.sortedKeys])
        for header in endpoint.headers(of: PreparedRequest(body: [], signable: nil), at: 0) { request.setValue(header.value, forHTTPHeaderField: header.name) }
        request.setValue("application/json", forHTTPHeaderField: "Accept")
        let data: Data, response: URLResponse
        do {
            (data, response) = try await URLSession.shared.data(for: request)
        } catch {
            throw EndpointTokenizerError.unreachable(target, endpoint.withoutSecrets("\(error)"))
        }
        let status = (response as? HTTPURLResponse)?.statusCode ?? 0
        guard (200..<300).contains(status) else {
            throw EndpointTokenizerError.refused(target, status, endpoint.withoutSecrets(String(decoding: data.prefix(300), as: UTF8.self)))
        }
        return data
    }

    /// True for llama.cpp's answer: a list of tokens and no `count`.
    static func isTokenListOnly(_ data: Data) -> Bool {
        guard let object = (try? JSONSerialization.jsonObject(with: data)) as? [String: Any] else { return false }
        return object["count"] == nil && object["tokens"] is [Any]
    }

    /// The request body for `prompt`, in every engine's fields at once.
    func body(for prompt: Prompt) -> [String: Any] {
        let text = prompt.content.joinedText
        if endpoint.api == .tgi { return ["inputs": text] }
        var body: [String: Any] = ["model": endpoint.model, "content": text]
        if let messages = Self.chatMessages(prompt, api: endpoint.api) {
            body["messages"] = messages
            body["add_generation_prompt"] = true
        } else {
            body["prompt"] = text
        }
        return body
    }

    /// The messages a chat route is sent for `prompt` (a text prompt is the user's message, as
    /// `APIKind.body` sends it), so it is counted with the template its usage counts; nil for the
    /// APIs of plain text.
    static func chatMessages(_ prompt: Prompt, api: APIKind) -> [[String: String]]? {
        guard api == .openAIChat || api == .sagemakerOpenAIChat else { return nil }
        return prompt.content.messages.map { ["role": $0.role, "content": $0.content] }
    }

    /// The token count an answer gives: vLLM's `count`, or how many `tokens` (llama.cpp), or how
    /// many entries (TGI's list of token objects).
    static func count(in data: Data) -> Int? {
        let json = try? JSONSerialization.jsonObject(with: data)
        if let list = json as? [Any] { return list.count }
        guard let object = json as? [String: Any] else { return nil }
        if let count = object["count"] as? Int { return count }
        return (object["tokens"] as? [Any])?.count
    }
}

/// Why an endpoint's tokenizer could not be asked.
public enum EndpointTokenizerError: Error, Equatable, CustomStringConvertible {
    case noTokenizer(String)
    case unreachable(String, String)
    case refused(String, Int, String)
    case unreadable(String, String)

    public var description: String {
        switch self {
        case .noTokenizer(let api): return "--api \(api) has no tokenizer to ask: token counts come from a self-hosted endpoint's POST /tokenize"
        case .unreachable(let url, let reason): return "could not reach \(url): \(reason)"
        case .refused(let url, let status, let body):
            return "\(url) answered HTTP \(status) (\(body.isEmpty ? "no body" : "`\(body)`")): does the server have a /tokenize route (vLLM, SGLang, llama.cpp and TGI do)?"
        case .unreadable(let url, let body): return "\(url) answered `\(body)`, which holds no token count (`count`, or a list of `tokens`)"
        }
    }
}

extension EndpointTokenizer {
    /// What counting a dataset gave: the dataset with the endpoint's counts, how far Crest's
    /// estimate was from them, whether they were kept from before, and where they are kept (or
    /// why they could not be).
    public struct CountedDataset: Sendable {
        public let dataset: Dataset
        public let estimate: PromptTokensCheck
        /// True when the counts compared were Crest's estimate, false when the dataset's own.
        public let comparedWithEstimate: Bool
        public let reused: Bool
        public let keptAt: String
        public let keepingFailed: String?
        /// The tokenizer's URL and model.
        public let tokenizer: String

        /// "120 prompts counted by URL model m: 271 tokens on average, where Crest's estimate said
        /// 282 (4.1% over)": what the counts showed, for the console.
        public var summary: String {
            "\(dataset.prompts.count) prompts \(reused ? "counted earlier" : "counted") by \(tokenizer): "
                + "\(NumberFormatting.significant(estimate.serverMean, digits: 4)) tokens on average, "
                + estimate.whereEstimateSaid(comparedWithEstimate ? "Crest's estimate" : "the dataset's counts")
        }
    }

    /// The tokenizer's name in the counts kept: its URL and the model asked.
    public var name: String { "\(url) model \(endpoint.model)" }

    /// `dataset` counted by this tokenizer: the counts kept beside it when they are this
    /// tokenizer's for these bytes and this shape, else asked now and kept there (`TokenCounts`).
    public func counted(_ dataset: Dataset, reusing: Bool = true, progress: (@Sendable (Int) -> Void)? = nil) async throws -> CountedDataset {
        let path = TokenCounts.path(for: dataset)
        if reusing, let kept = TokenCounts.read(from: path), kept.fit(dataset, tokenizer: name) {
            return CountedDataset(
                dataset: dataset.counted(kept.promptTokens), estimate: PromptTokensCheck(dataset: dataset, counts: kept.promptTokens),
                comparedWithEstimate: dataset.hasEstimatedTokenCounts, reused: true,
                keptAt: path, keepingFailed: nil, tokenizer: name)
        }
        let counts = try await counts(dataset.prompts, progress: progress)
        var failure: String?
        do {
            try TokenCounts(dataset: dataset, tokenizer: name, promptTokens: counts).write(to: path)
        } catch {
            failure = (error as NSError).localizedDescription
        }
        return CountedDataset(
            dataset: dataset.counted(counts), estimate: PromptTokensCheck(dataset: dataset, counts: counts), comparedWithEstimate: dataset.hasEstimatedTokenCounts,
            reused: false, keptAt: path, keepingFailed: failure, tokenizer: name)
    }
}

extension Result where Failure == Error {
    /// The result of an async throwing body.
    init(catching body: () async throws -> Success) async {
        do { self = .success(try await body()) } catch { self = .failure(error) }
    }
}
