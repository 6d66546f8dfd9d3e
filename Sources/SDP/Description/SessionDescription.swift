/// A session description (RFC 8866): the session-level lines and the media descriptions.
///
/// ```
/// v=0                                        version (always 0)
/// o=- 3724394400 3724394400 IN IP4 192.0.2.10  origin
/// s=-                                        session name
/// c=IN IP4 192.0.2.10                        connection (or one per media)
/// t=0 0                                      timing
/// a=...                                      session attributes
/// m=audio 49170 RTP/AVP 96 0 8 101           media descriptions, in order
/// ...
/// ```
///
/// Parse one with ``init(parsing:limits:)-(ByteBuffer,_)``; write one with ``write(into:)`` or
/// ``text``, which give canonical CRLF-terminated lines in RFC 8866 order. Parsing a written
/// description gives back an equal value.
///
/// `i=`, `u=`, `e=`, `p=`, `z=`, `k=` and `r=` are tolerated and kept as text; a call needs
/// none of them.
public struct SessionDescription: Sendable, Hashable {
    /// The origin line.
    public var origin: SDPOrigin
    /// The session name; `-` when there is none to give (RFC 3264 §5).
    public var sessionName: String
    /// The `i=` line.
    public var information: String?
    /// The `u=` line.
    public var uri: String?
    /// The `e=` lines.
    public var emails: [String]
    /// The `p=` lines.
    public var phones: [String]
    /// The session-level `c=` line, which applies to every media description without one.
    public var connection: SDPConnection?
    /// The session-level `b=` lines.
    public var bandwidths: [SDPBandwidth]
    /// The `t=` lines with their `r=` lines; at least one when written.
    public var timings: [SDPTiming]
    /// The `z=` line, as written.
    public var timeZones: String?
    /// The session-level `k=` line, as written.
    public var encryptionKey: String?
    /// The session-level `a=` lines, in order.
    public var attributes: [SDPAttribute]
    /// The media descriptions, in order: their order and count matter to offer/answer.
    public var media: [SDPMediaDescription]

    /// A description with one `t=0 0` line and the given parts.
    public init(
        origin: SDPOrigin, sessionName: String = "-", connection: SDPConnection? = nil,
        attributes: [SDPAttribute] = [], media: [SDPMediaDescription] = []
    ) {
        self.origin = origin
        self.sessionName = sessionName
        self.information = nil
        self.uri = nil
        self.emails = []
        self.phones = []
        self.connection = connection
        self.bandwidths = []
        self.timings = [SDPTiming()]
        self.timeZones = nil
        self.encryptionKey = nil
        self.attributes = attributes
        self.media = media
    }

    /// The session-level direction attribute, or nil.
    public var direction: SDPDirection? {
        for attribute in attributes {
            if let direction = SDPDirection(rawValue: attribute.name.lowercased()) { return direction }
        }
        return nil
    }

    /// The direction that applies to `media`: its own attribute, else the session's, else
    /// `sendrecv` (RFC 8866 §6.7).
    public func effectiveDirection(of media: SDPMediaDescription) -> SDPDirection {
        media.direction ?? direction ?? .sendrecv
    }

    /// The connection that applies to `media`: its first `c=` line, else the session's.
    public func effectiveConnection(of media: SDPMediaDescription) -> SDPConnection? {
        media.connections.first ?? connection
    }
}
