import CrestHTTP
import Foundation
import Glibc
import Synchronization

/// A loopback server that answers every request with a body that never ends, written as fast as
/// the client reads it: the test of a client's timeout and hard limits. One thread per connection,
/// blocking writes. A connection ends only when the client closes it: once stopped, the server
/// stops writing but leaves the closing to the client, so that no response ends on its own while
/// the client is cancelling it.
public final class FloodServer: @unchecked Sendable {
    /// What the endless body is.
    public enum Flood: Sendable {
        /// Valid chat-completion token events, one after another.
        case tokenEvents
        /// Event-stream comment lines: valid, and no event at all.
        case comments
        /// One line that never ends.
        case endlessLine
        /// An unstreamed body that claims ten gigabytes and keeps coming.
        case hugeBody
    }

    public let flood: Flood
    /// Body bytes after which the server stops writing (and waits for the client to close); nil
    /// for none: the body never ends.
    public let stopAfterBytes: Int?
    public let port: Int
    private let listener: Int32
    private let stopped = Atomic<Bool>(false)
    private let connections = Atomic<Int>(0)

    public init(_ flood: Flood, stopAfterBytes: Int? = nil) throws {
        ignoreBrokenPipes()
        self.flood = flood
        self.stopAfterBytes = stopAfterBytes
        let listener = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        self.listener = listener
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        address.sin_port = 0
        var one: Int32 = 1
        setsockopt(listener, SOL_SOCKET, SO_REUSEADDR, &one, socklen_t(MemoryLayout<Int32>.size))
        let bound = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(listener, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        }
        guard bound == 0, listen(listener, 64) == 0 else { throw SocketError.system("bind", errno) }
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        _ = withUnsafeMutablePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(listener, $0, &length) }
        }
        port = Int(UInt16(bigEndian: address.sin_port))
        let thread = Thread { [self] in acceptConnections() }
        thread.start()
    }

    public var url: String { "http://127.0.0.1:\(port)" }

    /// Connections accepted so far.
    public var accepted: Int { connections.load(ordering: .relaxed) }

    public func stop() {
        stopped.store(true, ordering: .relaxed)
        shutdown(listener, Int32(SHUT_RDWR))
        close(listener)
    }

    private func acceptConnections() {
        while !stopped.load(ordering: .relaxed) {
            let descriptor = accept(listener, nil, nil)
            guard descriptor >= 0 else { return }
            connections.add(1, ordering: .relaxed)
            let thread = Thread { [self] in serve(descriptor) }
            thread.start()
        }
    }

    private func serve(_ descriptor: Int32) {
        defer { close(descriptor) }
        guard readRequest(descriptor), write(descriptor, head) else { return }
        let chunk = body
        var written = 0
        while !stopped.load(ordering: .relaxed) && written < (stopAfterBytes ?? .max) {
            guard write(descriptor, chunk) else { return }
            written += chunk.count
        }
        // Stopped: wait for the client to close.
        var byte: UInt8 = 0
        while read(descriptor, &byte, 1) > 0 {}
    }

    private var head: [UInt8] {
        switch flood {
        case .hugeBody: return Array("HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: 10000000000\r\n\r\n".utf8)
        default: return Array("HTTP/1.1 200 OK\r\nContent-Type: text/event-stream\r\nTransfer-Encoding: chunked\r\n\r\n".utf8)
        }
    }

    /// 64 KiB of the flood, framed as one chunk where the response is chunked.
    private var body: [UInt8] {
        let unit: String
        switch flood {
        case .tokenEvents: unit = "data: {\"choices\":[{\"delta\":{\"content\":\"x\"}}]}\n\n"
        case .comments: unit = ": keep-alive\n"
        case .endlessLine, .hugeBody: unit = "aaaaaaaaaaaaaaaa"
        }
        let payload = Array(String(repeating: unit, count: 65_536 / unit.utf8.count).utf8)
        if case .hugeBody = flood { return payload }
        return Array((String(payload.count, radix: 16) + "\r\n").utf8) + payload + [13, 10]
    }

    /// Reads one request's head and Content-Length body; false when the client has gone.
    private func readRequest(_ descriptor: Int32) -> Bool {
        var received: [UInt8] = []
        var buffer = [UInt8](repeating: 0, count: 16_384)
        while true {
            if let end = headEnd(received) {
                let head = String(decoding: received[..<end], as: UTF8.self).lowercased()
                let length = head.components(separatedBy: "\r\n").first { $0.hasPrefix("content-length:") }
                    .flatMap { Int($0.dropFirst("content-length:".count).trimmingCharacters(in: .whitespaces)) } ?? 0
                if received.count - end >= length { return true }
            }
            let count = read(descriptor, &buffer, buffer.count)
            guard count > 0 else { return false }
            received += buffer[..<count]
        }
    }

    private func headEnd(_ bytes: [UInt8]) -> Int? {
        guard bytes.count >= 4 else { return nil }
        for index in 3..<bytes.count where bytes[index - 3] == 13 && bytes[index - 2] == 10 && bytes[index - 1] == 13 && bytes[index] == 10 {
            return index + 1
        }
        return nil
    }

    private func write(_ descriptor: Int32, _ bytes: [UInt8]) -> Bool {
        var written = 0
        while written < bytes.count {
            let count = bytes.withUnsafeBytes { Glibc.write(descriptor, $0.baseAddress! + written, $0.count - written) }
            guard count > 0 else { return false }
            written += count
        }
        return true
    }
}
