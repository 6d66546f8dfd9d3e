import NIOCore

/// The timer values of the transaction layer (RFC 3261 §17 and Table 4 of §A; RFC 6026 §8.4,
/// §8.7): the three base values T1, T2 and T4, and every named timer derived from them.
///
/// | timer | unreliable (UDP)        | reliable (TCP, TLS, WS) |
/// |-------|-------------------------|-------------------------|
/// | A     | T1, doubling            | not used                |
/// | B     | 64*T1                   | 64*T1                   |
/// | D     | ``timerD`` (32 s)       | 0                       |
/// | E     | T1, doubling up to T2   | not used                |
/// | F     | 64*T1                   | 64*T1                   |
/// | G     | T1, doubling up to T2   | not used                |
/// | H     | 64*T1                   | 64*T1                   |
/// | I     | T4                      | 0                       |
/// | J     | 64*T1                   | 0                       |
/// | K     | T4                      | 0                       |
/// | L, M  | 64*T1                   | 64*T1                   |
/// | trying| ``trying`` (200 ms)     | ``trying`` (200 ms)     |
///
/// A timer of 0 means the transaction skips the wait and terminates at once. All arithmetic
/// saturates, so a very large configured value cannot overflow.
public struct TransactionTimers: Sendable, Hashable {
    /// T1, the round-trip time estimate (RFC 3261 §17.1.1.1). Default 500 ms; must be positive.
    public var t1: TimeAmount
    /// T2, the maximum retransmit interval for non-INVITE requests and INVITE responses.
    /// Default 4 s.
    public var t2: TimeAmount
    /// T4, the maximum time a message stays in the network. Default 5 s.
    public var t4: TimeAmount
    /// Timer D over an unreliable transport: at least 32 s (RFC 3261 §17.1.1.2). Default 32 s.
    public var timerD: TimeAmount
    /// How long a server INVITE transaction waits for the transaction user's first response
    /// before it sends 100 (Trying) itself (RFC 3261 §17.2.1). Default 200 ms; 0 sends 100
    /// (Trying) at once.
    public var trying: TimeAmount

    /// The RFC defaults: T1 500 ms, T2 4 s, T4 5 s, Timer D 32 s, 100 (Trying) after 200 ms.
    public init(
        t1: TimeAmount = .milliseconds(500), t2: TimeAmount = .seconds(4), t4: TimeAmount = .seconds(5),
        timerD: TimeAmount = .seconds(32), trying: TimeAmount = .milliseconds(200)
    ) {
        self.t1 = t1
        self.t2 = t2
        self.t4 = t4
        self.timerD = timerD
        self.trying = trying
    }

    /// The RFC defaults.
    public static let `default` = TransactionTimers()

    /// 64*T1: Timers B, F, H, L and M, and Timer J over an unreliable transport.
    public var transactionTimeout: TimeAmount { Self.saturatingMultiply(t1, 64) }

    /// The first duration of `timer` over a reliable or an unreliable transport, or nil when
    /// the timer is not used over that transport (A, E and G retransmit over UDP only).
    public func duration(of timer: TransactionTimer, reliable: Bool) -> TimeAmount? {
        switch timer {
        case .timerA, .timerE, .timerG: reliable ? nil : t1
        case .timerB, .timerF, .timerH, .timerL, .timerM: transactionTimeout
        case .timerD: reliable ? .zero : timerD
        case .timerI, .timerK: reliable ? .zero : t4
        case .timerJ: reliable ? .zero : transactionTimeout
        case .trying: trying
        }
    }

    /// The next interval of Timer A after `previous`: twice as long, without a cap (RFC 3261
    /// §17.1.1.2: "intervals that double after each transmission"; Timer B ends them).
    public func nextTimerA(after previous: TimeAmount) -> TimeAmount {
        Self.saturatingMultiply(previous, 2)
    }

    /// The next interval of Timer E (§17.1.2.2) or Timer G (§17.2.1) after `previous`:
    /// MIN(2*previous, T2).
    public func nextCappedInterval(after previous: TimeAmount) -> TimeAmount {
        min(Self.saturatingMultiply(previous, 2), t2)
    }

    static func saturatingMultiply(_ amount: TimeAmount, _ factor: Int64) -> TimeAmount {
        let (product, overflow) = amount.nanoseconds.multipliedReportingOverflow(by: factor)
        if overflow { return .nanoseconds(amount.nanoseconds < 0 ? .min : .max) }
        return .nanoseconds(product)
    }
}
