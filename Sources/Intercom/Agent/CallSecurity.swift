import SDP
import SRTP

/// SRTP for the agent's calls: our SDES setting for a new call (fresh keys from the CSPRNG for
/// each configured suite, kept for the call's life so that re-offers do not rekey) and the
/// ``SRTP/SRTPProtector`` for what offer/answer agreed.
enum CallSecurity {
    /// Our `a=crypto` lines and policy for a new call, or nil when `audio.srtp` is off.
    static func make(_ audio: AudioConfiguration) -> SDPMediaSecurity? {
        let policy: SDPMediaSecurity.Policy
        switch audio.srtp {
        case .off: return nil
        case .optional: policy = .optional
        case .required: policy = .required
        }
        let suites = audio.srtpSuites.compactMap(SRTPCryptoSuite.init(name:))
        guard !suites.isEmpty else { return nil }
        let cryptos = suites.enumerated().map { index, suite in
            SDPCryptoAttribute(
                tag: UInt32(index + 1), suite: suite.name,
                keyParameters: [SDPCryptoKeyParameter(keySalt: SRTPMasterKey.random(for: suite).keySalt)])
        }
        return SDPMediaSecurity(policy: policy, cryptos: cryptos)
    }

    /// The protector for `crypto`, reusing `current`'s contexts whose keys did not change.
    ///
    /// - Throws: ``SRTP/SRTPError`` when the suite is not one SRTP runs or a key does not fit
    ///   it, or libsrtp refuses.
    static func protector(for crypto: NegotiatedCrypto, replacing current: SRTPProtector?) throws(SRTPError) -> SRTPProtector {
        guard let suite = SRTPCryptoSuite(name: crypto.suite.name) else { throw SRTPError(.unknownSuite) }
        let sending = try SRTPMasterKey(suite: suite, keySalt: crypto.localKey.keySalt)
        let receiving = try SRTPMasterKey(suite: suite, keySalt: crypto.remoteKey.keySalt)
        if let current { return try current.replacing(sending: sending, receiving: receiving) }
        return try SRTPProtector(sending: sending, receiving: receiving)
    }
}
