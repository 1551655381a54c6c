/// Crest's exit codes (DESIGN.md, "Conventions").
enum ExitCode: Int32 {
    case success = 0
    /// The run failed: the endpoint, the disk, or Crest itself.
    case runFailed = 1
    /// Bad usage or bad input.
    case usage = 2
    /// The sweep finished and no level met the budget.
    case noFeasibleLevel = 3
    /// Ctrl-C or SIGTERM: 128 + SIGINT, as shells report it.
    case interrupted = 130
}
