import SIPMessage

/// What identifies a transaction, for matching messages to it (RFC 3261 §17.1.3, §17.2.3).
///
/// - A **client** key is the top Via branch plus the CSeq method of the request that created
///   the transaction: a response matches when both are equal (§17.1.3). The CSeq method keeps
///   a CANCEL apart from the INVITE whose branch it shares.
/// - A **server** key is the top Via branch plus its sent-by plus the request method, with
///   ACK counted as INVITE so that the ACK of a non-2xx response finds its INVITE transaction
///   while a CANCEL has a transaction of its own (§17.2.3).
/// - When the branch lacks the magic cookie `z9hG4bK` (an RFC 2543 peer), a server key is
///   built from the Request-URI, To tag, From tag, Call-ID, CSeq number and method (ACK as
///   INVITE) and the top Via (transport, sent-by, branch if any) instead (§17.2.3). The ACK of
///   such a transaction carries the To tag of the response: the driver registers that second
///   key with ``rfc2543ACK(forInvite:responseToTag:)``.
///
/// A key stores no string: the fields are read in place through
/// ``SIPMessage/withUnsafeFields(_:)`` and folded into a 128-bit digest by two `Hasher`s
/// (SipHash, seeded at random for each process), so neither accidental collisions nor
/// collisions chosen by a peer are to be expected. Hosts in sent-by compare case-insensitively,
/// everything else byte for byte. Keys are not stable across processes.
public struct TransactionKey: Hashable, Sendable, CustomStringConvertible {
    /// Whether the key names a client transaction (matched as in RFC 3261 §17.1.3) or a
    /// server transaction (§17.2.3).
    public enum Role: UInt8, Sendable, Hashable {
        case client, server
    }

    /// Whether the key names a client or a server transaction.
    public let role: Role
    /// Whether the key was built by the RFC 2543 fallback (no magic cookie in the branch).
    public let isRFC2543: Bool
    let high: UInt64
    let low: UInt64

    init(role: Role, isRFC2543: Bool, digest: TransactionKeyDigest) {
        self.role = role
        self.isRFC2543 = isRFC2543
        (self.high, self.low) = digest.finalize()
    }

    public var description: String {
        let hex = String(high, radix: 16) + ":" + String(low, radix: 16)
        return "\(role == .client ? "client" : "server")\(isRFC2543 ? "/2543" : "") \(hex)"
    }
}

extension TransactionKey {
    /// The client key of a request this element sends, or of a response it receives: top Via
    /// branch plus CSeq method (§17.1.3). Nil when the message has no branch or no CSeq.
    public static func client(for message: SIPMessage) -> TransactionKey? {
        message.withUnsafeFields { fields -> TransactionKey? in
            guard let branch = fields.topViaBranch, let method = fields.cseqMethodToken else { return nil }
            var digest = TransactionKeyDigest(domain: 1)
            digest.combine(branch)
            digest.combine(method)
            return TransactionKey(role: .client, isRFC2543: false, digest: digest)
        }
    }

    /// The server key of a received request (§17.2.3), ACK counted as INVITE. Nil when the
    /// message is not a request or lacks the fields matching needs (a Via; for the RFC 2543
    /// fallback also Call-ID and CSeq).
    public static func server(for request: SIPMessage) -> TransactionKey? {
        request.withUnsafeFields { fields in serverKey(fields, asMethod: nil, toTag: nil) }
    }

    /// The key of the INVITE server transaction a CANCEL cancels (RFC 3261 §9.2: the CANCEL's
    /// fields matched as in §17.2.3, but with the method INVITE). Nil when `cancel` is not a
    /// request or lacks the fields matching needs.
    public static func serverInvite(cancelledBy cancel: SIPMessage) -> TransactionKey? {
        cancel.withUnsafeFields { fields in serverKey(fields, asMethod: "INVITE", toTag: nil) }
    }

    /// The second key of an RFC 2543 INVITE server transaction: the one its ACK will carry,
    /// with the To tag of the response the transaction sent (§17.2.3). Nil when `invite` has a
    /// magic-cookie branch (its ACK matches ``server(for:)`` already) or lacks fields.
    public static func rfc2543ACK(forInvite invite: SIPMessage, responseToTag: SIPBytes) -> TransactionKey? {
        responseToTag.withUnsafeBytes { tag in
            invite.withUnsafeFields { fields -> TransactionKey? in
                guard !hasMagicCookie(fields.topViaBranch) else { return nil }
                return serverKey(fields, asMethod: nil, toTag: tag)
            }
        }
    }

    /// Whether `branch` starts with the RFC 3261 magic cookie `z9hG4bK` and has more after it.
    public static func hasMagicCookie(_ branch: UnsafeRawBufferPointer?) -> Bool {
        guard let branch, branch.count > 7 else { return false }
        let cookie: StaticString = "z9hG4bK"
        let pointer = cookie.utf8Start
        for index in 0..<7 where branch[index] != pointer[index] {
            return false
        }
        return true
    }

    /// Builds a server key; `asMethod` replaces the request's method, `toTag` its To tag.
    private static func serverKey(
        _ fields: SIPUnsafeFields, asMethod: StaticString?, toTag: UnsafeRawBufferPointer?
    ) -> TransactionKey? {
        guard fields.isRequest, let methodToken = fields.methodToken, let sentBy = fields.topViaSentBy else { return nil }
        let isRFC3261 = hasMagicCookie(fields.topViaBranch)
        var digest = TransactionKeyDigest(domain: isRFC3261 ? 2 : 3)
        if isRFC3261 {
            digest.combine(fields.topViaBranch)
            digest.combineLowercased(sentBy)
            digest.combineMethod(methodToken, replacement: asMethod)
            return TransactionKey(role: .server, isRFC2543: false, digest: digest)
        }
        guard let callID = fields.callID, let cseq = fields.cseqNumber else { return nil }
        digest.combine(fields.requestURI)
        digest.combine(toTag ?? fields.toTag)
        digest.combine(fields.fromTag)
        digest.combine(callID)
        digest.combine(cseq)
        digest.combineMethod(methodToken, replacement: asMethod)
        if let transport = fields.topViaTransport {
            digest.combineLowercased(transport)
        } else {
            digest.combine(nil)
        }
        digest.combineLowercased(sentBy)
        digest.combine(fields.topViaBranch)
        return TransactionKey(role: .server, isRFC2543: true, digest: digest)
    }

    /// Checks that `request` can start a client transaction: a request other than ACK with a
    /// top Via branch, CSeq, Call-ID, From and To.
    static func checkClientRequest(_ request: SIPMessage) throws(TransactionError) {
        guard request.isRequest else {
            throw TransactionError(.wrongKindOfMessage, "a client transaction needs a request")
        }
        guard request.method != .ack else {
            throw TransactionError(.wrongMethod, "ACK never starts a client transaction (RFC 3261 §17)")
        }
        guard request.topViaBranch != nil, request.cseqNumber != nil, request.callID != nil,
              request.firstValue(.from) != nil, request.firstValue(.to) != nil, request.requestURI != nil
        else {
            throw TransactionError(.missingHeader, "the request lacks a Via branch, CSeq, Call-ID, From or To")
        }
    }
}
