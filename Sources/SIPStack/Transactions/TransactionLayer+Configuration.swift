extension TransactionLayer {
    /// The settings of a ``TransactionLayer``: timer values, the bound on live transactions
    /// and the Retry-After of the 503 a request over that bound gets (RFC 3261 §21.5.4).
    public struct Configuration: Sendable, Hashable {
        /// T1, T2, T4 and the timers derived from them.
        public var timers: TransactionTimers
        /// The most transactions (client and server together) alive at once. A new server
        /// transaction over it is refused with 503 and not stored; a new client transaction
        /// over it throws ``TransactionError/Code/tooManyTransactions``.
        public var maximumTransactions: Int
        /// The Retry-After of that 503, in seconds.
        public var retryAfterSeconds: Int

        public init(timers: TransactionTimers = .default, maximumTransactions: Int = 4096, retryAfterSeconds: Int = 5) {
            self.timers = timers
            self.maximumTransactions = maximumTransactions
            self.retryAfterSeconds = retryAfterSeconds
        }
    }
}
