/// The offer/answer state of one session (RFC 3264), as a value: makes our offers, answers
/// the remote's offers, takes the remote's answers, and gives a ``NegotiatedMedia`` each time
/// an exchange completes.
///
/// ```swift
/// var negotiator = SDPNegotiator(address: "192.0.2.10")
/// let local = SDPLocalMedia(address: "192.0.2.10", port: 40_000)
/// // Incoming call:
/// let answer = try negotiator.receiveOffer(offer, local: local)   // answer.description -> 200 OK
/// // Outgoing call or re-INVITE:
/// let offer = negotiator.makeOffer(local)                         // -> INVITE
/// let media = try negotiator.receiveAnswer(answer)                // from the 200 OK
/// ```
///
/// It handles one audio stream. Every other m-line of an offer is rejected with port 0 and
/// kept, in order, in later offers (RFC 3264 §6, §8). The `o=` session id stays fixed, and
/// the version goes up only when what we send differs from what we sent last (§8). Payload
/// types, once agreed, are kept for the life of the session (§8.3.2).
public struct SDPNegotiator: Sendable {
    /// Our `o=` line: the session id never changes; the version is the last one sent.
    public internal(set) var origin: SDPOrigin
    /// The `s=` line we write.
    public var sessionName: String

    /// The last description we sent (offer or answer).
    public internal(set) var lastSent: SessionDescription?
    /// Our offer waiting for its answer.
    public internal(set) var pendingOffer: SessionDescription?
    var pendingLocal: SDPLocalMedia?
    var pendingAudioIndex = 0
    /// The m-lines of the session so far (from the last completed exchange).
    var layout: [SDPMediaDescription] = []
    /// The index of the audio m-line in ``layout``.
    var audioIndex: Int?
    /// Payload types agreed so far, by codec key.
    var payloadTypes: [String: UInt8] = [:]

    /// A negotiator whose `o=` line carries `address`, with `sessionID` or a random one (the
    /// first version is the session id, a common choice; RFC 8866 §5.2 asks only for a number).
    public init(username: String = "-", sessionID: UInt64? = nil, address: String, sessionName: String = "-") {
        var generator = SystemRandomNumberGenerator()
        let id = sessionID ?? UInt64.random(in: 1...(UInt64(1) << 62), using: &generator)
        self.origin = SDPOrigin(username: username, sessionID: id, sessionVersion: id, address: address)
        self.sessionName = sessionName
    }

    /// Whether an offer of ours waits for an answer.
    public var hasPendingOffer: Bool { pendingOffer != nil }

    /// Forgets the pending offer (it was refused, or a glare made us withdraw it). The next
    /// offer is built from the last completed exchange.
    public mutating func cancelOffer() {
        pendingOffer = nil
        pendingLocal = nil
    }

    /// Gives `description` our origin and the version it should carry, and remembers it as
    /// sent: the version goes up by one only if it differs from the last one sent.
    mutating func stamp(_ description: SessionDescription) -> SessionDescription {
        var candidate = description
        candidate.origin = origin
        if let lastSent, candidate != lastSent {
            origin.sessionVersion &+= 1
            candidate.origin = origin
        }
        lastSent = candidate
        return candidate
    }

    /// The payload type for `codec`: the one agreed earlier, else its static or preferred one
    /// if free, else the lowest free dynamic type (96...127, then 35...63 per RFC 5761 §4's
    /// advice to avoid 64...95).
    static func payloadType(for codec: SDPCodec, agreed: [String: UInt8], taken: Set<UInt8>) -> UInt8? {
        if let known = agreed[codec.key], !taken.contains(known) { return known }
        if let preferred = codec.payloadType, !taken.contains(preferred) { return preferred }
        for candidate in Array(UInt8(96)...127) + Array(UInt8(35)...63) where !taken.contains(candidate) {
            return candidate
        }
        return nil
    }
}
