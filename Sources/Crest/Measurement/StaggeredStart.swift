/// How a level's clients start, the same for the simulator and the live load generator: one by
/// one, each when the response to a request sent since the previous client started begins (its
/// first token, or the end of a response without one), and at the latest `longestGap(clients:)`
/// after the previous client: a second, or less for a level so large that a second each would
/// make its start last more than five minutes. The measured window opens once all of them run
/// (`LevelRecorder.lastClientStarted(at:)`). A level that adds clients to ones still running from
/// the level before goes on where their start left off (`phaseReference(among:startedAt:)`), its
/// first new client's longest wait counted from the first request a staying client sends.
///
/// Started in one burst, clients whose prompts have the same length are prefilled in the same step
/// and, with outputs of the same length too, finish and return together for good: a lock-step that
/// comes from the start, which a short level mistakes for the load's steady state. Responses to
/// older requests do not count, because one prefill step answers several requests at once and a
/// client for each would start a burst again. (Measured with `ServeAgreement`: before this rule,
/// TTFT over HTTP differed from virtual time by 5 to 8%; counting every response, by 52% at 64
/// clients; with it, by under 4%, and e2e, TPOT and throughput by under 0.2%.)
public enum StaggeredStart {
    /// So that a server that does not answer does not stretch the start over N request timeouts.
    public static let longestGapNanoseconds: Int64 = 1_000_000_000
    /// The longest start of a level, when no response comes to start its clients sooner. A server
    /// that queues starts a client per response only as fast as the queue moves: 10,000 clients at
    /// a second each would take three hours to start.
    public static let longestStartNanoseconds: Int64 = 300_000_000_000

    /// The longest wait between two clients' starts at a level of `clients`: a second up to 300
    /// clients (every level of the default search), then less, so the start takes at most five minutes.
    public static func longestGap(clients: Int) -> Int64 {
        min(longestGapNanoseconds, longestStartNanoseconds / Int64(max(clients, 1)))
    }

    /// The client whose next response starts the first client a level adds to clients that stay
    /// (`stayers`), where any response would start the next client later on: the one that started
    /// last. The staggered start so goes on where it stopped. Starting the new client as the first
    /// response of any client begins would put it in step with the client after that one, whose
    /// request leaves at that moment when prompts and answers have one length (the stayers'
    /// phases are a response's start apart): on the search benchmark's fixed-length profiles a
    /// level of 4 after one of 2 then measured its TTFT p99 at 1.7 times its truth, as two
    /// requests prefilled together at every turn.
    public static func phaseReference(among stayers: [Int], startedAt: (Int) -> Int64) -> Int? {
        stayers.max { (startedAt($0), $0) < (startedAt($1), $1) }
    }

    /// True when a response to a request sent at `sentAt` starts the next client, the latest
    /// having started at `latestStart`.
    public static func startsNextClient(responseToRequestSentAt sentAt: Int64, latestStart: Int64) -> Bool {
        sentAt >= latestStart
    }
}
