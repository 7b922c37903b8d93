import Foundation
import NIOSSL

/// Reads the PEM files TLS needs, with errors that name the file.
enum PEMFile {
    /// The file's bytes; throws when it is missing, a directory, unreadable or empty.
    static func bytes(_ path: String, role: TLSFileError.Role) throws(TLSFileError) -> [UInt8] {
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) else {
            throw TLSFileError(path: path, role: role, reason: "no such file")
        }
        guard !isDirectory.boolValue else {
            throw TLSFileError(path: path, role: role, reason: "is a directory, not a file")
        }
        guard let data = FileManager.default.contents(atPath: path) else {
            throw TLSFileError(path: path, role: role, reason: "cannot read the file (permission denied?)")
        }
        guard !data.isEmpty else { throw TLSFileError(path: path, role: role, reason: "the file is empty") }
        return Array(data)
    }

    /// Every certificate in the file, in order (a server's chain starts with its own certificate).
    static func certificates(_ path: String, role: TLSFileError.Role) throws(TLSFileError) -> [NIOSSLCertificate] {
        let bytes = try Self.bytes(path, role: role)
        let certificates = try? NIOSSLCertificate.fromPEMBytes(bytes)
        guard let certificates, !certificates.isEmpty else {
            throw TLSFileError(
                path: path, role: role, reason: "no PEM certificate (-----BEGIN CERTIFICATE-----) in the file")
        }
        return certificates
    }

    /// The private key in the file (unencrypted PEM: PKCS#8, RSA or EC).
    static func privateKey(_ path: String) throws(TLSFileError) -> NIOSSLPrivateKey {
        let role = TLSFileError.Role.privateKey
        let bytes = try Self.bytes(path, role: role)
        do {
            return try NIOSSLPrivateKey(bytes: bytes, format: .pem)
        } catch {
            throw TLSFileError(
                path: path, role: role, reason: "no usable PEM private key in the file (an unencrypted key is needed)")
        }
    }
}
