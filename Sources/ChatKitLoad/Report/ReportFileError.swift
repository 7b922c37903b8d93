/// Why a saved report could not be read: the message names what is wrong (the file itself is named by
/// the caller, which knows how the user spelt it).
public struct ReportFileError: Error, Sendable, Equatable, CustomStringConvertible {
    public var message: String
    public init(message: String) { self.message = message }
    public var description: String { self.message }
}
