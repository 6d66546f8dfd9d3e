import NIOCore
import RTP

/// Secure RTP (RFC 3711) for one ``RTP/RTPSession``: our outbound context protects what the
/// session sends, the inbound one (under the peer's key) unprotects what it receives. Hand it
/// to ``RTP/RTPSession/setProtector(_:)``.
///
/// ```swift
/// let ours = SRTPMasterKey.random(for: .aesCM128HMACSHA1_80)       // goes in our a=crypto
/// let theirs = try SRTPMasterKey(suite: .aesCM128HMACSHA1_80, keySalt: peerKeySalt)
/// let protector = try SRTPProtector(sending: ours, receiving: theirs)
/// session.setProtector(protector)
/// ```
///
/// The contexts are kept apart so that a renegotiation that changes one key keeps the other
/// context, with its rollover counter, running (``replacing(receiving:)``).
///
/// - warning: Used by its session's event loop only, like ``SRTPContext``.
public final class SRTPProtector: RTPPacketProtector, @unchecked Sendable {
    /// Protects what we send.
    public let outbound: SRTPContext
    /// Unprotects what we receive.
    public let inbound: SRTPContext
    /// Our key (to compare with a renegotiated one).
    public let sendingKey: SRTPMasterKey
    /// The peer's key.
    public let receivingKey: SRTPMasterKey

    /// A protector sending under `sending` and receiving under `receiving`.
    ///
    /// - Throws: ``SRTPError`` when a context cannot be made.
    public convenience init(sending: SRTPMasterKey, receiving: SRTPMasterKey) throws(SRTPError) {
        self.init(
            outbound: try SRTPContext(key: sending, direction: .outbound), sendingKey: sending,
            inbound: try SRTPContext(key: receiving, direction: .inbound), receivingKey: receiving)
    }

    private init(outbound: SRTPContext, sendingKey: SRTPMasterKey, inbound: SRTPContext, receivingKey: SRTPMasterKey) {
        self.outbound = outbound
        self.inbound = inbound
        self.sendingKey = sendingKey
        self.receivingKey = receivingKey
    }

    /// A protector for new keys that keeps each context whose key did not change.
    public func replacing(sending: SRTPMasterKey, receiving: SRTPMasterKey) throws(SRTPError) -> SRTPProtector {
        if sending == sendingKey, receiving == receivingKey { return self }
        let outbound = sending == sendingKey ? self.outbound : try SRTPContext(key: sending, direction: .outbound)
        let inbound = receiving == receivingKey ? self.inbound : try SRTPContext(key: receiving, direction: .inbound)
        return SRTPProtector(outbound: outbound, sendingKey: sending, inbound: inbound, receivingKey: receiving)
    }

    public func protectRTP(_ packet: inout ByteBuffer) throws(RTPProtectionError) { try outbound.protectRTP(&packet) }
    public func unprotectRTP(_ packet: inout ByteBuffer) throws(RTPProtectionError) { try inbound.unprotectRTP(&packet) }
    public func protectRTCP(_ packet: inout ByteBuffer) throws(RTPProtectionError) { try outbound.protectRTCP(&packet) }
    public func unprotectRTCP(_ packet: inout ByteBuffer) throws(RTPProtectionError) { try inbound.unprotectRTCP(&packet) }
}
