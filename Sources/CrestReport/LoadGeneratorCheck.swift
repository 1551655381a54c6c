import Crest

/// One sentence on the live load generator's own cost across a sweep, and on any level it may
/// have limited; nil for the simulator.
enum LoadGeneratorCheck {
    static func sentence(_ levels: [LevelResult]) -> String? {
        let checks = levels.compactMap { level in level.summary.client.map { (concurrency: level.summary.concurrency, check: $0) } }
        let requests = checks.map(\.check.requests).reduce(0, +)
        guard requests > 0 else { return nil }
        let cpuMicroseconds = checks.map(\.check.cpuSeconds).reduce(0, +) * 1e6 / Double(requests)
        let events = Double(checks.map(\.check.events).reduce(0, +)) / Double(requests)
        let worstLag = checks.map(\.check.sendLagP99Seconds).max() ?? 0
        let peakShare = checks.map(\.check.cpuShare).max() ?? 0
        let viaURLSession = checks.contains { $0.check.route == "urlsession" }
        var sentence = viaURLSession
            ? "Load generator: URLSession (https without the system's OpenSSL 3, or --client urlsession), whose callbacks come on its own threads, so its times are about a millisecond coarser than the epoll client's and its CPU is the whole process's; "
                + "\(NumberFormatting.significant(cpuMicroseconds, digits: 3)) µs of CPU per request"
            : "Load generator: \(NumberFormatting.significant(cpuMicroseconds, digits: 3)) µs of CPU per request"
        if events > 0 { sentence += " (\(NumberFormatting.significant(events, digits: 3)) streamed events each)" }
        sentence += ", send lag p99 at most \(NumberFormatting.significant(worstLag * 1000, digits: 2)) ms, at most \(Int((peakShare * 100).rounded()))% of \(viaURLSession ? "the machine's cores" : "its core"); "
        let limited = Set(checks.filter { $0.check.isClientLimited }.map(\.concurrency)).sorted()
        if limited.isEmpty { return sentence + "it limited no level." }
        return sentence + "it may have limited concurrency \(limited.map(String.init).joined(separator: ", ")), whose latencies then include its own delay."
    }
}
