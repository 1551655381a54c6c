import Crest

extension Dataset {
    /// `count` short plain-text prompts ("prompt 1", ...) of 101, 102... tokens by the dataset's
    /// count, each asking for 5 tokens: what the tests against loopback endpoints send.
    public static func scripted(prompts count: Int = 4) -> Dataset {
        Dataset(
            name: "scripted", path: "scripted.jsonl", format: .plainText,
            prompts: (1...count).map {
                Prompt(content: .text("prompt \($0)"), promptTokens: 100 + $0, promptTokensSource: .dataset, maxOutputTokens: 5, line: $0)
            },
            fingerprint: "0")
    }
}
