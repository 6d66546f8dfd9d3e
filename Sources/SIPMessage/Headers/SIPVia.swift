/// One Via value (RFC 3261 §20.42): the transport and address a request was sent from, and
/// its transaction branch.
public struct SIPVia: Sendable, Hashable {
    /// `SIP`.
    public let protocolName: SIPBytes
    /// `2.0`.
    public let protocolVersion: SIPBytes
    /// `UDP`, `TCP`, `TLS`, `SCTP`, `WS`, `WSS` or an extension.
    public let transport: SIPBytes
    /// The sent-by host (IPv6 references keep their brackets).
    public let host: SIPBytes
    /// The sent-by port, or nil.
    public let port: Int?
    /// The parameters in order.
    public let parameters: [SIPParameter]

    /// `branch` (RFC 3261 §8.1.1.7), or nil.
    public var branch: SIPBytes? { parameters.first(named: "branch")?.value }
    /// `received` (RFC 3261 §18.2.1), or nil.
    public var received: SIPBytes? { parameters.first(named: "received")?.value }
    /// `maddr`, or nil.
    public var maddr: SIPBytes? { parameters.first(named: "maddr")?.value }
    /// `ttl` (0-255), or nil when absent or not a number in range.
    public var ttl: Int? {
        guard let value = parameters.first(named: "ttl")?.value?.decimalValue, value <= 255 else { return nil }
        return Int(value)
    }

    /// Whether `rport` is present (RFC 3581), with or without a value.
    public var hasRPort: Bool { parameters.first(named: "rport") != nil }
    /// The `rport` value filled in by the server, or nil.
    public var rport: Int? {
        guard let value = parameters.first(named: "rport")?.value?.decimalValue, value <= 65535 else { return nil }
        return Int(value)
    }

    /// Whether the branch carries the RFC 3261 magic cookie `z9hG4bK` followed by an id.
    public var hasRFC3261Branch: Bool {
        guard let branch, branch.count > 7 else { return false }
        return branch.bytes.starts(with: Array("z9hG4bK".utf8))
    }
}

extension SIPMessage {
    /// Every Via value, top first, across all Via header lines.
    ///
    /// - Throws: ``SIPParseError`` when a value breaks the Via grammar (the top one was
    ///   checked at parse time; the others are checked here).
    public func vias() throws(SIPParseError) -> [SIPVia] {
        let elements = try elementRanges(.via)
        var result: [SIPVia] = []
        result.reserveCapacity(elements.count)
        for element in elements {
            let layout = try withBytes { (raw) throws(SIPParseError) in try ViaLayout.scan(raw, element.start, element.end) }
            result.append(SIPVia(
                protocolName: slice(layout.protocolName), protocolVersion: slice(layout.protocolVersion),
                transport: slice(layout.transport), host: slice(layout.host),
                port: layout.hasPort ? Int(layout.port) : nil,
                parameters: parameterList(layout.parameters)))
        }
        return result
    }

    /// The number of Via values (comma-separated values counted one by one).
    public var viaCount: Int {
        (try? elementRanges(.via).count) ?? count(of: .via)
    }

    /// The top Via, fully decoded, or nil when there is none.
    public func topVia() throws(SIPParseError) -> SIPVia? {
        try vias().first
    }
}
