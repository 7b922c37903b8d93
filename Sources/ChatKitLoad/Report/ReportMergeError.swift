/// Why reports cannot be merged: they are not shards of one scenario, a shard is there twice, or a
/// recorded threshold no longer parses. The message names the reports by the labels the caller gave.
public struct ReportMergeError: Error, Sendable, Equatable, CustomStringConvertible {
    public var message: String
    public init(message: String) { self.message = message }
    public var description: String { self.message }
}
