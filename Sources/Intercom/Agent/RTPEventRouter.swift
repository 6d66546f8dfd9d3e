import RTP

/// Hands an ``RTP/RTPSession``'s events to whoever handles the call's media once it exists:
/// the session is bound (for its port in the SDP) before the codec is known and the engine
/// made. Used on the session's event loop only.
final class RTPEventRouter: @unchecked Sendable {
    var target: ((RTPSessionEvent) -> Void)?

    func handle(_ event: RTPSessionEvent) {
        target?(event)
    }
}
