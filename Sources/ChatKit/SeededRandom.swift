/// A small, fast, seedable random generator (SplitMix64): the same seed gives the same sequence on every
/// machine, which is what makes a load plan reproducible (and a fuzz run's choices repeatable). Not for
/// anything secret.
public struct SeededRandom: RandomNumberGenerator, Sendable {
    private var state: UInt64

    /// Starts the sequence of `seed`; equal seeds give equal sequences.
    public init(seed: UInt64) { self.state = seed }

    /// The next 64 random bits.
    public mutating func next() -> UInt64 {
        self.state &+= 0x9E37_79B9_7F4A_7C15
        var z = self.state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }

    /// A generator for a sub-stream (a user, a phase) derived from a seed and a label.
    public static func derived(from seed: UInt64, _ label: UInt64) -> SeededRandom {
        var mixer = SeededRandom(seed: seed ^ (label &* 0xD1B5_4A32_D192_ED03))
        return SeededRandom(seed: mixer.next())
    }
}
