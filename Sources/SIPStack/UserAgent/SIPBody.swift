import NIOCore

/// A message body with its media type: the SDP offer or answer of a call
/// (`application/sdp`), the text of a MESSAGE (`text/plain`, RFC 3428) or the payload of an
/// INFO (`application/dtmf-relay`, ...).
public struct SIPBody: Sendable, Hashable, CustomStringConvertible {
    /// The Content-Type value, such as `application/sdp`.
    public var contentType: String
    /// The bytes of the body.
    public var bytes: ByteBuffer

    public init(contentType: String, bytes: ByteBuffer) {
        self.contentType = contentType
        self.bytes = bytes
    }

    public init(contentType: String, _ text: String) {
        self.init(contentType: contentType, bytes: ByteBuffer(string: text))
    }

    /// An `application/sdp` body.
    public static func sdp(_ text: String) -> SIPBody { SIPBody(contentType: "application/sdp", text) }

    /// A `text/plain` body, as a MESSAGE carries.
    public static func text(_ text: String) -> SIPBody { SIPBody(contentType: "text/plain", text) }

    /// The body decoded as UTF-8 (invalid sequences replaced).
    public var string: String { String(decoding: bytes.readableBytesView, as: UTF8.self) }

    /// Whether the media type is `type/subtype` (case-insensitive, parameters ignored).
    public func hasType(_ typeAndSubtype: String) -> Bool {
        let bare = contentType.split(separator: ";", maxSplits: 1).first ?? ""
        return bare.trimmingCharacters(in: " \t").lowercased() == typeAndSubtype.lowercased()
    }

    public var description: String { "\(contentType), \(bytes.readableBytes) bytes" }
}

extension StringProtocol {
    /// The string without leading and trailing characters of `set` (no Foundation).
    func trimmingCharacters(in set: String) -> String {
        let characters = Set(set)
        var slice = Substring(self)
        while let first = slice.first, characters.contains(first) { slice = slice.dropFirst() }
        while let last = slice.last, characters.contains(last) { slice = slice.dropLast() }
        return String(slice)
    }
}
