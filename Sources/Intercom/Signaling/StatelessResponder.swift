import NIOCore
import SIPMessage

/// Answers SIP requests without keeping state: OPTIONS gets 200 with the agent's
/// capabilities, requests that fail the user-agent checks get the RFC's status (400, 405, 415,
/// 416, 420, 501, 505...), and requests for calls get 480 until the call layer answers them.
///
/// This is the agent's answer to everything that needs no transaction or dialog state, and
/// what `intercom run` serves before accounts and calls are configured.
public struct StatelessResponder: Sendable {
    /// What the responder did with a message.
    public enum Outcome: Sendable, Hashable {
        /// A response with this status was written.
        case responded(status: Int)
        /// Nothing to send: a response, an ACK, or bytes too broken to answer.
        case ignored(reason: String)
    }

    /// The checks applied to requests.
    public var profile: SIPEndpointProfile
    /// The User-Agent / Server product string.
    public var product: String

    public init(profile: SIPEndpointProfile = .userAgent, product: String = "SwiftSIP-intercom/0.1") {
        self.profile = profile
        self.product = product
    }

    /// Reads one datagram or stream frame and writes the response, if any, into `response`.
    ///
    /// - Parameter source: where the request came from (IP literal and port); the response's
    ///   top Via then carries `received` and `rport` (RFC 3581) so it finds its way back.
    public func respond(
        to bytes: ByteBuffer, framed: Bool = false, source: (host: String, port: Int)? = nil, into response: inout ByteBuffer
    ) -> Outcome {
        let message: SIPMessage
        do {
            message = framed ? try SIPMessage(parsingFrame: bytes) : try SIPMessage(parsing: bytes)
        } catch {
            // Without a parsed Via, From, To, Call-ID and CSeq no response can be routed.
            return .ignored(reason: "unparsable message: \(error)")
        }
        guard message.isRequest, let method = message.method else { return .ignored(reason: "a response") }
        if method == .ack { return .ignored(reason: "ACK needs no response") }
        switch message.check(profile: profile) {
        case .discard(let reason):
            return .ignored(reason: reason)
        case .reject(let rejection):
            // A request without the headers a response copies cannot be answered.
            guard message.hasVia, message.callID != nil, message.cseqNumber != nil else {
                return .ignored(reason: "cannot answer: \(rejection.reasonPhrase)")
            }
            message.writeResponseHead(status: rejection.status, reason: rejection.reasonPhrase, toTag: Self.makeTag(), source: source, into: &response)
            if !rejection.unsupported.isEmpty {
                response.writeSIPHeader(.unsupported, rejection.unsupported.joined(separator: ", "))
            }
            if rejection.status == 405 || rejection.status == 501 {
                response.writeSIPHeader(.allow, allowedMethods)
            }
            if rejection.status == 415 {
                response.writeSIPHeader(.accept, rejection.allow.joined(separator: ", "))
            }
            writeTail(into: &response)
            return .responded(status: rejection.status)
        case .accept:
            let (status, reason): (Int, String) =
                switch method {
                case .options: (200, "OK")
                case .bye, .cancel, .info, .notify: (481, "Call/Transaction Does Not Exist")
                default: (480, "Temporarily Unavailable")
                }
            message.writeResponseHead(status: status, reason: reason, toTag: Self.makeTag(), source: source, into: &response)
            if method == .options {
                response.writeSIPHeader(.allow, allowedMethods)
                response.writeSIPHeader(.accept, profile.producedBodyTypes.sorted().joined(separator: ", "))
                response.writeSIPHeader(.supported, profile.supportedExtensions.sorted().joined(separator: ", "))
            }
            writeTail(into: &response)
            return .responded(status: status)
        }
    }

    private var allowedMethods: String {
        profile.allowedMethods.map(\.name).sorted().joined(separator: ", ")
    }

    private func writeTail(into response: inout ByteBuffer) {
        response.writeSIPHeader(.server, product)
        response.writeSIPEndOfHeaders()
    }

    /// A random To tag (RFC 3261 §19.3: at least 32 bits of randomness).
    static func makeTag() -> String {
        String(UInt64.random(in: 0...UInt64.max), radix: 36)
    }
}
