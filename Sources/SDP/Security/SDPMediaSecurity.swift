/// What this side does about SRTP with SDES (RFC 4568) on its audio stream: the policy and
/// its own `a=crypto` lines (one per suite, in order of preference, each with our key).
///
/// | policy | our offer | offers we accept |
/// | --- | --- | --- |
/// | ``Policy/optional`` | `RTP/AVP` with `a=crypto` (best effort) | `RTP/SAVP` with a usable crypto line; `RTP/AVP` with one (encrypted) or without (plain) |
/// | ``Policy/required`` | `RTP/SAVP` with `a=crypto` | only with a usable crypto line, `RTP/SAVP` or `RTP/AVP` |
///
/// Without an ``SDPMediaSecurity`` (``SDPLocalMedia/security`` nil) we offer plain `RTP/AVP`,
/// ignore `a=crypto` in offers and refuse `RTP/SAVP`.
///
/// The keys are ours to send with; they should stay the same for the whole call, so that
/// re-offers (hold, resume) do not rekey.
public struct SDPMediaSecurity: Sendable, Hashable {
    /// Whether SRTP is a wish or a condition.
    public enum Policy: String, Sendable, Hashable, CaseIterable {
        /// Encrypt when the peer agrees, else talk plain RTP.
        case optional
        /// Encrypt or refuse the call.
        case required
    }

    /// The policy.
    public var policy: Policy
    /// Our lines, in order of preference. In an offer they get tags 1, 2...; in an answer the
    /// line of the chosen suite is sent under the offer's tag.
    public var cryptos: [SDPCryptoAttribute]

    /// A security setting.
    public init(policy: Policy, cryptos: [SDPCryptoAttribute]) {
        self.policy = policy
        self.cryptos = cryptos
    }

    /// The transport profile of our offers: `RTP/SAVP` when required, else `RTP/AVP`.
    public var offerProfile: String { policy == .required ? "RTP/SAVP" : "RTP/AVP" }
}
