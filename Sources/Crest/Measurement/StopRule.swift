/// When a level's measured window closes.
///
/// The window opens at the last warm-up completion. Requests sent inside it are the measured ones;
/// the load keeps running until every one of them has finished, so long requests are not cut off.
public enum StopRule: Sendable, Equatable {
    /// Close the window once this many requests have been sent in it.
    case requests(Int)
    /// Close the window after this many seconds.
    case duration(seconds: Double)
    /// Close the window as soon as the level's budget verdict is decided (see `LevelTest`).
    case sequential(LevelTest)
    /// Close the window once consecutive windows agree, as perf_analyzer does (see `StabilityRule`).
    case stable(StabilityRule)

    /// A short phrase for reports: "200 requests", "60 s".
    public var summary: String {
        switch self {
        case .requests(let count): return "\(count) measured requests"
        case .duration(let seconds): return "\(NumberFormatting.significant(seconds)) s measured"
        case .sequential(let test): return "\(test.mode.rawValue) test, looks at \(test.looks.map(String.init).joined(separator: "/")) requests"
        case .stable(let rule): return "windows of \(rule.windowRequests) until \(rule.stableWindows) agree within \(Int(rule.tolerance * 100))%"
        }
    }
}
