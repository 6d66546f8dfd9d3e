/// The random numbers of one registration (tokens, jitter): SplitMix64 from a seed, so the
/// state machine stays a pure value and tests can fix the seed. Not for secrets.
struct RegistrationRandom: RandomNumberGenerator, Sendable, Hashable {
    private var state: UInt64

    init(seed: UInt64) {
        state = seed
    }

    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }

    /// A token of 16 lower-case hex digits (for a Call-ID, tag or branch).
    mutating func token() -> String {
        let text = String(next(), radix: 16)
        return String(repeating: "0", count: 16 - text.count) + text
    }
}
