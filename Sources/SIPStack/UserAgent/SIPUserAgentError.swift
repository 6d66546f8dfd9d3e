/// Why a ``SIPUserAgent`` operation was refused.
public struct SIPUserAgentError: Error, Hashable, Sendable, CustomStringConvertible {
    /// What kind of failure.
    public enum Code: String, Sendable, Hashable {
        /// No call has the handle, or it is already over.
        case noSuchCall
        /// The call is not in a state that allows the operation (answering an outgoing call,
        /// a re-INVITE before the call is confirmed...).
        case wrongState
        /// A re-INVITE is already in progress in this dialog (RFC 3261 §14.1).
        case requestPending
        /// A URI does not parse, or its scheme is not sip or sips.
        case invalidURI
        /// The next hop has a host name and no outbound proxy is configured: only IP
        /// literals are resolved.
        case unresolvableHost
        /// A status outside its range (a rejection must be 300-699).
        case invalidStatus
        /// The request or response could not be built (an invalid header value).
        case invalidMessage
        /// The transaction layer refused the request (too many transactions, transport closed).
        case transactionRefused
        /// The agent is shut down.
        case shutDown
    }

    /// What kind of failure.
    public let code: Code
    /// What was wrong, for logs.
    public let detail: String

    public init(_ code: Code, _ detail: String) {
        self.code = code
        self.detail = detail
    }

    public var description: String { "SIPUserAgentError.\(code.rawValue): \(detail)" }
}
