// Load-generator overhead: what Crest's live client costs and adds, against a server that does
// no work but keep time (a child process, so the client's CPU is measured alone). Run in release:
//
//     swift run -c release LoadGeneratorOverhead
//
// For 1, 64, 256 and 1,024 concurrent streams it prints the client's CPU per request and per
// streamed event (its event-loop thread's CPU time, from CLOCK_THREAD_CPUTIME_ID), and the
// latency it adds: measured TTFT and end-to-end time minus the server's scripted times, at p50
// and p99. Added latency includes the server process and the loopback, so it is an upper bound
// on the client's share. The machine is shared; compare figures within one run.
//
//     swift run -c release LoadGeneratorOverhead --https
//
// compares the routes to an https endpoint (issue 14): Crest's epoll client and the URLSession
// route, each over plain http and over TLS (the benchmark server serving https itself, with a
// throwaway certificate made with openssl), at 1, 64 and 256 streams: the process's CPU per
// request (every thread: URLSession's own run outside the loop's) and the added TTFT.
//
//     swift run -c release LoadGeneratorOverhead --signing
//
// prints what SigV4 costs: once per prompt (the body's hash) and at each send, which the event
// loop pays as it sends.
import Crest
import CrestHTTP
import Foundation

func runOverheadBenchmark() async throws {
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
    let url = "http://127.0.0.1:\(portText.trimmingCharacters(in: .whitespacesAndNewlines))"

    let quick = CommandLine.arguments.contains("--quick")
    print("streams  requests  CPU µs/request (user)  CPU µs/event (user)  added TTFT p50/p99 ms  added e2e p50/p99 ms  client read delay p50/p99 ms  send lag p99 ms  client-limited")
    for streams in [1, 64, 256, 1024] {
        let requests = quick ? max(2 * streams, 40) : max(4 * streams, streams == 1 ? 100 : 1000)
        // Per request: one streamed event at once. Per event: 40 events 2 ms apart, minus that.
        let single = try await measureLevel(url: url, streams: streams, requests: requests, tokens: 1, firstMs: 0, gapMs: 0)
        let many = try await measureLevel(url: url, streams: streams, requests: requests, tokens: 40, firstMs: 0, gapMs: 2)
        let perRequest = single.cpuMicrosecondsPerRequest
        let eventsSingle = Double(single.events) / Double(single.requests)
        let eventsMany = Double(many.events) / Double(many.requests)
        let perEvent = (many.cpuMicrosecondsPerRequest - perRequest) / (eventsMany - eventsSingle)
        let userPerRequest = single.userCPUSeconds * 1e6 / Double(single.requests)
        let userPerEvent = (many.userCPUSeconds * 1e6 / Double(many.requests) - userPerRequest) / (eventsMany - eventsSingle)
        // Added latency: first token scripted at 20 ms, then 19 more 10 ms apart (210 ms in all).
        let timed = try await measureRun(url: url, streams: streams, requests: requests, tokens: 20, firstMs: 20, gapMs: 10)
        let addedTTFT = timed.measured.compactMap(\.ttftSeconds).map { ($0 - 0.020) * 1000 }.sorted()
        let addedE2E = timed.measured.map { ($0.latencySeconds - 0.210) * 1000 }.sorted()
        let check = timed.client!
        print(
            pad(streams, 7) + pad(requests, 10) + pad(String(format: "%.1f (%.1f)", perRequest, userPerRequest), 23) + pad(String(format: "%.1f (%.1f)", perEvent, userPerEvent), 21)
                + pad(String(format: "%.2f / %.2f", percentile(addedTTFT, 0.5), percentile(addedTTFT, 0.99)), 23)
                + pad(String(format: "%.2f / %.2f", percentile(addedE2E, 0.5), percentile(addedE2E, 0.99)), 21)
                + pad(String(format: "%.3f / %.3f", check.readDelayP50Seconds * 1000, check.readDelayP99Seconds * 1000), 31)
                + pad(String(format: "%.3f", check.sendLagP99Seconds * 1000), 17) + pad(check.isClientLimited ? "yes" : "no", 16))
    }
}

func measureLevel(url: String, streams: Int, requests: Int, tokens: Int, firstMs: Double, gapMs: Double) async throws -> ClientCheck {
    try await measureRun(url: url, streams: streams, requests: requests, tokens: tokens, firstMs: firstMs, gapMs: gapMs).client!
}

func measureRun(
    url: String, streams: Int, requests: Int, tokens: Int, firstMs: Double, gapMs: Double, route: LiveEndpoint.Route? = nil,
    certificateBundle: String? = nil
) async throws -> LevelRun {
    let prompts = (0..<16).map { Prompt(content: .text("benchmark prompt \($0)"), promptTokens: 10, promptTokensSource: .dataset, maxOutputTokens: tokens, line: $0 + 1) }
    let dataset = Dataset(name: "bench", path: "bench", format: .plainText, prompts: prompts, fingerprint: "0")
    let endpoint = try LiveEndpoint(
        url: url, api: .openAIChat, model: "bench", extraFields: ["bench": #"{"first_ms":\#(firstMs),"gap_ms":\#(gapMs)}"#], route: route,
        certificateBundle: certificateBundle)
    let measurer = try LiveMeasurer(endpoint: endpoint, dataset: dataset, seed: 1, requestTimeoutSeconds: 60)
    defer { measurer.shutdown() }
    let run = try await measurer.measure(Level(concurrency: streams), until: .requests(requests))
    let failures = run.samples.filter { !$0.outcome.isSuccess }.count
    if failures > 0 {
        let example = run.failureExamples.first.map { ": \($0.outcome.rawValue) \($0.reason ?? "")" } ?? ""
        FileHandle.standardError.write(Data("warning: \(failures) failed requests at \(streams) streams\(example)\n".utf8))
    }
    return run
}

func percentile(_ sorted: [Double], _ share: Double) -> Double {
    sorted.isEmpty ? .nan : sorted[min(sorted.count - 1, Int(share * Double(sorted.count)))]
}

func pad(_ value: Any, _ width: Int) -> String {
    let text = "\(value)"
    return String(repeating: " ", count: max(1, width - text.count)) + text
}

func main() async throws {
    if CommandLine.arguments.contains("--serve") { try serveForParent() }
    if CommandLine.arguments.contains("--https") { return try await runHTTPSRouteBenchmark() }
    if CommandLine.arguments.contains("--signing") { return runSigningBenchmark() }
    try await runOverheadBenchmark()
}

try await main()
