import Crest
import Foundation
import Glibc
import XCTest
@testable import CrestHTTP

/// `crest serve`'s server against clients that misbehave. Regression tests: it had no idle or
/// header timeout (a slowloris connection stayed forever), and at the open-files limit it spun at
/// 100% CPU and stopped answering.
final class HTTPServerHostileClientTests: XCTestCase {
    /// Answers "ok", or streams for `streamSeconds` when the path is /stream.
    private final class Answering: HTTPRequestHandler, @unchecked Sendable {
        let streamSeconds: Double
        init(streamSeconds: Double = 0) { self.streamSeconds = streamSeconds }

        func handle(_ request: HTTPServerRequest, response: HTTPResponseWriter) {
            guard request.path == "/stream" else { return response.send(status: 200, body: Array("ok".utf8)) }
            response.startStream()
            let start = response.loop.now
            for tick in 1...10 {
                response.loop.schedule(at: start + Int64(Double(tick) / 10 * streamSeconds * 1e9)) {
                    response.sendChunk(Array("data: \(tick)\n\n".utf8))
                    if tick == 10 { response.endStream() }
                }
            }
        }
    }

    /// A blocking client socket connected to `port`, whose reads give up after `timeout` seconds.
    private func connect(to port: Int, timeout: Double = 5) throws -> Int32 {
        let descriptor = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        address.sin_port = UInt16(port).bigEndian
        let connected = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { Glibc.connect(descriptor, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        }
        guard connected == 0 else { throw SocketError.system("connect", errno) }
        var wait = timeval(tv_sec: Int(timeout), tv_usec: Int((timeout - timeout.rounded(.down)) * 1e6))
        setsockopt(descriptor, SOL_SOCKET, SO_RCVTIMEO, &wait, socklen_t(MemoryLayout<timeval>.size))
        return descriptor
    }

    private func send(_ text: String, to descriptor: Int32) {
        _ = Array(text.utf8).withUnsafeBytes { write(descriptor, $0.baseAddress, $0.count) }
    }

    /// Everything the server sends until it closes the connection (or the read times out), and
    /// whether it closed it.
    private func readToEnd(_ descriptor: Int32) -> (text: String, closed: Bool) {
        var received: [UInt8] = []
        var buffer = [UInt8](repeating: 0, count: 4096)
        while true {
            let count = read(descriptor, &buffer, buffer.count)
            if count == 0 { return (String(decoding: received, as: UTF8.self), true) }
            if count < 0 { return (String(decoding: received, as: UTF8.self), false) }
            received += buffer[..<count]
        }
    }

    func testAnIdleConnectionIsClosed() throws {
        let loop = try EventLoop(name: "hostile")
        defer { loop.shutdown() }
        let server = try HTTPServer(loop: loop, handler: Answering(), idleTimeout: 0.5, requestTimeout: 5)
        // A read timeout of 10 s is the watchdog: the server closes the connection by its idle
        // timeout long before, and says so in its count.
        let client = try connect(to: server.port, timeout: 10)
        defer { close(client) }
        XCTAssertTrue(readToEnd(client).closed, "the server closed the idle connection")
        XCTAssertEqual(server.timedOutConnections, 1)
    }

    /// Each refusal in the status a client can act on, then a close; the server serves the next
    /// client as before. Pipelined requests on one connection are answered in order.
    func testOversizedAndMalformedRequestsGetTheirStatusAndPipelinedOnesTheirAnswers() throws {
        let loop = try EventLoop(name: "hostile")
        defer { loop.shutdown() }
        let server = try HTTPServer(loop: loop, handler: Answering())
        let cases: [(String, String)] = [
            ("POST / HTTP/1.1\r\nHost: h\r\nContent-Length: \(HTTPRequestParser.maximumBody + 1)\r\n\r\n", "HTTP/1.1 413 Content Too Large"),
            ("GET / HTTP/1.1\r\nHost: h\r\nX-Big: \(String(repeating: "a", count: HTTPHeaderBlock.maximumSize))\r\n\r\n", "HTTP/1.1 431 Request Header Fields Too Large"),
            ("NONSENSE\r\n\r\n", "HTTP/1.1 400 Bad Request"),
            ("POST / HTTP/1.1\r\nHost: h\r\nContent-Length: -5\r\n\r\n", "HTTP/1.1 400 Bad Request"),
        ]
        for (request, status) in cases {
            let client = try connect(to: server.port)
            defer { close(client) }
            send(request, to: client)
            let answer = readToEnd(client)
            XCTAssertTrue(answer.text.hasPrefix(status), "\(request.prefix(40)): \(answer.text.prefix(80))")
            XCTAssertTrue(answer.closed, "closed after the refusal")
        }
        let client = try connect(to: server.port)
        defer { close(client) }
        send("GET /a HTTP/1.1\r\nHost: h\r\n\r\nGET /b HTTP/1.1\r\nHost: h\r\n\r\nGET /c HTTP/1.1\r\nHost: h\r\nConnection: close\r\n\r\n", to: client)
        let answers = readToEnd(client)
        XCTAssertEqual(answers.text.components(separatedBy: "HTTP/1.1 200").count - 1, 3, answers.text)
        XCTAssertTrue(answers.closed)
    }

    func testASlowlorisClientIsClosedAfterTheRequestTimeout() throws {
        let loop = try EventLoop(name: "hostile")
        defer { loop.shutdown() }
        let server = try HTTPServer(loop: loop, handler: Answering(), idleTimeout: 30, requestTimeout: 0.5)
        let client = try connect(to: server.port, timeout: 0.2)
        defer { close(client) }
        send("POST /v1/chat/completions HTTP/1.1\r\nHost: x\r\n", to: client)
        let started = Date()
        var closed = false
        // A header byte every 0.2 s: never idle, never a whole request.
        while !closed && Date().timeIntervalSince(started) < 5 {
            send("X", to: client)
            closed = readToEnd(client).closed
        }
        // Closed by the request timeout (0.5 s), not the idle one (30 s): the loop gives up at 5 s.
        XCTAssertTrue(closed, "the server closed the slow request")
        XCTAssertEqual(server.timedOutConnections, 1)
    }

    func testAWellBehavedClientKeepsItsConnectionThroughALongStream() throws {
        let loop = try EventLoop(name: "hostile")
        defer { loop.shutdown() }
        let server = try HTTPServer(loop: loop, handler: Answering(streamSeconds: 1), idleTimeout: 0.4, requestTimeout: 0.3)
        let client = try connect(to: server.port, timeout: 3)
        defer { close(client) }
        send("GET /stream HTTP/1.1\r\nHost: x\r\n\r\n", to: client)
        var received = ""
        while !received.hasSuffix("0\r\n\r\n") {
            var buffer = [UInt8](repeating: 0, count: 4096)
            let count = read(client, &buffer, buffer.count)
            guard count > 0 else { return XCTFail("the stream was cut after \(received.count) bytes") }
            received += String(decoding: buffer[..<count], as: UTF8.self)
        }
        XCTAssertTrue(received.contains("data: 10"), "a response longer than both timeouts runs to its end")
        send("GET / HTTP/1.1\r\nHost: x\r\n\r\n", to: client)
        var buffer = [UInt8](repeating: 0, count: 4096)
        XCTAssertGreaterThan(read(client, &buffer, buffer.count), 0, "and the connection serves the next request")
        XCTAssertEqual(server.acceptedConnections, 1)
    }

    func testAtTheOpenFilesLimitTheServerWaitsInsteadOfSpinningAndAnswersOnceItCan() throws {
        let loop = try EventLoop(name: "hostile")
        defer { loop.shutdown() }
        let server = try HTTPServer(loop: loop, handler: Answering())
        var saved = rlimit()
        getrlimit(__rlimit_resource_t(RLIMIT_NOFILE.rawValue), &saved)
        var lowered = saved
        lowered.rlim_cur = 512
        setrlimit(__rlimit_resource_t(RLIMIT_NOFILE.rawValue), &lowered)
        defer { setrlimit(__rlimit_resource_t(RLIMIT_NOFILE.rawValue), &saved) }
        var filler: [Int32] = []
        while true {
            let descriptor = open("/dev/null", O_RDONLY)
            guard descriptor >= 0 else { break }
            filler.append(descriptor)
        }
        // One descriptor for the client's socket; none left for the server to accept it with.
        close(filler.removeLast())
        let client = try connect(to: server.port, timeout: 5)
        defer { close(client) }
        send("GET / HTTP/1.1\r\nHost: x\r\n\r\n", to: client)
        var before = rusage()
        getrusage(RUSAGE_SELF.rawValue, &before)
        Thread.sleep(forTimeInterval: 1)
        var after = rusage()
        getrusage(RUSAGE_SELF.rawValue, &after)
        func seconds(_ time: timeval) -> Double { Double(time.tv_sec) + Double(time.tv_usec) / 1e6 }
        let cpu = seconds(after.ru_utime) + seconds(after.ru_stime) - seconds(before.ru_utime) - seconds(before.ru_stime)
        XCTAssertLessThan(cpu, 0.3, "a second at the limit costs \(cpu) s of CPU")
        for descriptor in filler { close(descriptor) }
        var buffer = [UInt8](repeating: 0, count: 4096)
        let count = read(client, &buffer, buffer.count)
        XCTAssertGreaterThan(count, 0, "once descriptors are free, the waiting client is answered")
        XCTAssertTrue(String(decoding: buffer[..<max(count, 0)], as: UTF8.self).hasPrefix("HTTP/1.1 200"))
    }
}
