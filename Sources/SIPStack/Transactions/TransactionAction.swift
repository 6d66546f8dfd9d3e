import NIOCore
import SIPMessage

/// What a transaction state machine asks its driver to do (RFC 3261 §17): each event given to
/// ``ClientInviteTransaction``, ``ClientNonInviteTransaction``, ``ServerInviteTransaction`` or
/// ``ServerNonInviteTransaction`` returns a list of these, to be carried out in order.
///
/// The machines never touch a socket or a clock: sending, scheduling and delivering to the
/// transaction user (TU) are the driver's job (``TransactionLayer``, or a test).
public enum TransactionAction: Sendable, Equatable, CustomStringConvertible {
    /// Hand these bytes (a request or response) to the transport for the first time.
    case send(ByteBuffer)
    /// Hand these bytes to the transport again: a retransmission (request, response or the
    /// ACK of a non-2xx final response).
    case retransmit(ByteBuffer)
    /// Start the named timer to fire after the duration, replacing a running one of the same
    /// name. When it fires, give the machine `timerFired(timer)`.
    case startTimer(TransactionTimer, TimeAmount)
    /// Stop the named timer if it is running.
    case cancelTimer(TransactionTimer)
    /// Pass a request up to the TU: the request that created a server transaction, or an ACK
    /// received in a server INVITE transaction's Accepted state (RFC 6026 §7.1).
    case passRequest(SIPMessage)
    /// Pass a response up to the TU (client transactions).
    case passResponse(SIPMessage)
    /// Tell the TU that the transaction timed out when this timer fired (B, F or H).
    case timeout(TransactionTimer)
    /// Tell the TU that the transport failed to send (RFC 3261 §17.1.4, §17.2.4).
    case transportError
    /// The machine entered Terminated: forget the transaction and cancel all of its timers.
    case terminate

    public static func == (lhs: TransactionAction, rhs: TransactionAction) -> Bool {
        switch (lhs, rhs) {
        case (.send(let l), .send(let r)), (.retransmit(let l), .retransmit(let r)):
            l == r
        case (.startTimer(let lt, let ld), .startTimer(let rt, let rd)):
            lt == rt && ld == rd
        case (.cancelTimer(let l), .cancelTimer(let r)), (.timeout(let l), .timeout(let r)):
            l == r
        case (.passRequest(let l), .passRequest(let r)), (.passResponse(let l), .passResponse(let r)):
            l.bytes == r.bytes
        case (.transportError, .transportError), (.terminate, .terminate):
            true
        default:
            false
        }
    }

    public var description: String {
        switch self {
        case .send(let bytes): "send \(Self.firstLine(bytes))"
        case .retransmit(let bytes): "retransmit \(Self.firstLine(bytes))"
        case .startTimer(let timer, let duration): "start \(timer) \(duration.nanoseconds / 1_000_000)ms"
        case .cancelTimer(let timer): "cancel \(timer)"
        case .passRequest(let request): "pass \(request.startLine)"
        case .passResponse(let response): "pass \(response.startLine)"
        case .timeout(let timer): "timeout \(timer)"
        case .transportError: "transport error"
        case .terminate: "terminate"
        }
    }

    private static func firstLine(_ bytes: ByteBuffer) -> String {
        let view = bytes.readableBytesView
        let end = view.firstIndex(of: UInt8(ascii: "\r")) ?? view.endIndex
        return String(decoding: view[view.startIndex..<end], as: UTF8.self)
    }
}
