/// Where requests to one URI may go (RFC 3263 §4, ``SIPServerLocator``), best first, and for
/// how long DNS lets the answer be used.
public struct SIPServerLocation: Sendable, Hashable {
    /// The servers, in the order to try them; never empty.
    public var destinations: [TransactionDestination]
    /// The shortest TTL, in seconds, of the DNS records the destinations came from; nil when
    /// none did (an IP literal, or a name found through /etc/hosts).
    public var timeToLive: UInt32?

    public init(destinations: [TransactionDestination], timeToLive: UInt32?) {
        self.destinations = destinations
        self.timeToLive = timeToLive
    }

    /// The shorter of two optional TTLs (nil: no limit).
    public static func shorter(_ a: UInt32?, _ b: UInt32?) -> UInt32? {
        switch (a, b) {
        case (nil, let other), (let other, nil): other
        case (let a?, let b?): min(a, b)
        }
    }
}
