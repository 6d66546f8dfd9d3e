/// The direction of a media stream (RFC 8866 §6.7, RFC 3264 §5.1), as seen by the side that
/// wrote it: `sendonly` means "I send and do not receive".
///
/// RFC 8866 defines exactly these four, so this is a closed enum.
public enum SDPDirection: String, Sendable, Hashable, CaseIterable {
    /// `a=sendrecv`, the default when no direction attribute is present.
    case sendrecv
    /// `a=sendonly`: the writer sends and does not receive (a hold offer, RFC 3264 §8.4).
    case sendonly
    /// `a=recvonly`: the writer receives and does not send.
    case recvonly
    /// `a=inactive`: neither.
    case inactive

    /// A direction from whether its writer sends and receives.
    @inlinable
    public init(sends: Bool, receives: Bool) {
        switch (sends, receives) {
        case (true, true): self = .sendrecv
        case (true, false): self = .sendonly
        case (false, true): self = .recvonly
        case (false, false): self = .inactive
        }
    }

    /// Whether the writer sends media.
    @inlinable public var sends: Bool { self == .sendrecv || self == .sendonly }

    /// Whether the writer receives media.
    @inlinable public var receives: Bool { self == .sendrecv || self == .recvonly }

    /// The same stream seen from the other side: `sendonly` ↔ `recvonly`; `sendrecv` and
    /// `inactive` stay.
    @inlinable public var reversed: SDPDirection { SDPDirection(sends: receives, receives: sends) }

    /// What both directions allow: sends only if both send, receives only if both receive.
    @inlinable
    public func intersection(_ other: SDPDirection) -> SDPDirection {
        SDPDirection(sends: sends && other.sends, receives: receives && other.receives)
    }

    /// The direction to offer when putting this stream on hold (RFC 3264 §8.4): stop
    /// receiving, keep sending (music on hold) if this direction sent.
    @inlinable public var held: SDPDirection { SDPDirection(sends: sends, receives: false) }

    /// The direction to offer when resuming a held stream: receive again.
    @inlinable public var resumed: SDPDirection { SDPDirection(sends: sends, receives: true) }
}
