import CSRTP
import NIOCore
import RTP

/// One libsrtp session (`srtp_t`) for one direction of one stream: it protects what we send
/// (``Direction/outbound``, any SSRC of ours) or unprotects what we receive
/// (``Direction/inbound``, any SSRC of the peer's), RTP and RTCP, in place in a `ByteBuffer`.
///
/// Its state is the rollover counters and the replay windows (128 packets) of the streams it
/// saw, so one context must serve its direction for the whole call: a new context under the
/// same key would start its counters over. It is freed (`srtp_dealloc`) with the object.
///
/// Protecting appends the authentication tag (and, for SRTCP, the index) after the packet:
/// the buffer grows within its capacity, which the session's reused buffers have, so the
/// hot path allocates nothing.
///
/// - warning: Not thread-safe: use it from one thread (the RTP session's event loop).
public final class SRTPContext: @unchecked Sendable {
    /// Which way the context works.
    public enum Direction: Sendable, Hashable {
        /// Protects packets we send.
        case outbound
        /// Unprotects packets we receive.
        case inbound
    }

    /// The suite the context runs.
    public let suite: SRTPCryptoSuite
    /// Its direction.
    public let direction: Direction
    private let session: srtp_t

    /// The longest packet handled, in bytes (before protection).
    public static let maximumPacketLength = 8_192
    /// The most bytes protection may add after a packet (libsrtp's trailer bound).
    public static let maximumTrailerLength = Int(CSRTP_maximumTrailerLength)

    /// A context for `direction` under `key`.
    ///
    /// - Throws: ``SRTPError`` when libsrtp cannot start or refuses the policy.
    public init(key: SRTPMasterKey, direction: Direction, replayWindow: Int = 128) throws(SRTPError) {
        try SRTPLibrary.initialize()
        var policy = srtp_policy_t()
        key.suite.configure(rtp: &policy.rtp, rtcp: &policy.rtcp)
        policy.ssrc = srtp_ssrc_t(type: direction == .outbound ? ssrc_any_outbound : ssrc_any_inbound, value: 0)
        policy.window_size = UInt(max(64, min(replayWindow, 0x7FFF)))
        policy.allow_repeat_tx = 0
        policy.next = nil
        var keySalt = key.keySalt
        var created: srtp_t?
        let status = keySalt.withUnsafeMutableBufferPointer { bytes in
            policy.key = bytes.baseAddress
            return srtp_create(&created, &policy)
        }
        for index in keySalt.indices { keySalt[index] = 0 }
        guard status == srtp_err_status_ok, let created else {
            throw SRTPError(.creation, status: Int32(truncatingIfNeeded: status.rawValue))
        }
        self.session = created
        self.suite = key.suite
        self.direction = direction
    }

    deinit {
        srtp_dealloc(session)
    }

    /// Protects the RTP packet in `packet`'s readable bytes, appending the tag.
    public func protectRTP(_ packet: inout ByteBuffer) throws(RTPProtectionError) {
        try transform(&packet, minimumLength: 12) { session, bytes, length in srtp_protect(session, bytes, length) }
    }

    /// Authenticates, checks for replay and decrypts the SRTP packet in `packet`'s readable
    /// bytes, removing the tag.
    public func unprotectRTP(_ packet: inout ByteBuffer) throws(RTPProtectionError) {
        try transform(&packet, minimumLength: 12) { session, bytes, length in srtp_unprotect(session, bytes, length) }
    }

    /// Protects the RTCP compound packet in `packet`'s readable bytes, appending the SRTCP
    /// index and tag.
    public func protectRTCP(_ packet: inout ByteBuffer) throws(RTPProtectionError) {
        try transform(&packet, minimumLength: 8) { session, bytes, length in srtp_protect_rtcp(session, bytes, length) }
    }

    /// Authenticates, checks for replay and decrypts the SRTCP packet in `packet`'s readable
    /// bytes.
    public func unprotectRTCP(_ packet: inout ByteBuffer) throws(RTPProtectionError) {
        try transform(&packet, minimumLength: 8) { session, bytes, length in srtp_unprotect_rtcp(session, bytes, length) }
    }

    /// Runs one libsrtp call over the readable bytes with room for the trailer after them,
    /// then sets the writer index to the length it returns.
    private func transform(
        _ packet: inout ByteBuffer, minimumLength: Int,
        _ call: (srtp_t, UnsafeMutableRawPointer, UnsafeMutablePointer<Int32>) -> srtp_err_status_t
    ) throws(RTPProtectionError) {
        let length = packet.readableBytes
        guard length >= minimumLength, length <= Self.maximumPacketLength else { throw RTPProtectionError(.malformed) }
        packet.reserveCapacity(minimumWritableBytes: Self.maximumTrailerLength)
        let start = packet.readerIndex
        var resulting = Int32(length)
        let session = self.session
        let status: srtp_err_status_t? = packet.withVeryUnsafeMutableBytes { storage in
            guard let base = storage.baseAddress, storage.count >= start + length + Self.maximumTrailerLength else { return nil }
            return call(session, base + start, &resulting)
        }
        guard let status else { throw RTPProtectionError(.malformed) }
        guard status == srtp_err_status_ok else { throw Self.error(status) }
        guard resulting >= 0, Int(resulting) <= length + Self.maximumTrailerLength else { throw RTPProtectionError(.failed) }
        packet.moveWriterIndex(to: start + Int(resulting))
    }

    /// The protection error for a libsrtp status.
    static func error(_ status: srtp_err_status_t) -> RTPProtectionError {
        let raw = Int32(truncatingIfNeeded: status.rawValue)
        switch status {
        case srtp_err_status_auth_fail: return RTPProtectionError(.authenticationFailed, status: raw)
        case srtp_err_status_replay_fail, srtp_err_status_replay_old: return RTPProtectionError(.replayed, status: raw)
        case srtp_err_status_bad_param, srtp_err_status_parse_err: return RTPProtectionError(.malformed, status: raw)
        default: return RTPProtectionError(.failed, status: raw)
        }
    }
}
