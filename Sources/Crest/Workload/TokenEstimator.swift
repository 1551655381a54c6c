/// Estimates how many tokens a BPE tokenizer of a Llama- or GPT-class model makes of a text,
/// for datasets that carry no counts.
///
/// The rule, per maximal run of characters:
/// - a word of up to 9 letters is one token, longer words one more token per 5 further letters
///   (common English words are single tokens in these vocabularies; rare long words split);
/// - digits cost one token per 3 (tokenizers group digits in threes or less);
/// - each punctuation mark or symbol is a token;
/// - each CJK character is a token;
/// - whitespace is absorbed into the following word, as BPE vocabularies do.
/// On English prose this gives about 1.3 tokens per word, the ratio FMBench's fallback assumes
/// (`ceil(1000/750 × words)`). Counts made this way are marked as estimates everywhere they appear.
public enum TokenEstimator {
    /// The estimated token count of `text`.
    public static func estimate(_ text: String) -> Int {
        var tokens = 0
        var letters = 0
        var digits = 0

        func flush() {
            if letters > 0 { tokens += letters <= 9 ? 1 : 1 + (letters - 5) / 5 }
            if digits > 0 { tokens += (digits + 2) / 3 }
            letters = 0
            digits = 0
        }

        for scalar in text.unicodeScalars {
            let value = scalar.value
            if (value >= 0x61 && value <= 0x7A) || (value >= 0x41 && value <= 0x5A) || value == 0x27 {
                if digits > 0 { flush() }
                letters += 1
            } else if value >= 0x30 && value <= 0x39 {
                if letters > 0 { flush() }
                digits += 1
            } else if value == 0x20 || value == 0x0A || value == 0x09 || value == 0x0D {
                flush()
            } else if value >= 0x2E80 {
                flush()
                tokens += 1
            } else if value >= 0xC0 && scalar.properties.isAlphabetic {
                // Accented Latin and other alphabets: part of the word, but they split words more often.
                if digits > 0 { flush() }
                letters += 2
            } else {
                flush()
                tokens += 1
            }
        }
        flush()
        return tokens
    }

    /// The estimated token count of a chat conversation: the messages' text plus the few tokens of
    /// framing that chat templates add per message (4) and per reply (3), as OpenAI documents.
    public static func estimate(messages: [ChatMessage]) -> Int {
        messages.reduce(3) { $0 + 4 + estimate($1.content) }
    }
}
