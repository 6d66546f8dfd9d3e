/// Why the transaction layer refused a request of the transaction user (RFC 3261 §17): a
/// message it cannot build a transaction from, a full transaction table, an unknown
/// transaction. Compare errors by ``code``.
public struct TransactionError: Error, Sendable, Hashable, CustomStringConvertible {
    /// What kind of problem this is (RFC 3261 §17 rules the TU broke, or limits of the layer).
    /// An extensible code, not an enum, so adding one is not a breaking change.
    public struct Code: Sendable, Hashable, CustomStringConvertible {
        let rawValue: UInt8
        let name: StaticString

        init(_ rawValue: UInt8, _ name: StaticString) {
            self.rawValue = rawValue
            self.name = name
        }

        public static func == (lhs: Code, rhs: Code) -> Bool { lhs.rawValue == rhs.rawValue }
        public func hash(into hasher: inout Hasher) { hasher.combine(rawValue) }
        public var description: String { name.description }

        /// A transaction needs a request here, or a response there, and got the other.
        public static let wrongKindOfMessage = Code(1, "wrong kind of message")
        /// The request lacks a header a transaction needs (Via with branch, Call-ID, CSeq,
        /// From, To).
        public static let missingHeader = Code(2, "missing header")
        /// The method does not fit the transaction (INVITE for an INVITE transaction, no ACK
        /// as a client transaction).
        public static let wrongMethod = Code(3, "wrong method")
        /// The number of live transactions is at its configured maximum.
        public static let tooManyTransactions = Code(4, "too many transactions")
        /// No live transaction has this key.
        public static let noSuchTransaction = Code(5, "no such transaction")
        /// A live transaction already has this key (a branch reused).
        public static let duplicateTransaction = Code(6, "duplicate transaction")
        /// The transport could not send the bytes (RFC 3261 §17.1.4, §17.2.4).
        public static let transportFailed = Code(7, "transport failed")
    }

    /// What is wrong.
    public let code: Code
    /// A fixed sentence naming what is wrong.
    public let detail: StaticString

    public init(_ code: Code, _ detail: StaticString) {
        self.code = code
        self.detail = detail
    }

    public static func == (lhs: TransactionError, rhs: TransactionError) -> Bool { lhs.code == rhs.code }
    public func hash(into hasher: inout Hasher) { hasher.combine(code) }
    public var description: String { "\(code): \(detail)" }
}
