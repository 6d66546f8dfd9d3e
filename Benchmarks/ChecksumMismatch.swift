/// Passes over the same corpus gave different checksums: the parse is not deterministic.
struct ChecksumMismatch: Error, CustomStringConvertible {
    /// The checksum the passes should have given (passes × the first pass's).
    let expected: UInt64
    /// The checksum they gave.
    let actual: UInt64

    var description: String { "checksum mismatch: expected \(expected), got \(actual)" }
}
