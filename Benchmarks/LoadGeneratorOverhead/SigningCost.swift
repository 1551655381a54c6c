import CrestAWS
import Foundation

/// `--signing`: what SigV4 costs per request (issue 14). A signed endpoint's requests are built
/// once per prompt, their body hashed then; each send signs again (the signature covers the time),
/// on the event loop's thread, so that cost is send lag. Prints both, for a Bedrock Converse body
/// the size en_1000-2000 sends (about 8.5 kB).
func runSigningBenchmark() {
    let body = Array(#"{"messages":[{"role":"user","content":[{"text":""#.utf8) + Array(repeating: UInt8(ascii: "w"), count: 8_400) + Array(#""}]}]}"#.utf8)
    let headers = [(name: "Content-Type", value: "application/json"), (name: "Accept", value: "application/vnd.amazon.eventstream")]
    func request() -> SigV4Request {
        SigV4Request(
            method: "POST", path: "/model/anthropic.claude-instant-v1/converse-stream", host: "bedrock-runtime.us-east-1.amazonaws.com",
            headers: headers, body: body)
    }
    let signer = SigV4Signer(
        credentials: AWSCredentials(accessKeyID: "AKIDEXAMPLE", secretAccessKey: "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY", sessionToken: "session"),
        service: "bedrock", region: "us-east-1")
    let count = CommandLine.arguments.contains("--quick") ? 2_000 : 20_000
    func microseconds(_ work: () -> Int) -> Double {
        var best = Double.infinity
        // Best of three runs: the machine is shared, and noise only ever adds.
        for _ in 0..<3 {
            var sink = 0
            let start = DispatchTime.now().uptimeNanoseconds
            for _ in 0..<count { sink &+= work() }
            best = min(best, Double(DispatchTime.now().uptimeNanoseconds - start) / 1e3 / Double(count))
            if sink == 42 { print("") }
        }
        return best
    }
    let prepared = request()
    var second: Int64 = 1_800_000_000
    let perSend = microseconds {
        second += 1
        return signer.sign(prepared, at: AWSTimestamp(unixSeconds: second)).headers.count
    }
    let perPrompt = microseconds { request().payloadHash.count }
    print("SigV4, a \(body.count)-byte body, best of 3 runs of \(count):")
    print(String(format: "  each send (canonical request, string to sign, key, signature): %.1f µs", perSend))
    print(String(format: "  once per prompt (the body's SHA-256):                            %.1f µs", perPrompt))
}
