import Foundation

/// Throwaway TLS identities for tests of https on loopback, made once with openssl (EC P-256,
/// self-signed, valid until 2126). Their private keys are public here: nothing may trust them
/// outside a test.
public enum TestCertificates {
    /// For 127.0.0.1, ::1 and localhost.
    public static let loopbackCertificate = """
-----BEGIN CERTIFICATE-----
MIIBvTCCAWSgAwIBAgIUAlZyUH5XcLapQ3g4pDn0Y9cuUuQwCgYIKoZIzj0EAwIw
HDEaMBgGA1UEAwwRQ3Jlc3QgdGVzdCBzZXJ2ZXIwIBcNMjYxMjA0MjIzNzU0WhgP
MjEyNjExMTAyMjM3NTRaMBwxGjAYBgNVBAMMEUNyZXN0IHRlc3Qgc2VydmVyMFkw
EwYHKoZIzj0CAQYIKoZIzj0DAQcDQgAEcWKp5EX62FZ2is6ImUW/kg+FhRpzZzV6
I/U4zTNdIJ7riMxKXhQj9jSWZt93ypSRk7O4GJpMh8sxc1Wlmk5H26OBgTB/MB0G
A1UdDgQWBBSwL4xabuuyABipDjB909BiYsnEEDAfBgNVHSMEGDAWgBSwL4xabuuy
ABipDjB909BiYsnEEDAPBgNVHRMBAf8EBTADAQH/MCwGA1UdEQQlMCOHBH8AAAGH
EAAAAAAAAAAAAAAAAAAAAAGCCWxvY2FsaG9zdDAKBggqhkjOPQQDAgNHADBEAiAU
QKjSxKkDLSb+YQEdEX5L88GTPJsC8JENI4uN4pY2BAIgKBW39a1vGUO/bJbXXPEW
MhJEp+cKkZvUzDFi6hAYIpk=
-----END CERTIFICATE-----
"""

    public static let loopbackKey = """
-----BEGIN PRIVATE KEY-----
MIGHAgEAMBMGByqGSM49AgEGCCqGSM49AwEHBG0wawIBAQQgZwkMN8qodhAI9wk4
g7lwgXvnMUS5i9lStXb6xv/lhPGhRANCAARxYqnkRfrYVnaKzoiZRb+SD4WFGnNn
NXoj9TjNM10gnuuIzEpeFCP2NJZm33fKlJGTs7gYmkyHyzFzVaWaTkfb
-----END PRIVATE KEY-----
"""

    /// For crest.invalid only: a certificate that names another host than the one connected to.
    public static let otherHostCertificate = """
-----BEGIN CERTIFICATE-----
MIIBpzCCAU2gAwIBAgIUHoNqmoB2vcsUWs8RH2WSTAvXnAIwCgYIKoZIzj0EAwIw
GzEZMBcGA1UEAwwQQ3Jlc3Qgb3RoZXIgaG9zdDAgFw0yNjEyMDQyMjM3NTRaGA8y
MTI2MTExMDIyMzc1NFowGzEZMBcGA1UEAwwQQ3Jlc3Qgb3RoZXIgaG9zdDBZMBMG
ByqGSM49AgEGCCqGSM49AwEHA0IABASw18uPcBiF6XNsJr/Fq/AulGbpFjhBsf81
jeJ7mFlHt6NMy8rkkfwpKSwxcjXL51KLbW/ddmFGxmWEqv+ZQiSjbTBrMB0GA1Ud
DgQWBBRz9nSJGZ9snDFDzlz5Ayty5MVGHTAfBgNVHSMEGDAWgBRz9nSJGZ9snDFD
zlz5Ayty5MVGHTAPBgNVHRMBAf8EBTADAQH/MBgGA1UdEQQRMA+CDWNyZXN0Lmlu
dmFsaWQwCgYIKoZIzj0EAwIDSAAwRQIgJcjaSBq4cMCiKpLj6g4vrVU579Y51bKQ
iGvMlO2iMPcCIQC3mD6cNdlIh8R9mif8rSbgK2x4eCHIpeme55IBZCYF5w==
-----END CERTIFICATE-----
"""

    public static let otherHostKey = """
-----BEGIN PRIVATE KEY-----
MIGHAgEAMBMGByqGSM49AgEGCCqGSM49AwEHBG0wawIBAQQggq5XzhPHbfhZRXx4
MxErJk4ihSLzkD7noXm9Lzc/Ow6hRANCAAQEsNfLj3AYhelzbCa/xavwLpRm6RY4
QbH/NY3ie5hZR7ejTMvK5JH8KSksMXI1y+dSi21v3XZhRsZlhKr/mUIk
-----END PRIVATE KEY-----
"""

    /// The four PEM files in a new temporary folder: (certificate, key) of the loopback identity
    /// and of the other host's.
    public static func writeFiles() throws -> (loopback: (certificate: String, key: String), otherHost: (certificate: String, key: String)) {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("crest-tls-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        func write(_ text: String, _ name: String) throws -> String {
            let path = folder.appendingPathComponent(name).path
            try text.write(toFile: path, atomically: true, encoding: .utf8)
            return path
        }
        return (
            (try write(loopbackCertificate, "loopback.pem"), try write(loopbackKey, "loopback.key")),
            (try write(otherHostCertificate, "other.pem"), try write(otherHostKey, "other.key")))
    }
}
