// Soak: `crest serve` under 1,000 streams of mixed faulty clients, and under 10,000 idle
// connections, with its memory as it goes (issue 15). Run in release:
//
//     swift run -c release ServeSoak [--minutes 10] [--idle 10000]
//
// The server runs in a child process (this program with --serve), so its memory and descriptors
// are its own: the simulator's a100 preset behind the OpenAI routes, injecting faults into a share
// of the answers (resets, early closes, stalls, endless streams, bad JSON, megabyte events, 5xx,
// 429 with a Retry-After, held-back first tokens). Against it:
//
// 1. `--idle` connections that never send a byte (default 10,000), held for 10 s while a
//    well-behaved client's requests are timed against the same requests without them;
// 2. for `--minutes` (default 10): 900 streams from Crest's own load generator (ten of 90 clients;
//    it names every fault it meets) and 100 hostile clients, each looping over the hostile behaviours of
//    `HostileClient`: vanishing mid-stream, slowloris heads, malformed request lines, 70 KiB heads,
//    20 MiB bodies, pipelined requests and idle connections.
//
// It prints the server's resident memory and open descriptors each minute, then what each kind of
// client saw. Memory that levels off is bounded; memory that climbs minute after minute is a leak.
import Crest
import CrestHTTP
import CrestServe
import CrestSimulator
import Foundation
import Glibc

/// The faults the child server injects, each into this share of the answers.
let servedFaults: [InjectedFaults.Kind: Double] = [
    .reset: 0.01, .close: 0.01, .stall: 0.01, .endless: 0.003, .malformedJSON: 0.01, .hugeEvent: 0.002,
    .http500: 0.01, .http429: 0.01, .slowFirstToken: 0.005,
]

func serveForever() throws -> Never {
    OpenFileLimit.raise()
    ignoreBrokenPipes()
    var endpoint = SimulatorPreset.a100.endpoint
    endpoint.faults.retryAfterSeconds = 0.5
    let faults = InjectedFaults(shares: servedFaults, afterTokens: 2, firstTokenDelaySeconds: 5, hugeEventBytes: 2 << 20)
    let loop = try EventLoop(name: "soak-server")
    let server = try SimulatedInferenceServer(endpoint: endpoint, modelName: "sim", seed: 1, faults: faults).listen(on: loop, port: 0)
    FileHandle.standardOutput.write(Data("\(server.port)\n".utf8))
    // Ends when the parent closes our stdin.
    _ = FileHandle.standardInput.readDataToEndOfFile()
    exit(0)
}

/// The child's resident memory (MiB) and open descriptors, from /proc.
func usage(of pid: Int32) -> (rssMiB: Double, descriptors: Int) {
    let status = (try? String(contentsOfFile: "/proc/\(pid)/status", encoding: .utf8)) ?? ""
    let line = status.split(separator: "\n").first { $0.hasPrefix("VmRSS:") } ?? ""
    let kilobytes = Double(line.split(whereSeparator: \.isWhitespace).dropFirst().first ?? "0") ?? 0
    let descriptors = (try? FileManager.default.contentsOfDirectory(atPath: "/proc/\(pid)/fd").count) ?? 0
    return (kilobytes / 1024, descriptors)
}

func option(_ name: String, default value: Int) -> Int {
    guard let index = CommandLine.arguments.firstIndex(of: name), index + 1 < CommandLine.arguments.count,
          let parsed = Int(CommandLine.arguments[index + 1]) else { return value }
    return parsed
}

/// A line on stdout at once: `print` is block-buffered when stdout is not a terminal, and a soak's
/// minutes must show as they pass.
func say(_ line: String) { FileHandle.standardOutput.write(Data((line + "\n").utf8)) }

func format(_ value: Double, _ places: Int = 1) -> String { String(format: "%.\(places)f", value) }

/// A small dataset of chat prompts with 32-token answers.
func soakDataset() -> Dataset {
    let prompts = (1...20).map { index -> Prompt in
        let messages = [ChatMessage(role: "user", content: String(repeating: "soak prompt \(index) ", count: 20))]
        return Prompt(content: .chat(messages), promptTokens: TokenEstimator.estimate(messages: messages), promptTokensSource: .estimate, maxOutputTokens: 32, line: index)
    }
    return Dataset(name: "soak", path: "soak.jsonl", format: .openAIChat, prompts: prompts, fingerprint: "0")
}

/// p50 latency of 64 requests from 8 well-behaved clients (seconds).
func wellBehavedLatency(_ url: String) async throws -> (p50: Double, failures: String) {
    let live = try LiveEndpoint(url: url, api: .openAIChat, model: "sim", metricsPath: nil)
    let measurer = try LiveMeasurer(endpoint: live, dataset: soakDataset(), seed: 2, requestTimeoutSeconds: 30)
    defer { measurer.shutdown() }
    let run = try await measurer.measure(Level(concurrency: 8), until: .requests(64))
    let ok = run.samples.filter { $0.outcome.isSuccess }.map(\.latencySeconds).sorted()
    let failed = Dictionary(grouping: run.samples.filter { !$0.outcome.isSuccess }, by: \.category).mapValues(\.count)
    let failures = failed.isEmpty ? "none failed" : failed.sorted { $0.key < $1.key }.map { "\($0.value) \($0.key)" }.joined(separator: ", ")
    return (ok.isEmpty ? .nan : ok[ok.count / 2], "of \(run.samples.count): " + failures)
}

func runSoak() async throws {
    OpenFileLimit.raise()
    ignoreBrokenPipes()
    let minutes = option("--minutes", default: 10)
    let idle = option("--idle", default: 10_000)
    let child = Process()
    child.executableURL = URL(fileURLWithPath: CommandLine.arguments[0])
    child.arguments = ["--serve"]
    let toChild = Pipe()
    let fromChild = Pipe()
    child.standardInput = toChild
    child.standardOutput = fromChild
    try child.run()
    defer { try? toChild.fileHandleForWriting.close(); child.waitUntilExit() }
    var portText = ""
    while !portText.hasSuffix("\n") { portText += String(decoding: fromChild.fileHandleForReading.availableData, as: UTF8.self) }
    let port = Int(portText.trimmingCharacters(in: .whitespacesAndNewlines))!
    let url = "http://127.0.0.1:\(port)"
    let pid = child.processIdentifier
    say("server pid \(pid) on \(url), injecting \(servedFaults.map { "\($0.key.rawValue) \(format($0.value * 100))%" }.sorted().joined(separator: ", "))")
    let start = usage(of: pid)
    say("at start: \(format(start.rssMiB)) MiB resident, \(start.descriptors) descriptors")

    // 1. Idle connections.
    let alone = try await wellBehavedLatency(url)
    let held = IdleConnections.open(idle, port: port)
    sleep(2)
    let withIdle = usage(of: pid)
    let besideIdle = try await wellBehavedLatency(url)
    say("\(held) idle connections open: \(format(withIdle.rssMiB)) MiB resident, \(withIdle.descriptors) descriptors; "
        + "8 clients' p50 latency \(format(besideIdle.p50, 3)) s beside them (\(besideIdle.failures)) against \(format(alone.p50, 3)) s alone")
    IdleConnections.closeAll()
    sleep(2)

    // 2. The soak.
    // Ten load generators of 90 clients: each starts its clients one by one as responses begin
    // (at most a second apart), so ten of them reach 900 streams ten times sooner than one would.
    let live = try LiveEndpoint(url: url, api: .openAIChat, model: "sim", metricsPath: nil)
    let measurers = try (0..<10).map { index in
        try LiveMeasurer(
            endpoint: live, dataset: soakDataset(), seed: UInt64(3 + index), requestTimeoutSeconds: 20,
            timeouts: ClientTimeouts(connectSeconds: 10, firstTokenSeconds: nil, stallSeconds: 2))
    }
    let hostile = HostileClients(count: 100, port: port)
    hostile.start()
    let soakStart = Date()
    let streams = Task {
        try await withThrowingTaskGroup(of: [Sample].self) { group in
            for measurer in measurers {
                group.addTask { try await measurer.measure(Level(concurrency: 90), until: .duration(seconds: Double(minutes * 60))).samples }
            }
            return try await group.reduce(into: [Sample]()) { $0 += $1 }
        }
    }
    say("minute  resident MiB  descriptors")
    var peak = 0.0
    for minute in 1...minutes {
        while Date().timeIntervalSince(soakStart) < Double(minute * 60) { try await Task.sleep(nanoseconds: 500_000_000) }
        let now = usage(of: pid)
        peak = max(peak, now.rssMiB)
        say(String(repeating: " ", count: 6 - "\(minute)".count) + "\(minute)  " + String(repeating: " ", count: 12 - format(now.rssMiB).count)
            + format(now.rssMiB) + "  " + String(repeating: " ", count: 11 - "\(now.descriptors)".count) + "\(now.descriptors)")
    }
    let samples = try await streams.value
    hostile.stop()
    measurers.forEach { $0.shutdown() }
    let categories = Dictionary(grouping: samples, by: \.category).mapValues(\.count).sorted { $0.value > $1.value }
    say("900 load-generator streams: \(samples.count) requests recorded: " + categories.map { "\($0.value) \($0.key)" }.joined(separator: ", "))
    say("100 hostile clients: " + hostile.summary())
    sleep(65)  // past the server's 60 s idle timeout: every connection it still holds is one it leaked
    let end = usage(of: pid)
    say("after the soak and the idle timeout: \(format(end.rssMiB)) MiB resident (peak \(format(peak)) MiB), \(end.descriptors) descriptors (\(start.descriptors) at start)")
    let after = try await wellBehavedLatency(url)
    say("8 clients' p50 latency after the soak: \(format(after.p50, 3)) s (\(after.failures))")
}

if CommandLine.arguments.contains("--serve") { try serveForever() }
try await runSoak()
