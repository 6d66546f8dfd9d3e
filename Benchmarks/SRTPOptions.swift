import SRTP

/// The options of `Benchmarks srtp`, parsed by hand from its arguments.
///
/// ```
/// Benchmarks srtp [--packets N] [--suite NAME] [--payload BYTES] [--json]
/// ```
struct SRTPOptions: Sendable {
    /// Packets protected and unprotected.
    var packets = 100_000
    /// The suite both contexts run.
    var suite = SRTPCryptoSuite.aesCM128HMACSHA1_80
    /// The RTP payload size [bytes] (160: 20 ms of G.711).
    var payload = 160
    /// Whether to print one JSON line instead of a readable one.
    var json = false

    static let usage = """
        srtp options:
          --packets N                   packets protected, then unprotected [default: 100000]
          --suite NAME                  AES_CM_128_HMAC_SHA1_80 (default), AES_CM_128_HMAC_SHA1_32,
                                        AES_256_CM_HMAC_SHA1_80, AES_256_CM_HMAC_SHA1_32,
                                        AEAD_AES_128_GCM or AEAD_AES_256_GCM
          --payload BYTES               RTP payload size [default: 160, 20 ms of G.711]
          --json                        print one JSON line:
                                        {"bench":"srtp","suite":S,"packets":N,"payload":N,
                                        "ns_per_protect":F,"ns_per_unprotect":F,
                                        "allocs_per_packet":F}

        """

    /// Parses the arguments that follow `srtp`.
    init(arguments: ArraySlice<String>) throws(UsageError) {
        var reader = ArgumentReader(arguments)
        while let option = try reader.nextOption() {
            switch option {
            case "--packets":
                packets = try reader.integer(for: option, in: 1...100_000_000)
            case "--suite":
                let name = try reader.value(for: option)
                guard let suite = SRTPCryptoSuite(name: name) else {
                    throw UsageError("--suite needs one of \(SRTPCryptoSuite.allCases.map(\.name).joined(separator: ", ")), got '\(name)'")
                }
                self.suite = suite
            case "--payload":
                payload = try reader.integer(for: option, in: 1...1_400)
            case "--json":
                try reader.flag(option)
                json = true
            default:
                throw UsageError("unknown option '\(option)' for srtp")
            }
        }
    }
}
