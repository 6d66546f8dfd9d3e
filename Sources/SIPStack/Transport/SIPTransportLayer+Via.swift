import NIOCore
import SIPMessage

extension SIPTransportLayer {
    /// A new branch for a client transaction: the RFC 3261 magic cookie `z9hG4bK` (§8.1.1.7)
    /// followed by 128 random bits in hexadecimal, so branches are unique in space and time.
    public static func makeBranch() -> String {
        var generator = SystemRandomNumberGenerator()
        let high = String(generator.next() as UInt64, radix: 16)
        let low = String(generator.next() as UInt64, radix: 16)
        return "z9hG4bK" + String(repeating: "0", count: 16 - high.count) + high
            + String(repeating: "0", count: 16 - low.count) + low
    }

    /// The sent-by of this layer for `transport` (RFC 3261 §18.1.1, §20.42): the advertised
    /// host, or the bound address (an IPv6 literal in brackets), and the bound port. For TCP
    /// without a listener, the UDP port stands in. Nil when nothing is bound.
    public func sentBy(for transport: SIPTransportKind) -> String? {
        eventLoop.preconditionInEventLoop()
        guard let address = localAddress(for: transport) ?? localAddress(for: .udp) ?? localAddress(for: .tcp),
              let port = address.port else { return nil }
        let host = configuration.advertisedHost ?? address.ipAddress ?? configuration.host
        let literal = host.contains(":") && !host.hasPrefix("[") ? "[\(host)]" : host
        return "\(literal):\(port)"
    }

    /// The value of a top Via for a request this layer sends over `transport`:
    /// `SIP/2.0/UDP host:port;branch=z9hG4bK…;rport` (RFC 3261 §18.1.1, RFC 3581 §3). Nil when
    /// nothing is bound.
    public func viaValue(for transport: SIPTransportKind, branch: String = SIPTransportLayer.makeBranch()) -> String? {
        guard let sentBy = sentBy(for: transport) else { return nil }
        return "SIP/2.0/\(transport.viaToken) \(sentBy);branch=\(branch);rport"
    }

    /// `request` with its top Via replaced (or, without a Via, one inserted after the request
    /// line) by ``viaValue(for:branch:)``; every other header and the body are kept as they
    /// are. Nil when `request` is a response or nothing is bound.
    public func stampingVia(
        _ request: SIPMessage, transport: SIPTransportKind, branch: String = SIPTransportLayer.makeBranch()
    ) -> SIPMessage? {
        guard request.isRequest, let via = viaValue(for: transport, branch: branch) else { return nil }
        var buffer = ByteBuffer()
        buffer.reserveCapacity(request.bytes.readableBytes + via.utf8.count + 16)
        buffer.writeImmutableBuffer(request.startLine.buffer)
        buffer.writeStaticString("\r\n")
        buffer.writeSIPHeader(.via, via)
        var replaced = false
        for header in request.headers {
            if header.name == .via, !replaced {
                replaced = true
                continue
            }
            buffer.writeImmutableBuffer(header.nameBytes.buffer)
            buffer.writeStaticString(": ")
            buffer.writeImmutableBuffer(header.value.buffer)
            buffer.writeStaticString("\r\n")
        }
        buffer.writeStaticString("\r\n")
        buffer.writeImmutableBuffer(request.body.buffer)
        return try? SIPMessage(parsing: buffer, limits: configuration.limits)
    }
}
