import ArgumentParser
import ChatKit
import ChatKitTLS

/// `--insecure` and `--ca-file`: how every chatctl command that connects checks a `wss://` or `https://`
/// server's certificate. Without either, the system's trust roots decide.
struct TLSOptions: ParsableArguments {
    @Flag(help: "Do not check the server's TLS certificate (wss://, https://): for self-signed test servers only.")
    var insecure = false

    @Option(
        help: ArgumentHelp(
            "Trust only the CA certificates in this PEM file for wss:// and https:// (instead of the system's).",
            valueName: "file"))
    var caFile: String?

    func validate() throws {
        if self.insecure && self.caFile != nil {
            throw ValidationError("--insecure and --ca-file contradict each other: give one of them")
        }
        if let caFile = self.caFile {
            do { _ = try NIOSSLClientTLS(trust: .caFile(caFile)) } catch { throw ValidationError("--ca-file \(error)") }
        }
    }

    /// The trust these options ask for.
    var trust: NIOSSLClientTLS.Trust {
        if self.insecure { return .insecure }
        if let caFile = self.caFile { return .caFile(caFile) }
        return .systemRoots
    }

    /// TLS for ChatKit's client, for `wss://` URLs. A CA file that became unusable after `validate()` is a usage
    /// error (exit 2), reported here.
    func clientTLS() throws -> NIOSSLClientTLS {
        do { return try NIOSSLClientTLS(trust: self.trust) } catch {
            Console.error("chatctl: \(self.caFile.map { _ in "--ca-file " } ?? "")\(error)")
            throw ChatctlExitCode.usage
        }
    }

    /// The same choice for libcurl's `https://` calls (health, admin, a load run's HTTP steps).
    var curl: CurlTLSSettings { CurlTLSSettings(insecure: self.insecure, caFile: self.caFile) }
}
