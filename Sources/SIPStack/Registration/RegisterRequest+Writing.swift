import NIOCore
import SIPMessage

extension RegisterRequest {
    /// Writes this REGISTER for `configuration` into `buffer` (RFC 3261 §10.2, RFC 5626 §4.2):
    ///
    /// ```
    /// REGISTER <registrarURI> SIP/2.0
    /// Via: SIP/2.0/<viaTransport> <viaSentBy>;branch=<branch>;rport      (RFC 3581)
    /// Max-Forwards: 70
    /// Route: <outboundProxy>                                               (when configured)
    /// From: <aor>;tag=<fromTag>
    /// To: <aor>
    /// Call-ID: <callID>
    /// CSeq: <cseq> REGISTER
    /// Contact: <contactURI>;expires=<expires>[;+sip.instance=...;reg-id=n]
    /// Expires: <expires>
    /// Authorization / Proxy-Authorization: ...                             (when answering)
    /// User-Agent: <userAgent>
    /// Content-Length: 0
    /// ```
    public func write(for configuration: RegistrationConfiguration, into buffer: inout ByteBuffer) {
        buffer.writeSIPRequestLine(method: .register, uri: configuration.registrarURI)
        buffer.writeSIPHeader(
            .via, "SIP/2.0/\(configuration.viaTransport) \(configuration.viaSentBy);branch=\(branch);rport")
        buffer.writeSIPHeader(.maxForwards, decimal: 70)
        if let proxy = configuration.outboundProxy {
            buffer.writeSIPHeader(.route, "<\(proxy)>")
        }
        buffer.writeSIPHeader(.from, "<\(configuration.addressOfRecord)>;tag=\(fromTag)")
        buffer.writeSIPHeader(.to, "<\(configuration.addressOfRecord)>")
        buffer.writeSIPHeader(.callID, callID)
        buffer.writeSIPHeader(.cseq, "\(cseq) REGISTER")
        var contact = "<\(configuration.contactURI)>;expires=\(expires)"
        if let instance = configuration.instanceID {
            contact += ";+sip.instance=\(instance)"
            if let regID = configuration.regID { contact += ";reg-id=\(regID)" }
        }
        buffer.writeSIPHeader(.contact, contact)
        buffer.writeSIPHeader(.expires, decimal: Int(expires))
        for authorization in authorizations {
            buffer.writeSIPHeader(authorization.headerName, authorization.value)
        }
        buffer.writeSIPHeader(.userAgent, configuration.userAgent)
        buffer.writeSIPEndOfHeaders()
    }

    /// The REGISTER written by ``write(for:into:)`` and parsed back, so that a configuration
    /// that makes an invalid message is caught before anything is sent.
    ///
    /// - Throws: the ``SIPParseError`` of the written bytes, or of their header grammar.
    public func message(for configuration: RegistrationConfiguration) throws(SIPParseError) -> SIPMessage {
        var buffer = ByteBufferAllocator().buffer(capacity: 512)
        write(for: configuration, into: &buffer)
        let message = try SIPMessage(parsing: buffer)
        try message.validate()
        return message
    }
}
