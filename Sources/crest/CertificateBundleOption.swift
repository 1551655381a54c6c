import CrestHTTP
import Foundation

/// `--ca-bundle FILE`, or for AWS targets `AWS_CA_BUNDLE` as the AWS tools read it: the
/// certificates an https endpoint's must chain to, instead of the system's. A bundle is checked
/// when it is taken, so a bad one is named before anything is sent.
struct CertificateBundleOption {
    /// The option's file.
    let given: String?
    /// AWS_CA_BUNDLE's file.
    private let fromEnvironment: String?

    init(arguments: inout ArgumentList, environment: [String: String]) throws {
        given = try arguments.value("--ca-bundle")
        fromEnvironment = environment["AWS_CA_BUNDLE"].flatMap { $0.isEmpty ? nil : $0 }
        if let given { try Self.check(given, source: "--ca-bundle") }
    }

    /// The bundle for an endpoint at `url`: the option's always (an http URL then refuses it, as
    /// it should); for an AWS target over https, AWS_CA_BUNDLE's when Crest's own TLS can use it
    /// (URLSession, the route without it, trusts the system's certificates as the variable
    /// usually names them).
    func path(for url: String, readsAWSEnvironment: Bool) throws -> String? {
        if let given { return given }
        guard readsAWSEnvironment, url.lowercased().hasPrefix("https:"), TLSContext.isAvailable, let fromEnvironment else { return nil }
        try Self.check(fromEnvironment, source: "AWS_CA_BUNDLE")
        return fromEnvironment
    }

    private static func check(_ path: String, source: String) throws {
        guard FileManager.default.isReadableFile(atPath: path) else { throw UsageError("\(source) '\(path)': no such readable file") }
        // Without OpenSSL no bundle can be used: the endpoint says so, with the route it would take.
        guard TLSContext.isAvailable else { return }
        do {
            _ = try TLSContext.client(trusting: path)
        } catch {
            throw UsageError("\(source) \(error)")
        }
    }
}
