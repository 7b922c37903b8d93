import Foundation
import XCTest

/// A self-signed certificate for `localhost` and 127.0.0.1, made by the `openssl` command at test time (Debian's
/// `openssl`, installed by `.ci/install-deps`), valid for a day. It is its own CA: trusting `certificatePath`
/// (`--ca-file`) trusts the server.
package struct TestCertificate {
    /// The folder that holds both files.
    package let directory: URL
    /// The PEM certificate (`--tls-cert`, and `--ca-file` for clients that trust it).
    package var certificatePath: String { self.directory.appendingPathComponent("server.crt").path }
    /// The PEM private key (`--tls-key`).
    package var keyPath: String { self.directory.appendingPathComponent("server.key").path }

    /// Generates a new key and certificate in a new temporary folder.
    package static func make() async throws -> TestCertificate {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("tls-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        let certificate = TestCertificate(directory: directory)
        guard FileManager.default.isExecutableFile(atPath: "/usr/bin/openssl") else {
            throw MissingPrerequisite.error(
                "/usr/bin/openssl is missing: run `bash .ci/install-deps` (make test does)", what: "the openssl command")
        }
        let openssl = try ChildProcess(URL(fileURLWithPath: "/usr/bin/openssl"), [
            "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1", "-subj", "/CN=localhost",
            "-addext", "subjectAltName=IP:127.0.0.1,DNS:localhost",
            "-keyout", certificate.keyPath, "-out", certificate.certificatePath,
        ])
        openssl.closeStdin()
        let status = try await openssl.wait(timeout: .seconds(60))
        guard status == 0 else {
            XCTFail("openssl req failed (\(status)): \(openssl.stderr)")
            throw TestTimeout(what: "a test certificate")
        }
        return certificate
    }

    /// Removes the folder.
    package func remove() { try? FileManager.default.removeItem(at: self.directory) }
}
