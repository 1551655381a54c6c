import Crest
import Foundation
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif

/// One closed-loop client through Foundation's URLSession (libcurl and its TLS underneath): the
/// route for `https://` where the system's OpenSSL 3 cannot be loaded for the epoll client, or
/// where `--client urlsession` asks for it. URLSession calls back on its own thread; each callback
/// takes its timestamp there and hands the bytes to the event loop, so the generator's logic stays
/// on one thread. It is coarser and costlier than the epoll client (swift-linux.md: 240-420 µs of
/// CPU per request or chunk, about a core spinning while requests are in flight; at 256 streams
/// over https it adds most of a second to TTFT, README), which the report states.
final class SessionClient: GeneratorClient, @unchecked Sendable {
    let index: Int
    private unowned let generator: LoadGenerator
    private let bridge: SessionBridge
    private(set) var request: RequestInFlight?
    var pauseTimer: Int?
    /// The bridge's number for the request on the wire; callbacks for any other are stale.
    private var transfer: Int?
    private var reader: ResponseReader

    init(index: Int, generator: LoadGenerator, bridge: SessionBridge) {
        self.index = index
        self.generator = generator
        self.bridge = bridge
        reader = ResponseReader(endpoint: generator.endpoint, limits: generator.limits)
    }

    func send(_ request: RequestInFlight) {
        self.request = request
        reader = ResponseReader(endpoint: generator.endpoint, limits: generator.limits)
        transfer = bridge.start(generator.urlRequest(for: request), for: self)
    }

    func timedOut(_ expiry: RequestExpiry) {
        guard let timedOut = request else { return }
        abandonTransfer()
        finish(reader.failed(timedOut, expiry.fault, reason: expiry.reason, at: expiry.at))
    }

    /// Forgets the request on the wire: the end of a sweep, when the bridge lets the session go.
    func close() {
        transfer = nil
        request = nil
    }

    // MARK: - From URLSession, on the loop's thread, with the callback's own timestamp

    func received(_ head: HTTPResponseHead, transfer: Int) {
        guard transfer == self.transfer else { return }
        request?.head = head
    }

    func received(_ data: Data, at time: Int64, transfer: Int) {
        guard transfer == self.transfer, request != nil else { return }
        if time >= request!.deadline { return timedOut(generator.requestTimeoutExpiry(of: request!)) }
        request!.lastByteAt = time
        reader.received(data.count, into: &request!)
        let broughtFirstToken = data.withUnsafeBytes { bytes in
            reader.read(bytes.bindMemory(to: UInt8.self), at: time, into: &request!, eventParsed: generator.eventParsed)
        }
        if let reason = reader.cutOffReason {
            // Forgotten, not cancelled: its bytes are ignored from here on. A cancel while bytes
            // are arriving can trap in FoundationNetworking (see `SessionBridge`).
            let cut = request!
            self.transfer = nil
            return finish(reader.failed(cut, reader.cutOffFault, reason: reason, at: time))
        }
        if broughtFirstToken { generator.firstTokenArrived(request!, by: self, at: time) }
    }

    /// The transfer ended at `time`; `failure` is URLSession's error, if it failed.
    func completed(failure: TransferFailure?, at time: Int64, transfer: Int) {
        guard transfer == self.transfer, let finished = request else { return }
        self.transfer = nil
        if let failure {
            let fault = Self.fault(of: failure)
            finish(reader.failed(finished, fault.outcome, fault: fault, reason: "URLSession: \(failure.description)", at: time))
        } else {
            finish(reader.finish(finished, at: time))
        }
    }

    /// URLSession's error, as the epoll client would have named it.
    private static func fault(of error: TransferFailure) -> Fault {
        guard error.domain == NSURLErrorDomain else { return .connectionReset }
        switch error.code {
        case NSURLErrorCannotConnectToHost: return .connectionRefused
        case NSURLErrorCannotFindHost, NSURLErrorDNSLookupFailed: return .dnsFailure
        case NSURLErrorSecureConnectionFailed, NSURLErrorServerCertificateHasBadDate, NSURLErrorServerCertificateUntrusted,
             NSURLErrorServerCertificateHasUnknownRoot, NSURLErrorServerCertificateNotYetValid, NSURLErrorClientCertificateRejected,
             NSURLErrorClientCertificateRequired:
            return .tlsFailure
        case NSURLErrorTimedOut: return .requestTimeout
        case NSURLErrorNetworkConnectionLost: return .connectionClosed
        case NSURLErrorBadServerResponse: return .malformedHTTP
        case NSURLErrorNotConnectedToInternet, NSURLErrorCannotLoadFromNetwork: return .connectFailed
        default: return .connectionReset
        }
    }

    private func finish(_ finished: FinishedRequest) {
        request = nil
        generator.requestFinished(finished, by: self)
    }

    /// Cancels the request on the wire (a timeout: the endpoint should stop working on it).
    private func abandonTransfer() {
        guard let abandoned = transfer else { return }
        transfer = nil
        bridge.cancel(abandoned)
    }
}
