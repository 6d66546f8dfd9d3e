/// The checks a user agent makes on a received message before acting on it.
extension SIPMessage {
    /// Runs the checks of RFC 3261 §8.2 on a request, or §8.1.3.3 on a response, and says what
    /// to do with the message.
    ///
    /// Requests are checked in the RFC's order: the SIP version (505), an extension method the
    /// element does not implement (501: its semantics, and so its grammar, are unknown), then
    /// the grammar of every header (``validate()``, 400), a known method the element does not
    /// allow (405), the headers every request needs and must not repeat (400), the Request-URI
    /// scheme (416), REGISTER rules at a registrar (400), Require (420), the body type (415)
    /// and Accept (406). Responses are discarded when their version is not SIP/2.0, when they
    /// are malformed, or when they carry more than one Via (a user agent is the only hop).
    public func check(profile: SIPEndpointProfile) -> SIPDisposition {
        layout.isRequest ? checkRequest(profile) : checkResponse()
    }

    func checkResponse() -> SIPDisposition {
        guard isVersion2 else { return .discard(reason: "the response's SIP version is not SIP/2.0") }
        do throws(SIPParseError) {
            try validate()
        } catch {
            return .discard(reason: "malformed response: \(error)")
        }
        if viaCount != 1 { return .discard(reason: "a response at a user agent must carry exactly one Via (RFC 3261 §8.1.3.3)") }
        if !layout.flags.contains(.hasCallID) || !layout.flags.contains(.hasCSeq) || !layout.flags.contains(.hasFrom) || !layout.flags.contains(.hasTo) {
            return .discard(reason: "the response lacks Call-ID, CSeq, From or To")
        }
        return .accept
    }

    func checkRequest(_ profile: SIPEndpointProfile) -> SIPDisposition {
        guard isVersion2 else { return .reject(SIPRejection(status: 505, reasonPhrase: "Version Not Supported")) }
        let allow = profile.allowedMethods.map(\.name).sorted()
        guard let method else { return .reject(SIPRejection(status: 400, reasonPhrase: "Bad Request")) }
        if !method.isKnown, !profile.allowedMethods.contains(method) {
            return .reject(SIPRejection(status: 501, reasonPhrase: "Not Implemented", allow: allow))
        }
        do throws(SIPParseError) {
            try validate()
        } catch {
            return .reject(SIPRejection(status: error.rejectStatus ?? 400, reasonPhrase: "Bad Request", error: error))
        }
        if !profile.allowedMethods.contains(method) {
            return .reject(SIPRejection(status: 405, reasonPhrase: "Method Not Allowed", allow: allow))
        }
        if let missing = missingOrRepeatedHeader() {
            return .reject(SIPRejection(status: 400, reasonPhrase: missing))
        }
        if let branch = topViaBranch, branch.equals("z9hG4bK") {
            return .reject(SIPRejection(status: 400, reasonPhrase: "Bad Request (Via branch is only the magic cookie)"))
        }
        if let uri = requestURI {
            let scheme = SIPURI.scheme(of: uri) ?? ""
            if !profile.uriSchemes.contains(scheme) {
                return .reject(SIPRejection(status: 416, reasonPhrase: "Unsupported URI Scheme"))
            }
        }
        if method == .register, profile.isRegistrar {
            if let to = try? to() {
                let scheme = SIPURI.scheme(of: to.uri) ?? ""
                if scheme != "sip" && scheme != "sips" {
                    return .reject(SIPRejection(status: 400, reasonPhrase: "Bad Request (To is not a SIP or SIPS address of record)"))
                }
            }
            // RFC 3261 §10.3 step 6: "Contact: *" only with Expires: 0 and as the only Contact.
            if let contacts = try? contacts(), contacts.contains(where: \.isWildcard) {
                let expires = (try? expires()) ?? nil
                if contacts.count > 1 || expires != 0 {
                    return .reject(SIPRejection(status: 400, reasonPhrase: "Bad Request (Contact * needs Expires: 0 and no other Contact)"))
                }
            }
        }
        if method != .ack, method != .cancel, let required = try? require() {
            let unsupported = required.map { $0.string }.filter { !profile.supportedExtensions.contains($0.lowercased()) }
            if !unsupported.isEmpty {
                return .reject(SIPRejection(status: 420, reasonPhrase: "Bad Extension", unsupported: unsupported))
            }
        }

        let sessionMethods: Set<SIPMethod> = [.invite, .ack, .update, .prack]
        if !body.isEmpty, count(of: .contentType) == 0 {
            // RFC 3261 §20.15: a non-empty body must say what it is.
            return .reject(SIPRejection(status: 400, reasonPhrase: "Bad Request (a body without Content-Type)"))
        }
        if sessionMethods.contains(method), !body.isEmpty {
            let type = (try? contentType()).flatMap { $0 }.map { "\($0.type.string.lowercased())/\($0.subtype.string.lowercased())" }
            if let type, !profile.acceptedBodyTypes.contains(type) {
                return .reject(SIPRejection(status: 415, reasonPhrase: "Unsupported Media Type", allow: profile.acceptedBodyTypes.sorted()))
            }
        }
        if method == .invite || method == .options, hasAccept, let accepted = try? accept(), !accepted.isEmpty {
            let acceptable = profile.producedBodyTypes.contains { produced in
                let parts = produced.split(separator: "/")
                return parts.count == 2 && accepted.contains { $0.matches(type: String(parts[0]), subtype: String(parts[1])) }
            }
            if !acceptable { return .reject(SIPRejection(status: 406, reasonPhrase: "Not Acceptable")) }
        }
        return .accept
    }

    /// The reason phrase when a header every request needs is missing or repeated
    /// (RFC 3261 §8.1.1, §20: To, From, CSeq, Call-ID, Via; Max-Forwards may be absent for
    /// RFC 2543 peers but not repeated), or Content-Length values conflict.
    func missingOrRepeatedHeader() -> String? {
        let required: [(SIPHeaderName, String)] = [(.to, "To"), (.from, "From"), (.cseq, "CSeq"), (.callID, "Call-ID"), (.via, "Via")]
        for (name, text) in required {
            let count = count(of: name)
            if count == 0 { return "Missing \(text) Header" }
            if count > 1, name != .via { return "Multiple \(text) Headers" }
        }
        if count(of: .maxForwards) > 1 { return "Multiple Max-Forwards Headers" }
        if hasConflictingContentLength { return "Conflicting Content-Length Headers" }
        if count(of: .contentLength) > 1 { return "Multiple Content-Length Headers" }
        return nil
    }
}
