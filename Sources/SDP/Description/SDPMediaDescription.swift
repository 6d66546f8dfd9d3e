/// One media description: an `m=` line and the `i=`, `c=`, `b=`, `k=` and `a=` lines after it
/// (RFC 8866 §5.14).
///
/// ```
/// m=audio 49170 RTP/AVP 0 8 96      media, port, proto, formats
/// c=IN IP4 192.0.2.10               connections (else the session's)
/// a=rtpmap:96 opus/48000/2          attributes, in order
/// a=sendrecv
/// ```
///
/// A port of 0 marks a stream that is rejected or disabled (RFC 3264 §6, §8.2). Attributes
/// are kept as written; the typed views below read the ones a call needs.
public struct SDPMediaDescription: Sendable, Hashable {
    /// The media type: `audio`, `video`, `text`, `application` or `message`.
    public var media: String
    /// The transport port; 0 for a rejected or disabled stream.
    public var port: UInt16
    /// The number of ports after a `/`, when written.
    public var portCount: Int?
    /// The transport protocol, such as `RTP/AVP` or `RTP/SAVPF`.
    public var proto: String
    /// The media formats: RTP payload type numbers for RTP protocols.
    public var formats: [String]
    /// The `i=` line.
    public var information: String?
    /// The `c=` lines; empty when the session-level connection applies.
    public var connections: [SDPConnection]
    /// The `b=` lines.
    public var bandwidths: [SDPBandwidth]
    /// The `k=` line, tolerated and kept as written (obsolete, RFC 8866 §5.12).
    public var encryptionKey: String?
    /// The `a=` lines, in order.
    public var attributes: [SDPAttribute]

    /// A media description.
    public init(
        media: String, port: UInt16, portCount: Int? = nil, proto: String = "RTP/AVP", formats: [String],
        information: String? = nil, connections: [SDPConnection] = [], bandwidths: [SDPBandwidth] = [],
        encryptionKey: String? = nil, attributes: [SDPAttribute] = []
    ) {
        self.media = media
        self.port = port
        self.portCount = portCount
        self.proto = proto
        self.formats = formats
        self.information = information
        self.connections = connections
        self.bandwidths = bandwidths
        self.encryptionKey = encryptionKey
        self.attributes = attributes
    }

    /// Whether the stream is rejected or disabled (port 0).
    public var isRejected: Bool { port == 0 }

    /// Whether the protocol carries RTP (`RTP/AVP`, `RTP/AVPF`, `RTP/SAVP`, `RTP/SAVPF`,
    /// `UDP/TLS/RTP/SAVP[F]`), so that formats are payload types.
    public var isRTP: Bool { proto.uppercased().contains("RTP/") }

    /// The formats that are RTP payload types (0...127), in order.
    public var payloadTypes: [UInt8] {
        formats.compactMap { format in UInt8(format).flatMap { $0 <= 127 ? $0 : nil } }
    }

    /// The value of the first attribute named `name` (case-insensitive); nil when absent or
    /// without a value.
    public func attributeValue(_ name: String) -> String? {
        attributes.first { $0.name.lowercased() == name.lowercased() }?.value
    }

    /// Whether an attribute named `name` (case-insensitive) is present.
    public func hasAttribute(_ name: String) -> Bool {
        attributes.contains { $0.name.lowercased() == name.lowercased() }
    }

    /// Every well-formed `a=rtpmap` line, in order.
    public var rtpMaps: [SDPRTPMap] {
        attributes.compactMap { attribute in
            guard attribute.name.lowercased() == "rtpmap", let value = attribute.value else { return nil }
            return SDPRTPMap(value: value)
        }
    }

    /// The rtpmap of `payloadType`: its `a=rtpmap` line, or the static assignment of RFC 3551
    /// §6 for a static type without one; nil when neither exists.
    public func rtpMap(for payloadType: UInt8) -> SDPRTPMap? {
        rtpMaps.first { $0.payloadType == payloadType } ?? SDPRTPMap.staticAssignment(payloadType)
    }

    /// The parameters of `a=fmtp:<payloadType> <parameters>`, or nil.
    public func formatParameters(for payloadType: UInt8) -> String? {
        for attribute in attributes where attribute.name.lowercased() == "fmtp" {
            guard let value = attribute.value else { continue }
            let parts = value.split(separator: " ", maxSplits: 1, omittingEmptySubsequences: true)
            if parts.count == 2, UInt8(parts[0]) == payloadType { return String(parts[1]) }
        }
        return nil
    }

    /// `a=ptime` in milliseconds (RFC 8866 §6.4), or nil.
    public var packetTime: Int? { attributeValue("ptime").flatMap(SDPMediaDescription.milliseconds) }

    /// `a=maxptime` in milliseconds (RFC 8866 §6.5), or nil.
    public var maxPacketTime: Int? { attributeValue("maxptime").flatMap(SDPMediaDescription.milliseconds) }

    /// The direction attribute of this media description, or nil when it has none (then the
    /// session's applies, and `sendrecv` by default).
    public var direction: SDPDirection? {
        for attribute in attributes {
            if let direction = SDPDirection(rawValue: attribute.name.lowercased()) { return direction }
        }
        return nil
    }

    /// `a=rtcp` (RFC 3605), or nil.
    public var rtcp: SDPRTCPAttribute? { attributeValue("rtcp").flatMap(SDPRTCPAttribute.init(value:)) }

    /// Whether `a=rtcp-mux` is present (RFC 5761 §5.1.1).
    public var isRTCPMuxed: Bool { hasAttribute("rtcp-mux") }

    /// Replaces any direction attribute with `direction` (written even for `sendrecv`).
    public mutating func setDirection(_ direction: SDPDirection) {
        let index = attributes.firstIndex { SDPDirection(rawValue: $0.name.lowercased()) != nil }
        attributes.removeAll { SDPDirection(rawValue: $0.name.lowercased()) != nil }
        attributes.insert(SDPAttribute(direction.rawValue), at: min(index ?? attributes.count, attributes.count))
    }

    /// A ptime or maxptime value in milliseconds: digits, with an optional fraction that is
    /// dropped (`20.0` is seen in the wild); nil when it is not a positive number.
    static func milliseconds(_ value: String) -> Int? {
        let whole = value.split(separator: ".", maxSplits: 1, omittingEmptySubsequences: false)
        guard let first = whole.first, let number = Int(first), number > 0, number <= 10_000 else { return nil }
        if whole.count == 2 {
            guard !whole[1].isEmpty, whole[1].allSatisfy({ $0.isASCII && $0.isNumber }) else { return nil }
        }
        return number
    }
}
