import Crest
import Foundation

/// `crest recommend`'s answer for people and for scripts.
public enum BudgetAnswerText {
    public static func render(_ answer: BudgetAnswer, stored: StoredSweep, folder: String) -> String {
        let measured = answer.levels.map { String($0.concurrency) }.joined(separator: ", ")
        let count = stored.runs.count
        let what = count == 0 ? "no measurement" : "\(count) measurement\(count == 1 ? "" : "s") of level\(answer.levels.count == 1 ? "" : "s") \(measured)"
        var text = "crest recommend: \(folder) (\(stored.manifest.target.name), \(what))\n"
        text += "budget \(answer.budget)"
        text += answer.usesTheSweepsTests ? " (the sweep's own, with its sequential tests' verdicts)\n" : " (the sweep ran with \(stored.manifest.budget); verdicts computed afresh from the stored samples)\n"
        if count > 0, let partial = partialRunNote(stored) { text += partial + "\n" }
        text += "\n"
        for level in answer.levels {
            let checks = level.verdict.checks.map { "\($0.constraint.statisticName)=\(Format.statistic($0))" }.joined(separator: " ")
            let marker = level.concurrency == answer.recommendation?.concurrency ? "▶" : " "
            let verdict = level.verdict.decision?.label ?? "\(level.verdict.label) by point estimate"
            text += "  \(marker) \(String(level.concurrency).leftPadded(to: 5))  \(NumberFormatting.significant(level.summary.transactionsPerMinute.value, digits: 4)) trans/min  \(checks)  \(verdict)\n"
        }
        text += "\n"
        if let chosen = answer.recommendation {
            text += (chosen.isFeasible ? "Recommendation: " : "No recommendation: ") + chosen.explanation + "\n"
        }
        switch answer.coverage {
        case .answered:
            break
        case .nothingMeasured:
            text += "Nothing to answer from: the sweep stopped (\(stored.manifest.status.rawValue)) before it finished a level. To measure: \(sweepCommand(stored, answer.budget))\n"
        case .tighterThanMeasured(let lowest) where lowest == 1:
            text += "Even one client breaks this budget: the endpoint cannot meet it with this dataset.\n"
        case .tighterThanMeasured(let lowest):
            let lower = (0..<Int(log2(Double(lowest)).rounded(.up))).map { String(1 << $0) }.joined(separator: ",")
            text += "The stored levels cannot answer this budget: even the lowest measured, \(lowest), breaks it. Lower levels would: \(sweepCommand(stored, answer.budget, extra: ["--levels", lower]))\n"
        case .looserThanMeasured(let highest):
            text += "The stored levels cannot bound this budget: even the highest measured, \(highest), meets it, so the endpoint may take more. A sweep above it would: \(sweepCommand(stored, answer.budget, extra: ["--max-concurrency", "\(highest * 4)"]))\n"
        }
        if let crossing = answer.crossing {
            text += "Between \(crossing.from) and \(crossing.to), where nothing was measured, the line joining them crosses \(crossing.constraint) near \(NumberFormatting.significant(crossing.estimate, digits: 3))"
            if let low = crossing.low, let high = crossing.high {
                text += " (\(NumberFormatting.significant(low, digits: 3))–\(NumberFormatting.significant(high, digits: 3)) from the intervals)"
            }
            let probe = Int(crossing.estimate.rounded(.down))
            text += ": an interpolation, not a measurement. To measure it: \(sweepCommand(stored, answer.budget, extra: ["--levels", "\(crossing.from),\(max(probe, crossing.from + 1))"]))\n"
        }
        return text
    }

    /// What an answer from a sweep that did not finish must say: the levels it finished are all
    /// there is, and the search had not ended, so a level it never reached may meet the budget too.
    static func partialRunNote(_ stored: StoredSweep) -> String? {
        let how: String
        switch stored.manifest.status {
        case .finished: return nil
        case .interrupted: how = "was interrupted"
        case .failed: how = "failed"
        case .running: how = "ended without finishing (killed, or still running)"
        }
        let count = stored.runs.count
        return "Partial: this sweep \(how) after \(count) measurement\(count == 1 ? "" : "s"); the answer comes from those alone, and a level it had not reached may meet the budget too."
    }

    /// The `crest sweep` command that would measure what the stored sweep cannot answer, against
    /// the same target and dataset.
    static func sweepCommand(_ stored: StoredSweep, _ budget: Budget, extra: [String] = []) -> String {
        let target = stored.manifest.target
        var words = ["crest", "sweep"]
        if target.isSimulator {
            words += ["--target", target.name]
        } else {
            // openai-chat is `--api`'s default, so the command leaves it out.
            words += ["--url", target.name, "--model", target.model] + (target.kind.rawValue == "openai-chat" ? [] : ["--api", target.kind.rawValue])
        }
        words += ["--dataset", stored.manifest.dataset.name]
        // The same load as the stored sweep: its output cap and the shape of its requests.
        if let cap = stored.manifest.settings.maxOutputTokens { words += ["--max-tokens", "\(cap)"] }
        if let shape = stored.manifest.dataset.workload {
            if let tokens = shape.sharedPrefixTokens { words += ["--shared-prefix-tokens", "\(tokens)"] }
            if shape.prefixGroups > 1 { words += ["--prefix-groups", "\(shape.prefixGroups)"] }
            if !shape.prefixReuse { words.append("--no-prefix-reuse") }
            if shape.answersToCap { words.append("--min-output-tokens") }
            if let sessions = shape.sessions {
                words += ["--session-turns", "\(sessions.turns)", "--think-time", "\(NumberFormatting.significant(sessions.meanThinkSeconds))s"]
            }
        }
        words += extra
        for constraint in budget.latency { words += ["--budget", constraint.description] }
        if let ceiling = budget.maxErrorRate { words += ["--max-error-rate", "\(NumberFormatting.significant(ceiling * 100))%"] }
        return ShellWord.command(words)
    }

    /// The answer as one JSON object; `sweep_status` says whether the sweep finished (an answer
    /// from an interrupted, failed or killed one is partial).
    public static func json(_ answer: BudgetAnswer, stored: StoredSweep) -> String {
        var object: [String: Any] = [
            "sweep_status": stored.manifest.status.rawValue,
            "budget": answer.budget.description,
            "measured": answer.levels.map(\.concurrency),
            "verdicts_from": answer.usesTheSweepsTests ? "sweep" : "samples",
        ]
        if let chosen = answer.recommendation {
            object["concurrency"] = chosen.concurrency
            object["feasible"] = chosen.isFeasible
            object["transactions_per_minute"] = chosen.level.summary.transactionsPerMinute.value
            object["explanation"] = chosen.explanation
        }
        switch answer.coverage {
        case .answered: object["coverage"] = "answered"
        case .nothingMeasured: object["coverage"] = "nothing measured"
        case .tighterThanMeasured(let lowest): object["coverage"] = "tighter than measured (lowest \(lowest))"
        case .looserThanMeasured(let highest): object["coverage"] = "looser than measured (highest \(highest))"
        }
        if let crossing = answer.crossing {
            var interpolated: [String: Any] = ["from": crossing.from, "to": crossing.to, "constraint": crossing.constraint.description, "estimate": crossing.estimate]
            if let low = crossing.low { interpolated["low"] = low }
            if let high = crossing.high { interpolated["high"] = high }
            object["interpolated_edge"] = interpolated
        }
        let data = (try? JSONSerialization.data(withJSONObject: object, options: [.sortedKeys, .prettyPrinted, .withoutEscapingSlashes])) ?? Data()
        return String(decoding: data, as: UTF8.self)
    }
}

private extension String {
    func leftPadded(to width: Int) -> String { String(repeating: " ", count: max(0, width - count)) + self }
}
