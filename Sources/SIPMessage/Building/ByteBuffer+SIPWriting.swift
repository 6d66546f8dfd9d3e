import NIOCore

/// Writing SIP messages straight into a caller-provided `ByteBuffer`: no intermediate strings,
/// so a buffer reused with `clear()` builds message after message without allocating.
///
/// ```swift
/// buffer.clear()
/// buffer.writeSIPRequestLine(method: .options, uri: "sip:pbx.example.com")
/// buffer.writeSIPHeader(.via, "SIP/2.0/UDP 192.0.2.4:5060;branch=z9hG4bK776asdhds;rport")
/// buffer.writeSIPHeader(.maxForwards, "70")
/// ...
/// buffer.writeSIPBody(sdp, contentType: "application/sdp")   // Content-Length, CRLF, body
/// ```
extension ByteBuffer {
    /// Writes `METHOD uri SIP/2.0` CRLF.
    public mutating func writeSIPRequestLine(method: SIPMethod, uri: String) {
        writeString(method.name)
        writeInteger(ASCII.space)
        writeString(uri)
        writeStaticString(" SIP/2.0\r\n")
    }

    /// Writes `METHOD uri SIP/2.0` CRLF with the URI as bytes.
    public mutating func writeSIPRequestLine(method: SIPMethod, uri: SIPBytes) {
        writeString(method.name)
        writeInteger(ASCII.space)
        writeImmutableBuffer(uri.buffer)
        writeStaticString(" SIP/2.0\r\n")
    }

    /// Writes `SIP/2.0 code reason` CRLF.
    public mutating func writeSIPStatusLine(status: Int, reason: String) {
        writeStaticString("SIP/2.0 ")
        writeDecimal(status)
        writeInteger(ASCII.space)
        writeString(reason)
        writeStaticString("\r\n")
    }

    /// Writes `Name: value` CRLF with the canonical spelling of a known name.
    public mutating func writeSIPHeader(_ name: SIPHeaderName, _ value: String) {
        writeStaticString(name.canonicalName)
        writeStaticString(": ")
        writeString(value)
        writeStaticString("\r\n")
    }

    /// Writes `Name: value` CRLF with the value as bytes.
    public mutating func writeSIPHeader(_ name: SIPHeaderName, _ value: SIPBytes) {
        writeStaticString(name.canonicalName)
        writeStaticString(": ")
        writeImmutableBuffer(value.buffer)
        writeStaticString("\r\n")
    }

    /// Writes `Name: value` CRLF for any header name.
    public mutating func writeSIPHeader(name: String, _ value: String) {
        writeString(name)
        writeStaticString(": ")
        writeString(value)
        writeStaticString("\r\n")
    }

    /// Writes `Name: number` CRLF.
    public mutating func writeSIPHeader(_ name: SIPHeaderName, decimal value: Int) {
        writeStaticString(name.canonicalName)
        writeStaticString(": ")
        writeDecimal(value)
        writeStaticString("\r\n")
    }

    /// Ends the header section of a message without a body: `Content-Length: 0`, empty line.
    public mutating func writeSIPEndOfHeaders() {
        writeStaticString("Content-Length: 0\r\n\r\n")
    }

    /// Writes Content-Type (when given), Content-Length, the empty line and the body.
    public mutating func writeSIPBody(_ body: ByteBuffer, contentType: String?) {
        if let contentType { writeSIPHeader(.contentType, contentType) }
        writeSIPHeader(.contentLength, decimal: body.readableBytes)
        writeStaticString("\r\n")
        writeImmutableBuffer(body)
    }

    /// Writes Content-Type (when given), Content-Length, the empty line and the UTF-8 body.
    public mutating func writeSIPBody(_ body: String, contentType: String?) {
        if let contentType { writeSIPHeader(.contentType, contentType) }
        writeSIPHeader(.contentLength, decimal: body.utf8.count)
        writeStaticString("\r\n")
        writeString(body)
    }

    /// Writes a decimal number without going through a String (a negative one with its "-",
    /// never clamped: a peer must see the value it was given).
    mutating func writeDecimal(_ value: Int) {
        if value < 0 {
            writeInteger(UInt8(ascii: "-"))
            // Int.min has no positive counterpart: write its magnitude digit by digit.
            let magnitude = value.magnitude
            writeString(String(magnitude))
            return
        }
        guard value > 0 else {
            writeInteger(ASCII.zero)
            return
        }

        var digits: (UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8,
                     UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8) =
            (0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0)
        var count = 0
        var remaining = value
        withUnsafeMutableBytes(of: &digits) { digitBytes in
            while remaining > 0, count < digitBytes.count {
                digitBytes[digitBytes.count &- 1 &- count] = ASCII.zero &+ UInt8(remaining % 10)
                remaining /= 10
                count &+= 1
            }
            writeBytes(UnsafeRawBufferPointer(rebasing: digitBytes[(digitBytes.count &- count)...]))
        }
    }
}
