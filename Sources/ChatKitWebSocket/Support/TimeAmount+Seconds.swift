import NIOCore

extension TimeAmount {
    /// A duration from a fractional number of seconds, as command lines and scenario files give them.
    public static func fromSeconds(_ seconds: Double) -> TimeAmount {
        .nanoseconds(Int64((seconds * 1e9).rounded()))
    }

    /// The duration in fractional seconds.
    public var seconds: Double { Double(self.nanoseconds) / 1e9 }
}
