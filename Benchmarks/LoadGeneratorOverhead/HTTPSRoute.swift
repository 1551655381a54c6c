import Crest
import CrestHTTP
import Foundation
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif

/// `--https`: what each route to an https endpoint costs (issue 14): Crest's epoll client with its
/// own TLS (OpenSSL 3, loaded at run time) and URLSession, each over plain http and over TLS, to
/// one server (the benchmark's own, serving https itself in the TLS rows).
///
/// URLSession on Linux verifies certificates against the system bundle it finds
/// (FoundationNetworking sets libcurl's CA file to /etc/ssl/certs/ca-certificates.crt), and offers
/// no way to trust another. So the benchmark makes a throwaway certificate, then runs itself again
/// in a private mount namespace where that bundle, and only there, also holds it (`unshare -m`,
/// which needs root: the machines this runs on are throwaway ones). Nothing outside changes.
func runHTTPSRouteBenchmark() async throws {
    let arguments = CommandLine.arguments
    if let index = arguments.firstIndex(of: "--https-inner"), index + 2 < arguments.count {
        return try await measureRoutes(cert: arguments[index + 1], key: arguments[index + 2])
    }
    let folder = FileManager.default.temporaryDirectory.appendingPathComponent("crest-tls-\(getpid())")
    try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
    defer { try? FileManager.default.removeItem(at: folder) }
    let cert = folder.appendingPathComponent("cert.pem").path
    let key = folder.appendingPathComponent("key.pem").path
    let bundle = folder.appendingPathComponent("bundle.crt").path
    let systemBundle = "/etc/ssl/certs/ca-certificates.crt"
    try run("/usr/bin/openssl", ["req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", key, "-out", cert, "-days", "1", "-subj", "/CN=127.0.0.1",
                                 "-addext", "subjectAltName=IP:127.0.0.1"])
    try (try Data(contentsOf: URL(fileURLWithPath: systemBundle)) + Data(contentsOf: URL(fileURLWithPath: cert))).write(to: URL(fileURLWithPath: bundle))
    let quick = arguments.contains("--quick") ? " --quick" : ""
    let status = try run("/usr/bin/unshare", ["-m", "--propagation", "private", "/bin/sh", "-c",
        "mount --bind '\(bundle)' \(systemBundle) && exec '\(arguments[0])' --https --https-inner '\(cert)' '\(key)'\(quick)"], quiet: false)
    if status != 0 { FileHandle.standardError.write(Data("the https benchmark needs root for unshare -m (exit \(status))\n".utf8)) }
}

private func measureRoutes(cert: String, key: String) async throws {
    let (server, serverPort) = try startChild(CommandLine.arguments[0], ["--serve"])
    defer { server.stop() }
    let (secureServer, securePort) = try startChild(CommandLine.arguments[0], ["--serve", "--tls", cert, key])
    defer { secureServer.stop() }
    let plain = "http://127.0.0.1:\(serverPort)"
    let secure = "https://127.0.0.1:\(securePort)"
    let quick = CommandLine.arguments.contains("--quick")
    print("route                        streams  requests  process CPU µs/request  added TTFT p50/p99 ms  added e2e p50/p99 ms  failed")
    for streams in [1, 64, 256] {
        let requests = quick ? max(2 * streams, 40) : max(4 * streams, streams == 1 ? 100 : 1000)
        let routes: [(String, String, LiveEndpoint.Route)] = [
            ("epoll, http", plain, .epoll), ("epoll, https (OpenSSL)", secure, .epoll), ("urlsession, http", plain, .urlSession),
            ("urlsession, https (libcurl)", secure, .urlSession),
        ]
        for (label, url, route) in routes {
            let before = processCPUSeconds()
            let run = try await measureRun(
                url: url, streams: streams, requests: requests, tokens: 20, firstMs: 20, gapMs: 10, route: route,
                certificateBundle: route == .epoll && url == secure ? cert : nil)
            let cpu = (processCPUSeconds() - before) * 1e6 / Double(max(run.samples.count, 1))
            let addedTTFT = run.measured.compactMap(\.ttftSeconds).map { ($0 - 0.020) * 1000 }.sorted()
            let addedE2E = run.measured.filter(\.outcome.isSuccess).map { ($0.latencySeconds - 0.210) * 1000 }.sorted()
            let failed = run.measured.count { !$0.outcome.isSuccess }
            print(
                label.padding(toLength: 28, withPad: " ", startingAt: 0) + pad(streams, 8) + pad(run.measured.count, 10) + pad(String(format: "%.0f", cpu), 24)
                    + pad(String(format: "%.2f / %.2f", percentile(addedTTFT, 0.5), percentile(addedTTFT, 0.99)), 23)
                    + pad(String(format: "%.2f / %.2f", percentile(addedE2E, 0.5), percentile(addedE2E, 0.99)), 21) + pad(failed, 8))
        }
    }
}

/// The CPU time of every thread of this process, user and system.
private func processCPUSeconds() -> Double {
    var usage = rusage()
    getrusage(RUSAGE_SELF.rawValue, &usage)
    return Double(usage.ru_utime.tv_sec + usage.ru_stime.tv_sec) + Double(usage.ru_utime.tv_usec + usage.ru_stime.tv_usec) / 1e6
}

@discardableResult
private func run(_ tool: String, _ arguments: [String], quiet: Bool = true) throws -> Int32 {
    let process = Process()
    process.executableURL = URL(fileURLWithPath: tool)
    process.arguments = arguments
    if quiet {
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
    }
    try process.run()
    process.waitUntilExit()
    return process.terminationStatus
}

/// A child that prints its port on its first line and runs until its stdin closes.
private struct Child {
    let process: Process
    let input: Pipe

    func stop() {
        try? input.fileHandleForWriting.close()
        process.waitUntilExit()
    }
}

private func startChild(_ tool: String, _ arguments: [String]) throws -> (Child, String) {
    let process = Process()
    process.executableURL = URL(fileURLWithPath: tool)
    process.arguments = arguments
    let input = Pipe()
    let output = Pipe()
    process.standardInput = input
    process.standardOutput = output
    // The TLS front's complaints about clients that hang up (asyncio's SSL shutdown) are no figure.
    process.standardError = FileHandle.nullDevice
    try process.run()
    var text = ""
    while !text.hasSuffix("\n") {
        let data = output.fileHandleForReading.availableData
        guard !data.isEmpty else { break }
        text += String(decoding: data, as: UTF8.self)
    }
    return (Child(process: process, input: input), text.trimmingCharacters(in: .whitespacesAndNewlines))
}
