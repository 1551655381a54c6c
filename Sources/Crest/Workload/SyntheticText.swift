/// Writes readable, English-like prompts from Crest's own word lists, deterministically from a seed.
///
/// Each prompt is shaped like the retrieval-augmented question answering prompts of FMBench's
/// LongBench bins: an instruction, numbered passages about invented places and institutions, and a
/// question about them. Only the text's length matters to a load test, but prompts that read like
/// real ones keep tokenizers, caches and eyes honest.
public struct SyntheticText {
    private var random: SeededRandom

    public init(seed: UInt64) {
        random = SeededRandom(seed: seed)
    }

    /// A prompt whose estimated token count is at least `targetTokens` and at most a sentence more.
    public mutating func prompt(targetTokens: Int) -> String {
        let place = placeName()
        let institution = pick(Self.institutions)
        var text = "Answer the question using only the passages below. Keep the answer short and cite the passage number.\n\n"
        var passage = 0
        var tokens = TokenEstimator.estimate(text)
        let question = "\n\nQuestion: \(questionSentence(place: place, institution: institution))\nAnswer:"
        let questionTokens = TokenEstimator.estimate(question)
        while tokens + questionTokens < targetTokens {
            passage += 1
            let heading = "Passage \(passage): The \(capitalized(pick(Self.nouns))) of \(passage == 1 ? place : placeName())\n"
            text += (passage > 1 ? "\n\n" : "") + heading
            tokens += TokenEstimator.estimate(heading)
            // A passage runs for 4 to 9 sentences, or until the prompt is long enough.
            let sentences = 4 + random.nextInt(below: 6)
            for index in 0..<sentences where tokens + questionTokens < targetTokens {
                let next = (index == 0 ? "" : " ") + sentence(place: place, institution: institution)
                text += next
                tokens += TokenEstimator.estimate(next)
            }
        }
        return text + question
    }

    /// A system prompt whose estimated token count is at least `targetTokens` and at most a
    /// sentence more: a role, then reference notes, as the long system prompts of production
    /// assistants are (the prefix a group of requests shares).
    public mutating func systemPrompt(targetTokens: Int) -> String {
        let place = placeName()
        let institution = pick(Self.institutions)
        var text = "You are the reference assistant of the \(institution) of \(place). Answer from the notes below when they help, say so when they do not, and keep answers short."
        var tokens = TokenEstimator.estimate(text)
        var note = 0
        while tokens < targetTokens {
            note += 1
            let heading = "\n\nNote \(note): The \(capitalized(pick(Self.nouns))) of \(note == 1 ? place : placeName())\n"
            text += heading
            tokens += TokenEstimator.estimate(heading)
            var first = true
            for _ in 0..<(4 + random.nextInt(below: 6)) where tokens < targetTokens {
                let next = (first ? "" : " ") + sentence(place: place, institution: institution)
                first = false
                text += next
                tokens += TokenEstimator.estimate(next)
            }
        }
        return text
    }

    // MARK: - Pieces

    private mutating func sentence(place: String, institution: String) -> String {
        let noun = pick(Self.nouns)
        switch random.nextInt(below: 9) {
        case 0:
            return "The \(pick(Self.adjectives)) \(noun) at \(place) was \(pick(Self.pastVerbs)) in \(year()) \(pick(Self.reasons))."
        case 1:
            return "\(pick(Self.connectives)) the \(institution) \(pick(Self.adverbs)) \(pick(Self.pastVerbs)) the \(noun), and \(pick(Self.quantities)) \(pick(Self.units)) were involved."
        case 2:
            return "\(person()) \(pick(Self.pastVerbs)) the \(pick(Self.adjectives)) \(noun) \(pick(Self.reasons))."
        case 3:
            return "Records kept by the \(institution) show that the \(noun) cost \(pick(Self.quantities)) pounds and took \(2 + random.nextInt(below: 11)) years."
        case 4:
            return "Visitors often describe the \(noun) as \(pick(Self.adjectives)) and \(pick(Self.adjectives)), although few remember who \(pick(Self.pastVerbs)) it."
        case 5:
            return "In \(year()), \(person()) wrote that the \(noun) of \(placeName()) was better known than the one at \(place)."
        case 6:
            return "\(pick(Self.connectives)) the \(noun) was \(pick(Self.adverbs)) \(pick(Self.pastVerbs)), and the \(pick(Self.nouns)) beside it was \(pick(Self.pastVerbs)) as well."
        case 7:
            return "Nobody agreed on why the \(pick(Self.adjectives)) \(noun) had been \(pick(Self.pastVerbs)); some blamed the \(pick(Self.institutions)), others the weather."
        default:
            return "By \(year()) about \(pick(Self.quantities)) \(pick(Self.units)) depended on the \(noun), which the \(institution) \(pick(Self.pastVerbs)) every autumn."
        }
    }

    private mutating func questionSentence(place: String, institution: String) -> String {
        switch random.nextInt(below: 4) {
        case 0: return "In which year was the \(pick(Self.nouns)) at \(place) \(pick(Self.pastVerbs)), and why?"
        case 1: return "What did the \(institution) do with the \(pick(Self.nouns)), according to the passages?"
        case 2: return "Who \(pick(Self.pastVerbs)) the \(pick(Self.nouns)), and how many \(pick(Self.units)) were involved?"
        default: return "Which passage explains how the \(pick(Self.nouns)) of \(place) changed over time?"
        }
    }

    private mutating func placeName() -> String { pick(Self.placeStarts) + pick(Self.placeEnds) }
    private mutating func person() -> String { pick(Self.givenNames) + " " + pick(Self.familyNames) }
    private mutating func year() -> Int { 1790 + random.nextInt(below: 200) }

    private mutating func pick(_ words: [String]) -> String {
        words[random.nextInt(below: words.count)]
    }

    private func capitalized(_ word: String) -> String {
        word.prefix(1).uppercased() + word.dropFirst()
    }
}
