import Prometheus
import Synchronization

/// The agent's Prometheus metrics, one method per event, kept in a
/// `PrometheusCollectorRegistry` that the caller owns and that `GET /metrics` renders.
///
/// It uses the registry directly rather than swift-metrics' `MetricsSystem`: nothing is
/// bootstrapped and no global state is touched, so several agents (or tests) in one process
/// each count on their own registry, and the metrics keep Prometheus help text and the
/// histogram buckets below. The agent may register its own metrics in the same registry.
///
/// Series (all names prefixed `intercom_`):
///
/// | Name                                   | Type      | Labels             |
/// |----------------------------------------|-----------|--------------------|
/// | `calls_total`                          | counter   | direction, result  |
/// | `call_failures_total`                  | counter   | reason             |
/// | `calls_active`                         | gauge     |                    |
/// | `call_duration_seconds`                | histogram |                    |
/// | `rtp_packets_received_total`           | counter   |                    |
/// | `rtp_packets_lost_total`               | counter   |                    |
/// | `rtp_jitter_seconds`                   | gauge     |                    |
/// | `registrations`                        | gauge     | account            |
/// | `registration_failures_total`          | counter   | account            |
/// | `door_actions_total`                   | counter   | door, result       |
/// | `door_wrong_codes_total`               | counter   |                    |
/// | `lockouts_total`                       | counter   |                    |
/// | `audio_late_cycles_total`              | counter   |                    |
///
/// Every `direction`/`result` pair of `calls_total`, and the per-account and per-door series
/// of the names given to ``init(registry:accounts:doors:)``, exist from the start at 0, so
/// that `rate()` and alerts see them before the first event. Label values that are names
/// (`reason`, `account`, `door`) are capped at 64 characters and at a fixed number of
/// distinct values (32 reasons, 64 accounts, 64 doors); beyond that they count as `other`.
/// Negative or non-finite amounts are ignored.
///
/// - warning: The registry traps (in swift-prometheus) when one name is registered twice with
///   different types or help texts, so give each `IntercomMetrics` its own registry, or one
///   whose other metrics do not use the `intercom_` prefix. Every method takes locks: call
///   them from the agent's tasks, not from the audio thread.
public final class IntercomMetrics: Sendable {
    /// The registry the metrics live in; `GET /metrics` emits all of it.
    public let registry: PrometheusCollectorRegistry

    /// Upper bounds of `intercom_call_duration_seconds` buckets [s].
    public static let callDurationBuckets: [Double] = [1, 5, 10, 30, 60, 120, 300, 600, 1800, 3600]

    private let callsActive: Gauge
    private let callDuration: ValueHistogram
    private let rtpPacketsReceived: Counter
    private let rtpPacketsLost: Counter
    private let rtpJitter: Gauge
    private let wrongCodes: Counter
    private let lockouts: Counter
    private let audioLateCycles: Counter
    /// Calls started and not yet ended, so that `calls_active` never goes below 0 when an
    /// end arrives without its start.
    private let activeCalls = Mutex(0)
    private let reasons = BoundedLabelValues(limit: 32)
    private let accounts = BoundedLabelValues(limit: 64)
    private let doors = BoundedLabelValues(limit: 64)

    /// - Parameters:
    ///   - registry: where the metrics are registered (and rendered from).
    ///   - accounts: configured account names, whose series start at 0.
    ///   - doors: configured door names, whose series start at 0.
    public init(registry: PrometheusCollectorRegistry, accounts: [String] = [], doors: [String] = []) {
        self.registry = registry
        callsActive = registry.makeGauge(descriptor: Self.callsActiveName)
        callDuration = registry.makeValueHistogram(
            descriptor: Self.callDurationName, buckets: Self.callDurationBuckets)
        rtpPacketsReceived = registry.makeCounter(descriptor: Self.rtpPacketsReceivedName)
        rtpPacketsLost = registry.makeCounter(descriptor: Self.rtpPacketsLostName)
        rtpJitter = registry.makeGauge(descriptor: Self.rtpJitterName)
        wrongCodes = registry.makeCounter(descriptor: Self.wrongCodesName)
        lockouts = registry.makeCounter(descriptor: Self.lockoutsName)
        audioLateCycles = registry.makeCounter(descriptor: Self.audioLateCyclesName)
        for direction in CallDirection.allCases {
            for result in CallResult.allCases {
                _ = callsCounter(direction: direction, result: result)
            }
        }
        for account in accounts {
            let label = self.accounts.admit(account)
            registrationGauge(account: label).set(0.0)
            _ = registrationFailuresCounter(account: label)
        }
        for door in doors {
            let label = self.doors.admit(door)
            for result in DoorActionResult.allCases {
                _ = doorActionsCounter(door: label, result: result)
            }
        }
    }

    /// The Prometheus text exposition (version 0.0.4) of the whole registry.
    public func exposition() -> [UInt8] {
        registry.emitToBuffer()
    }

    // MARK: Calls

    /// A call began: an INVITE came in and is being handled, or one went out.
    /// Pair each with one ``callEnded(direction:result:duration:)``.
    public func callStarted(direction: CallDirection) {
        let active = activeCalls.withLock { active in
            active += 1
            return active
        }
        callsActive.set(to: Double(active))
    }

    /// A call that ``callStarted(direction:)`` reported is over. Counts it under its result
    /// and, when it was answered, records its length in `intercom_call_duration_seconds`.
    /// - Parameter duration: from the INVITE to the end.
    public func callEnded(direction: CallDirection, result: CallResult, duration: Duration) {
        callsCounter(direction: direction, result: result).increment()
        let active = activeCalls.withLock { active in
            active = max(0, active - 1)
            return active
        }
        callsActive.set(to: Double(active))
        if result == .answered {
            let seconds = Double(duration.components.seconds)
                + Double(duration.components.attoseconds) / 1e18
            if seconds.isFinite, seconds >= 0 {
                callDuration.record(seconds)
            }
        }
    }

    /// Why a call failed, as a short fixed word or a SIP status (`timeout`, `no-media`,
    /// `transport`, `503`). Reported alongside ``callEnded(direction:result:duration:)``
    /// with ``CallResult/failed``, and alone for calls that failed before they began.
    public func callFailed(reason: String) {
        registry.makeCounter(
            descriptor: Self.callFailuresName, labels: [("reason", reasons.admit(reason))]
        ).increment()
    }

    // MARK: RTP

    /// RTP packets received since the last report (a delta, not a total).
    public func rtpPacketsReceived(_ count: Int) {
        if count > 0 {
            rtpPacketsReceived.increment(by: Int64(count))
        }
    }

    /// RTP packets found lost since the last report (a delta; negative values, which RFC 3550
    /// allows for duplicates, are ignored).
    public func rtpPacketsLost(_ count: Int) {
        if count > 0 {
            rtpPacketsLost.increment(by: Int64(count))
        }
    }

    /// The current interarrival jitter (RFC 3550 §6.4.1) [s].
    public func rtpJitterMeasured(seconds: Double) {
        if seconds.isFinite, seconds >= 0 {
            rtpJitter.set(to: seconds)
        }
    }

    // MARK: Registrations

    /// The account's registration was accepted (2xx): `intercom_registrations{account}` is 1.
    public func registered(account: String) {
        registrationGauge(account: accounts.admit(account)).set(1.0)
    }

    /// The account is no longer registered on purpose (shutdown, expiry not renewed): 0.
    public func unregistered(account: String) {
        registrationGauge(account: accounts.admit(account)).set(0.0)
    }

    /// A REGISTER failed (final error response or no response): counts it and sets the
    /// account's `intercom_registrations` to 0.
    public func registrationFailed(account: String) {
        let label = accounts.admit(account)
        registrationFailuresCounter(account: label).increment()
        registrationGauge(account: label).set(0.0)
    }

    // MARK: Doors

    /// The door's action fired.
    public func doorOpened(door: String) {
        doorActionsCounter(door: doors.admit(door), result: .opened).increment()
    }

    /// The door's action was tried and failed.
    public func doorFailed(door: String) {
        doorActionsCounter(door: doors.admit(door), result: .failed).increment()
    }

    /// A request to open the door was refused (code not for this caller, caller locked out).
    public func doorDenied(door: String) {
        doorActionsCounter(door: doors.admit(door), result: .denied).increment()
    }

    /// A caller entered a code that opens no door.
    public func wrongCode() {
        wrongCodes.increment()
    }

    /// A caller was locked out after too many wrong codes.
    public func callerLockedOut() {
        lockouts.increment()
    }

    // MARK: Audio

    /// Audio engine cycles that missed their deadline since the last report (a delta).
    public func audioCyclesLate(_ count: Int) {
        if count > 0 {
            audioLateCycles.increment(by: Int64(count))
        }
    }

    // MARK: Series

    private func callsCounter(direction: CallDirection, result: CallResult) -> Counter {
        registry.makeCounter(
            descriptor: Self.callsName,
            labels: [("direction", direction.rawValue), ("result", result.rawValue)])
    }

    private func registrationGauge(account: String) -> Gauge {
        registry.makeGauge(descriptor: Self.registrationsName, labels: [("account", account)])
    }

    private func registrationFailuresCounter(account: String) -> Counter {
        registry.makeCounter(descriptor: Self.registrationFailuresName, labels: [("account", account)])
    }

    private func doorActionsCounter(door: String, result: DoorActionResult) -> Counter {
        registry.makeCounter(
            descriptor: Self.doorActionsName, labels: [("door", door), ("result", result.rawValue)])
    }

    // MARK: Names
    // Computed, because swift-prometheus' MetricNameDescriptor is not Sendable; the registry
    // requires the same help text for every series of one name, which these guarantee.

    private static func name(_ metricName: String, _ unit: String, _ help: String) -> MetricNameDescriptor {
        MetricNameDescriptor(namespace: "intercom", metricName: metricName, unitName: unit, helpText: help)
    }

    private static var callsName: MetricNameDescriptor {
        name("calls", "total", "Calls ended, by direction and result.")
    }
    private static var callFailuresName: MetricNameDescriptor {
        name("call_failures", "total", "Call failures, by reason.")
    }
    private static var callsActiveName: MetricNameDescriptor {
        name("calls_active", "", "Calls in progress.")
    }
    private static var callDurationName: MetricNameDescriptor {
        name("call_duration", "seconds", "Length of answered calls, INVITE to hang-up.")
    }
    private static var rtpPacketsReceivedName: MetricNameDescriptor {
        name("rtp_packets_received", "total", "RTP packets received.")
    }
    private static var rtpPacketsLostName: MetricNameDescriptor {
        name("rtp_packets_lost", "total", "RTP packets lost (RFC 3550).")
    }
    private static var rtpJitterName: MetricNameDescriptor {
        name("rtp_jitter", "seconds", "Latest RTP interarrival jitter (RFC 3550).")
    }
    private static var registrationsName: MetricNameDescriptor {
        name("registrations", "", "1 when the account is registered, else 0.")
    }
    private static var registrationFailuresName: MetricNameDescriptor {
        name("registration_failures", "total", "Failed REGISTER attempts, by account.")
    }
    private static var doorActionsName: MetricNameDescriptor {
        name("door_actions", "total", "Door open requests, by door and result.")
    }
    private static var wrongCodesName: MetricNameDescriptor {
        name("door_wrong_codes", "total", "Door codes entered that open no door.")
    }
    private static var lockoutsName: MetricNameDescriptor {
        name("lockouts", "total", "Callers locked out after wrong codes.")
    }
    private static var audioLateCyclesName: MetricNameDescriptor {
        name("audio_late_cycles", "total", "Audio engine cycles that missed their deadline.")
    }
}
