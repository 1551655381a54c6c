import Glibc

/// The system's OpenSSL 3 (libssl.so.3), loaded at run time with dlopen: the toolchain has no TLS
/// of its own, and a package or build-time headers are not allowed. Only the calls Crest makes are
/// looked up, each by name, with the C types they have in OpenSSL 3's headers (pointers to
/// OpenSSL's own structures are opaque here). Where the library or a symbol is missing, `shared`
/// is nil and `https://` goes through URLSession instead.
struct OpenSSLLibrary: @unchecked Sendable {
    typealias Handle = OpaquePointer

    let clientMethod: @convention(c) () -> Handle?
    let serverMethod: @convention(c) () -> Handle?
    let newContext: @convention(c) (Handle?) -> Handle?
    let freeContext: @convention(c) (Handle?) -> Void
    let contextControl: @convention(c) (Handle?, Int32, Int, UnsafeMutableRawPointer?) -> Int
    let setContextOptions: @convention(c) (Handle?, UInt64) -> UInt64
    let setDefaultVerifyPaths: @convention(c) (Handle?) -> Int32
    let loadVerifyLocations: @convention(c) (Handle?, UnsafePointer<CChar>?, UnsafePointer<CChar>?) -> Int32
    let setVerify: @convention(c) (Handle?, Int32, UnsafeRawPointer?) -> Void
    let setALPNProtocols: @convention(c) (Handle?, UnsafePointer<UInt8>?, UInt32) -> Int32
    let useCertificateChainFile: @convention(c) (Handle?, UnsafePointer<CChar>?) -> Int32
    let usePrivateKeyFile: @convention(c) (Handle?, UnsafePointer<CChar>?, Int32) -> Int32
    let checkPrivateKey: @convention(c) (Handle?) -> Int32
    let newSession: @convention(c) (Handle?) -> Handle?
    let freeSession: @convention(c) (Handle?) -> Void
    let setDescriptor: @convention(c) (Handle?, Int32) -> Int32
    let setConnectState: @convention(c) (Handle?) -> Void
    let setAcceptState: @convention(c) (Handle?) -> Void
    let sessionControl: @convention(c) (Handle?, Int32, Int, UnsafeMutableRawPointer?) -> Int
    let setExpectedHost: @convention(c) (Handle?, UnsafePointer<CChar>?) -> Int32
    let read: @convention(c) (Handle?, UnsafeMutableRawPointer?, Int32) -> Int32
    let write: @convention(c) (Handle?, UnsafeRawPointer?, Int32) -> Int32
    let pending: @convention(c) (Handle?) -> Int32
    let shutdown: @convention(c) (Handle?) -> Int32
    let errorCode: @convention(c) (Handle?, Int32) -> Int32
    let verifyResult: @convention(c) (Handle?) -> Int
    let verifyErrorText: @convention(c) (Int) -> UnsafePointer<CChar>?
    let nextQueuedError: @convention(c) () -> UInt
    let queuedErrorText: @convention(c) (UInt, UnsafeMutablePointer<CChar>?, Int) -> Void

    /// The library, loaded at the first use, or why it could not be.
    private static let loaded: Result<OpenSSLLibrary, LoadFailure> = load()

    /// The library, or nil when it cannot be loaded (`loadFailure` says why).
    static var shared: OpenSSLLibrary? { try? loaded.get() }

    /// Why `shared` is nil, in a sentence; nil when it loaded.
    static var loadFailure: String? {
        if case .failure(let failure) = loaded { return failure.reason }
        return nil
    }

    /// The library's file name, or `CREST_LIBSSL` when set (another OpenSSL 3 build, or a path that
    /// does not exist to take the URLSession route on purpose).
    static var fileName: String { getenv("CREST_LIBSSL").map { String(cString: $0) } ?? "libssl.so.3" }

    struct LoadFailure: Error {
        let reason: String
    }

    private static func load() -> Result<OpenSSLLibrary, LoadFailure> {
        let name = fileName
        // RTLD_LOCAL: its symbols stay out of the process's namespace; dlsym on the handle still
        // finds libcrypto's, a dependency the loader brings in with it.
        guard let library = dlopen(name, RTLD_NOW | RTLD_LOCAL) else {
            return .failure(LoadFailure(reason: "cannot load \(name): \(dlerror().map { String(cString: $0) } ?? "not found")"))
        }
        do {
            return .success(try make(SymbolTable(library: library, fileName: name)))
        } catch {
            dlclose(library)
            return .failure(error as? LoadFailure ?? LoadFailure(reason: "\(error)"))
        }
    }

    /// Looks up a loaded library's functions by name, each as its C type.
    private struct SymbolTable {
        let library: UnsafeMutableRawPointer
        let fileName: String

        func callAsFunction<Function>(_ symbolName: String, as type: Function.Type) throws -> Function {
            guard let address = dlsym(library, symbolName) else {
                throw LoadFailure(reason: "\(fileName) has no \(symbolName) (OpenSSL 3 has it)")
            }
            return unsafeBitCast(address, to: type)
        }
    }

    private static func make(_ symbol: SymbolTable) throws -> OpenSSLLibrary {
        OpenSSLLibrary(
            clientMethod: try symbol("TLS_client_method", as: (@convention(c) () -> Handle?).self),
            serverMethod: try symbol("TLS_server_method", as: (@convention(c) () -> Handle?).self),
            newContext: try symbol("SSL_CTX_new", as: (@convention(c) (Handle?) -> Handle?).self),
            freeContext: try symbol("SSL_CTX_free", as: (@convention(c) (Handle?) -> Void).self),
            contextControl: try symbol("SSL_CTX_ctrl", as: (@convention(c) (Handle?, Int32, Int, UnsafeMutableRawPointer?) -> Int).self),
            setContextOptions: try symbol("SSL_CTX_set_options", as: (@convention(c) (Handle?, UInt64) -> UInt64).self),
            setDefaultVerifyPaths: try symbol("SSL_CTX_set_default_verify_paths", as: (@convention(c) (Handle?) -> Int32).self),
            loadVerifyLocations: try symbol(
                "SSL_CTX_load_verify_locations", as: (@convention(c) (Handle?, UnsafePointer<CChar>?, UnsafePointer<CChar>?) -> Int32).self),
            setVerify: try symbol("SSL_CTX_set_verify", as: (@convention(c) (Handle?, Int32, UnsafeRawPointer?) -> Void).self),
            setALPNProtocols: try symbol("SSL_CTX_set_alpn_protos", as: (@convention(c) (Handle?, UnsafePointer<UInt8>?, UInt32) -> Int32).self),
            useCertificateChainFile: try symbol(
                "SSL_CTX_use_certificate_chain_file", as: (@convention(c) (Handle?, UnsafePointer<CChar>?) -> Int32).self),
            usePrivateKeyFile: try symbol("SSL_CTX_use_PrivateKey_file", as: (@convention(c) (Handle?, UnsafePointer<CChar>?, Int32) -> Int32).self),
            checkPrivateKey: try symbol("SSL_CTX_check_private_key", as: (@convention(c) (Handle?) -> Int32).self),
            newSession: try symbol("SSL_new", as: (@convention(c) (Handle?) -> Handle?).self),
            freeSession: try symbol("SSL_free", as: (@convention(c) (Handle?) -> Void).self),
            setDescriptor: try symbol("SSL_set_fd", as: (@convention(c) (Handle?, Int32) -> Int32).self),
            setConnectState: try symbol("SSL_set_connect_state", as: (@convention(c) (Handle?) -> Void).self),
            setAcceptState: try symbol("SSL_set_accept_state", as: (@convention(c) (Handle?) -> Void).self),
            sessionControl: try symbol("SSL_ctrl", as: (@convention(c) (Handle?, Int32, Int, UnsafeMutableRawPointer?) -> Int).self),
            setExpectedHost: try symbol("SSL_set1_host", as: (@convention(c) (Handle?, UnsafePointer<CChar>?) -> Int32).self),
            read: try symbol("SSL_read", as: (@convention(c) (Handle?, UnsafeMutableRawPointer?, Int32) -> Int32).self),
            write: try symbol("SSL_write", as: (@convention(c) (Handle?, UnsafeRawPointer?, Int32) -> Int32).self),
            pending: try symbol("SSL_pending", as: (@convention(c) (Handle?) -> Int32).self),
            shutdown: try symbol("SSL_shutdown", as: (@convention(c) (Handle?) -> Int32).self),
            errorCode: try symbol("SSL_get_error", as: (@convention(c) (Handle?, Int32) -> Int32).self),
            verifyResult: try symbol("SSL_get_verify_result", as: (@convention(c) (Handle?) -> Int).self),
            verifyErrorText: try symbol("X509_verify_cert_error_string", as: (@convention(c) (Int) -> UnsafePointer<CChar>?).self),
            nextQueuedError: try symbol("ERR_get_error", as: (@convention(c) () -> UInt).self),
            queuedErrorText: try symbol("ERR_error_string_n", as: (@convention(c) (UInt, UnsafeMutablePointer<CChar>?, Int) -> Void).self))
    }

    /// Empties OpenSSL's error queue (per thread) into one line, most recent last.
    func drainErrors() -> String {
        var messages: [String] = []
        var buffer = [CChar](repeating: 0, count: 256)
        while case let code = nextQueuedError(), code != 0 {
            messages.append(buffer.withUnsafeMutableBufferPointer { text in
                queuedErrorText(code, text.baseAddress, text.count)
                return String(cString: text.baseAddress!)
            })
        }
        return messages.joined(separator: "; ")
    }
}

/// The constants of OpenSSL 3's headers that Crest passes, by the headers' names.
enum OpenSSLConstant {
    static let verifyPeer: Int32 = 1  // SSL_VERIFY_PEER
    static let fileTypePEM: Int32 = 1  // SSL_FILETYPE_PEM
    static let controlMode: Int32 = 33  // SSL_CTRL_MODE
    static let controlMinimumVersion: Int32 = 123  // SSL_CTRL_SET_MIN_PROTO_VERSION
    static let controlServerName: Int32 = 55  // SSL_CTRL_SET_TLSEXT_HOSTNAME
    static let nameTypeHostName = 0  // TLSEXT_NAMETYPE_host_name
    static let version1_2 = 0x0303  // TLS1_2_VERSION
    /// SSL_MODE_ENABLE_PARTIAL_WRITE | SSL_MODE_ACCEPT_MOVING_WRITE_BUFFER: a write may take part
    /// of the bytes, and its retry may come from another address (a Swift array's storage).
    static let partialWritesFromMovingBuffers = 0x1 | 0x2
    /// SSL_OP_IGNORE_UNEXPECTED_EOF: a peer that closes without close_notify (most HTTP servers
    /// after `Connection: close`) is an end of stream, as HTTP/1.1 framing already decides.
    static let ignoreUnexpectedEOF: UInt64 = 1 << 7
    static let errorWantRead: Int32 = 2  // SSL_ERROR_WANT_READ
    static let errorWantWrite: Int32 = 3  // SSL_ERROR_WANT_WRITE
    static let errorSyscall: Int32 = 5  // SSL_ERROR_SYSCALL
    static let errorZeroReturn: Int32 = 6  // SSL_ERROR_ZERO_RETURN
    static let verifyOK = 0  // X509_V_OK
}
