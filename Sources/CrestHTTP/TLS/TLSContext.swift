import Glibc

/// The TLS settings every connection of one side shares (an OpenSSL `SSL_CTX`): for a client, the
/// certificates it trusts; for a server, its certificate and key. Made once per sweep or server.
public final class TLSContext: @unchecked Sendable {
    let library: OpenSSLLibrary
    let handle: OpaquePointer

    /// True when the system's OpenSSL 3 could be loaded, so Crest's own client can speak https.
    public static var isAvailable: Bool { OpenSSLLibrary.shared != nil }

    /// Why TLS is unavailable, or nil when it is.
    public static var unavailableReason: String? { OpenSSLLibrary.loadFailure }

    private init(library: OpenSSLLibrary, method: OpaquePointer?) throws {
        guard let handle = library.newContext(method) else {
            throw TLSError.setup("SSL_CTX_new failed: \(library.drainErrors())")
        }
        self.library = library
        self.handle = handle
        // TLS 1.2 at least, as AWS requires; a peer that closes without close_notify has ended
        // the stream (HTTP's own framing says whether the response was whole).
        _ = library.contextControl(handle, OpenSSLConstant.controlMinimumVersion, OpenSSLConstant.version1_2, nil)
        _ = library.contextControl(handle, OpenSSLConstant.controlMode, OpenSSLConstant.partialWritesFromMovingBuffers, nil)
        _ = library.setContextOptions(handle, OpenSSLConstant.ignoreUnexpectedEOF)
    }

    deinit { library.freeContext(handle) }

    /// A client's settings: the peer's certificate must chain to a trusted one and name the host.
    /// - Parameter certificateBundle: a PEM file of the certificates to trust instead of the
    ///   system's (a private CA, a test server's own); nil for the system's (and OpenSSL's
    ///   `SSL_CERT_FILE` and `SSL_CERT_DIR`).
    public static func client(trusting certificateBundle: String? = nil) throws -> TLSContext {
        guard let library = OpenSSLLibrary.shared else { throw TLSError.unavailable(unavailableReason ?? "") }
        let context = try TLSContext(library: library, method: library.clientMethod())
        if let certificateBundle {
            guard library.loadVerifyLocations(context.handle, certificateBundle, nil) == 1 else {
                throw TLSError.badFile(certificateBundle, "no PEM certificate could be read from it (\(library.drainErrors()))")
            }
        } else if library.setDefaultVerifyPaths(context.handle) != 1 {
            throw TLSError.setup("the system's certificates could not be found: \(library.drainErrors())")
        }
        library.setVerify(context.handle, OpenSSLConstant.verifyPeer, nil)
        // HTTP/1.1 is all the client speaks; saying so keeps a server that offers HTTP/2 from
        // choosing it. (The list is length-prefixed, and the call returns 0 on success.)
        let protocols: [UInt8] = [8] + Array("http/1.1".utf8)
        _ = library.setALPNProtocols(context.handle, protocols, UInt32(protocols.count))
        return context
    }

    /// A server's settings: its certificate chain and private key, PEM files.
    public static func server(certificateChain: String, privateKey: String) throws -> TLSContext {
        guard let library = OpenSSLLibrary.shared else { throw TLSError.unavailable(unavailableReason ?? "") }
        let context = try TLSContext(library: library, method: library.serverMethod())
        guard library.useCertificateChainFile(context.handle, certificateChain) == 1 else {
            throw TLSError.badFile(certificateChain, "not a PEM certificate chain (\(library.drainErrors()))")
        }
        guard library.usePrivateKeyFile(context.handle, privateKey, OpenSSLConstant.fileTypePEM) == 1 else {
            throw TLSError.badFile(privateKey, "not a PEM private key, or not the one of \(certificateChain) (\(library.drainErrors()))")
        }
        guard library.checkPrivateKey(context.handle) == 1 else {
            throw TLSError.badFile(privateKey, "the key does not match the certificate in \(certificateChain)")
        }
        return context
    }
}

/// Why TLS cannot be set up.
public enum TLSError: Error, Equatable, CustomStringConvertible {
    case unavailable(String)
    case badFile(String, String)
    case setup(String)

    public var description: String {
        switch self {
        case .unavailable(let reason): return "TLS needs the system's OpenSSL 3: \(reason)"
        case .badFile(let path, let reason): return "\(path): \(reason)"
        case .setup(let reason): return "TLS could not be set up: \(reason)"
        }
    }
}
