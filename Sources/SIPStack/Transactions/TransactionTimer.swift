/// The timers of the RFC 3261 §17 transaction state machines, named after the RFC (Table 4 of
/// §A), plus Timers L and M of RFC 6026 and the 200 ms delay before a server INVITE
/// transaction sends 100 (Trying) on its own (§17.2.1).
///
/// A transaction starts and cancels timers by name through ``TransactionAction``; the driver
/// runs at most one instance of each named timer per transaction. Durations come from
/// ``TransactionTimers``.
public enum TransactionTimer: UInt8, Sendable, Hashable, CaseIterable, CustomStringConvertible {
    /// INVITE request retransmit interval, UDP only (§17.1.1.2): T1, doubling.
    case timerA
    /// INVITE transaction timeout (§17.1.1.2): 64*T1.
    case timerB
    /// Wait time for response retransmits in Completed (§17.1.1.2): 32 s for UDP, 0 for TCP/TLS.
    case timerD
    /// Non-INVITE request retransmit interval, UDP only (§17.1.2.2): T1 doubling up to T2.
    case timerE
    /// Non-INVITE transaction timeout (§17.1.2.2): 64*T1.
    case timerF
    /// INVITE response retransmit interval (§17.2.1): T1 doubling up to T2, UDP only.
    case timerG
    /// Wait time for ACK receipt (§17.2.1): 64*T1.
    case timerH
    /// Wait time for ACK retransmits in Confirmed (§17.2.1): T4 for UDP, 0 for TCP/TLS.
    case timerI
    /// Wait time for non-INVITE request retransmits (§17.2.2): 64*T1 for UDP, 0 for TCP/TLS.
    case timerJ
    /// Wait time for response retransmits in a client non-INVITE Completed (§17.1.2.2): T4
    /// for UDP, 0 for TCP/TLS.
    case timerK
    /// Wait time for INVITE retransmits and 2xx ACKs in server Accepted (RFC 6026 §7.1, §8.7): 64*T1.
    case timerL
    /// Wait time for 2xx retransmits in client Accepted (RFC 6026 §8.4): 64*T1.
    case timerM
    /// The delay after which a server INVITE transaction sends 100 (Trying) itself when the
    /// transaction user has not answered (§17.2.1: "within 200 ms").
    case trying

    public var description: String {
        switch self {
        case .timerA: "timerA"
        case .timerB: "timerB"
        case .timerD: "timerD"
        case .timerE: "timerE"
        case .timerF: "timerF"
        case .timerG: "timerG"
        case .timerH: "timerH"
        case .timerI: "timerI"
        case .timerJ: "timerJ"
        case .timerK: "timerK"
        case .timerL: "timerL"
        case .timerM: "timerM"
        case .trying: "trying"
        }
    }
}
