/// The RTCP transmission interval of RFC 3550 §6.3.1 and A.7: RTCP takes 5 % of the session
/// bandwidth, a quarter of it for senders, with a minimum interval (5 s, halved before the
/// first report) and a random factor in [0.5, 1.5] divided by e − 3/2 so that reports do not
/// synchronise.
public struct RTCPInterval: Sendable, Hashable {
    /// The minimum interval in seconds (RFC 3550 §6.2 recommends 5).
    public var minimumSeconds: Double
    /// The RTCP bandwidth in octets per second (5 % of the session bandwidth).
    public var rtcpBandwidth: Double

    /// The longest interval ever returned, one day, so that odd settings cannot overflow a
    /// timer.
    public static let maximumSeconds: Double = 86_400

    /// The compensation of A.7: e − 3/2.
    public static let compensation = 2.718_281_828_459_045 - 1.5

    /// An interval rule for a session of `sessionBandwidth` bits per second.
    public init(minimumSeconds: Double = 5, sessionBandwidth: Double = 64_000) {
        self.minimumSeconds = minimumSeconds
        self.rtcpBandwidth = sessionBandwidth / 8 * 0.05
    }

    /// The deterministic part of A.7 before the random factor, in seconds.
    public func baseSeconds(members: Int, senders: Int, weSent: Bool, averageRTCPSize: Double, initial: Bool) -> Double {
        let minimum = initial ? minimumSeconds / 2 : minimumSeconds
        var count = Double(max(members, 1))
        var bandwidth = max(rtcpBandwidth, 1)
        if Double(senders) <= Double(members) * 0.25 {
            if weSent {
                bandwidth *= 0.25
                count = Double(max(senders, 1))
            } else {
                bandwidth *= 0.75
                count = Double(max(members - senders, 1))
            }
        }
        return max(count * averageRTCPSize / bandwidth, minimum)
    }

    /// The interval in seconds with the random factor `random` in [0.5, 1.5] (A.7 `rtcp_interval`).
    public func seconds(members: Int, senders: Int, weSent: Bool, averageRTCPSize: Double, initial: Bool, random: Double) -> Double {
        let value = baseSeconds(members: members, senders: senders, weSent: weSent, averageRTCPSize: averageRTCPSize, initial: initial)
            * min(max(random, 0.5), 1.5) / Self.compensation
        return value.isNaN ? Self.maximumSeconds : min(value, Self.maximumSeconds)
    }

    /// The interval with a random factor from `generator`, as a `Duration`.
    public func next(
        members: Int, senders: Int, weSent: Bool, averageRTCPSize: Double, initial: Bool,
        using generator: inout some RandomNumberGenerator
    ) -> Duration {
        let value = seconds(
            members: members, senders: senders, weSent: weSent, averageRTCPSize: averageRTCPSize, initial: initial,
            random: Double.random(in: 0.5...1.5, using: &generator))
        return .nanoseconds(Int64(value * 1e9))
    }
}
