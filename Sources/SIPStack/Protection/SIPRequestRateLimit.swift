import NIOCore
import SIPMessage

/// How fast one source address may open new transactions (RFC 3261 leaves overload to the
/// implementation; RFC 5390 lists what a flood costs a SIP entity): a token bucket per source
/// IP address (the port is ignored, since a flooder picks ports freely) for the listed methods'
/// out-of-dialog requests. A request over the limit is dropped without a response, so a flood
/// is neither answered (no reflection) nor allowed to fill the transaction table and starve the
/// call in progress.
///
/// Sources in ``exempt`` (address and port, such as the registrar and outbound proxy a PBX
/// relays every call through) are never limited.
public struct SIPRequestRateLimit: Sendable, Hashable {
    /// The methods whose new requests are limited (INVITE, REGISTER, MESSAGE by default).
    public var methods: Set<SIPMethod>
    /// The sustained rate one source may reach [requests/s].
    public var requestsPerSecond: Double
    /// How many requests a source may send at once before the rate applies.
    public var burst: Int
    /// The most sources tracked at once; beyond it, a new source is refused until idle ones
    /// (whose bucket has refilled) are forgotten, so a flood from spoofed addresses costs a
    /// bounded amount of memory.
    public var maximumSources: Int
    /// Addresses (with port) never limited.
    public var exempt: Set<SocketAddress>

    public init(
        methods: Set<SIPMethod> = [.invite, .register, .message], requestsPerSecond: Double = 10, burst: Int = 20,
        maximumSources: Int = 1_024, exempt: Set<SocketAddress> = []
    ) {
        self.methods = methods
        self.requestsPerSecond = requestsPerSecond
        self.burst = burst
        self.maximumSources = maximumSources
        self.exempt = exempt
    }
}
