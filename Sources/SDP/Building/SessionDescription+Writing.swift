import NIOCore

extension SessionDescription {
    /// Writes the description as canonical SDP into `buffer`: one CRLF-terminated line per
    /// field, in the order of RFC 8866 §5 (`v o s i u e p c b t r z k a`, then for each media
    /// `m i c b k a`). Nothing is allocated besides the buffer's own growth.
    ///
    /// A CR, LF or NUL inside a text field is written as a space, so that no field can end its
    /// line early and inject another.
    public func write(into buffer: inout ByteBuffer) {
        buffer.writeStaticString("v=0\r\n")
        buffer.writeSDPLine("o=", origin.username, " ", String(origin.sessionID), " ", String(origin.sessionVersion), " ",
            origin.networkType, " ", origin.addressType, " ", origin.address)
        buffer.writeSDPLine("s=", sessionName.isEmpty ? "-" : sessionName)
        if let information { buffer.writeSDPLine("i=", information) }
        if let uri { buffer.writeSDPLine("u=", uri) }
        for email in emails { buffer.writeSDPLine("e=", email) }
        for phone in phones { buffer.writeSDPLine("p=", phone) }
        if let connection { buffer.writeSDPConnection(connection) }
        for bandwidth in bandwidths { buffer.writeSDPLine("b=", bandwidth.type, ":", String(bandwidth.value)) }
        for timing in timings.isEmpty ? [SDPTiming()] : timings {
            buffer.writeSDPLine("t=", String(timing.start), " ", String(timing.stop))
            for line in timing.repeats { buffer.writeSDPLine("r=", line) }
        }
        if let timeZones { buffer.writeSDPLine("z=", timeZones) }
        if let encryptionKey { buffer.writeSDPLine("k=", encryptionKey) }
        for attribute in attributes { buffer.writeSDPAttribute(attribute) }
        for item in media {
            var port = String(item.port)
            if let count = item.portCount { port += "/\(count)" }
            buffer.writeSDPLine("m=", item.media, " ", port, " ", item.proto, " ", item.formats.joined(separator: " "))
            if let information = item.information { buffer.writeSDPLine("i=", information) }
            for connection in item.connections { buffer.writeSDPConnection(connection) }
            for bandwidth in item.bandwidths { buffer.writeSDPLine("b=", bandwidth.type, ":", String(bandwidth.value)) }
            if let key = item.encryptionKey { buffer.writeSDPLine("k=", key) }
            for attribute in item.attributes { buffer.writeSDPAttribute(attribute) }
        }
    }

    /// The description as canonical SDP text (see ``write(into:)``).
    public var text: String {
        var buffer = ByteBuffer()
        write(into: &buffer)
        return String(buffer: buffer)
    }
}

extension ByteBuffer {
    /// Writes the parts of one line and its CRLF, with CR, LF and NUL in a part written as a
    /// space.
    fileprivate mutating func writeSDPLine(_ parts: String...) {
        for part in parts {
            for byte in part.utf8 {
                writeInteger(byte == 0x0D || byte == 0x0A || byte == 0x00 ? UInt8(ascii: " ") : byte)
            }
        }
        writeStaticString("\r\n")
    }

    fileprivate mutating func writeSDPConnection(_ connection: SDPConnection) {
        var address = connection.address
        if let ttl = connection.ttl { address += "/\(ttl)" }
        if let count = connection.addressCount { address += "/\(count)" }
        writeSDPLine("c=", connection.networkType, " ", connection.addressType, " ", address)
    }

    fileprivate mutating func writeSDPAttribute(_ attribute: SDPAttribute) {
        if let value = attribute.value {
            writeSDPLine("a=", attribute.name, ":", value)
        } else {
            writeSDPLine("a=", attribute.name)
        }
    }

    /// Writes `description` as canonical SDP (see ``SessionDescription/write(into:)``).
    public mutating func writeSDP(_ description: SessionDescription) {
        description.write(into: &self)
    }
}
