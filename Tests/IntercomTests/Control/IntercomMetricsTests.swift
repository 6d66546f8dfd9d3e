import Intercom
import Prometheus
import Testing

@Suite("intercom metrics")
struct IntercomMetricsTests {
    let metrics = IntercomMetrics(registry: PrometheusCollectorRegistry(), accounts: ["pbx"], doors: ["front"])

    var series: [String: Double] {
        ControlTestSupport.series(String(decoding: metrics.exposition(), as: UTF8.self))
    }

    @Test("before any event, the known series exist at 0")
    func initialSeries() {
        let series = self.series
        #expect(series[#"intercom_calls_total{direction="in",result="answered"}"#] == 0)
        #expect(series[#"intercom_calls_total{direction="out",result="timeout"}"#] == 0)
        #expect(series.keys.filter { $0.hasPrefix("intercom_calls_total{") }.count == 12)
        #expect(series[#"intercom_registrations{account="pbx"}"#] == 0)
        #expect(series[#"intercom_registration_failures_total{account="pbx"}"#] == 0)
        #expect(series[#"intercom_door_actions_total{door="front",result="denied"}"#] == 0)
        #expect(series["intercom_calls_active"] == 0)
        #expect(series["intercom_call_duration_seconds_count"] == 0)
        #expect(series["intercom_lockouts_total"] == 0)
    }

    @Test("calls: totals by direction and result, active calls, durations of answered calls")
    func calls() {
        metrics.callStarted(direction: .incoming)
        metrics.callStarted(direction: .outgoing)
        #expect(series["intercom_calls_active"] == 2)
        metrics.callEnded(direction: .incoming, result: .answered, duration: .seconds(42))
        metrics.callEnded(direction: .outgoing, result: .busy, duration: .seconds(3))
        metrics.callFailed(reason: "503")
        metrics.callFailed(reason: "503")
        metrics.callFailed(reason: "no-media")
        let series = self.series
        #expect(series["intercom_calls_active"] == 0)
        #expect(series[#"intercom_calls_total{direction="in",result="answered"}"#] == 1)
        #expect(series[#"intercom_calls_total{direction="out",result="busy"}"#] == 1)
        #expect(series[#"intercom_calls_total{direction="out",result="answered"}"#] == 0)
        #expect(series["intercom_call_duration_seconds_count"] == 1)
        #expect(series["intercom_call_duration_seconds_sum"] == 42)
        #expect(series[#"intercom_call_duration_seconds_bucket{le="30.0"}"#] == 0)
        #expect(series[#"intercom_call_duration_seconds_bucket{le="60.0"}"#] == 1)
        #expect(series[#"intercom_call_duration_seconds_bucket{le="+Inf"}"#] == 1)
        #expect(series[#"intercom_call_failures_total{reason="503"}"#] == 2)
        #expect(series[#"intercom_call_failures_total{reason="no-media"}"#] == 1)
    }

    @Test("an end without a start does not drive calls_active below 0")
    func unmatchedEnd() {
        metrics.callEnded(direction: .incoming, result: .rejected, duration: .zero)
        #expect(series["intercom_calls_active"] == 0)
        #expect(series[#"intercom_calls_total{direction="in",result="rejected"}"#] == 1)
    }

    @Test("registrations: 1 when registered, 0 and a failure counted when it fails")
    func registrations() {
        metrics.registered(account: "pbx")
        #expect(series[#"intercom_registrations{account="pbx"}"#] == 1)
        metrics.registrationFailed(account: "pbx")
        metrics.registrationFailed(account: "backup")
        let series = self.series
        #expect(series[#"intercom_registrations{account="pbx"}"#] == 0)
        #expect(series[#"intercom_registration_failures_total{account="pbx"}"#] == 1)
        #expect(series[#"intercom_registration_failures_total{account="backup"}"#] == 1)
        metrics.registered(account: "backup")
        metrics.unregistered(account: "backup")
        #expect(self.series[#"intercom_registrations{account="backup"}"#] == 0)
    }

    @Test("doors, wrong codes and lockouts")
    func doors() {
        metrics.doorOpened(door: "front")
        metrics.doorOpened(door: "front")
        metrics.doorFailed(door: "front")
        metrics.doorDenied(door: "garage")
        metrics.wrongCode()
        metrics.wrongCode()
        metrics.wrongCode()
        metrics.callerLockedOut()
        let series = self.series
        #expect(series[#"intercom_door_actions_total{door="front",result="opened"}"#] == 2)
        #expect(series[#"intercom_door_actions_total{door="front",result="failed"}"#] == 1)
        #expect(series[#"intercom_door_actions_total{door="garage",result="denied"}"#] == 1)
        #expect(series["intercom_door_wrong_codes_total"] == 3)
        #expect(series["intercom_lockouts_total"] == 1)
    }

    @Test("RTP and audio counters add deltas; negative and non-finite values are ignored")
    func media() {
        metrics.rtpPacketsReceived(500)
        metrics.rtpPacketsReceived(250)
        metrics.rtpPacketsReceived(-3)
        metrics.rtpPacketsLost(4)
        metrics.rtpPacketsLost(-1)
        metrics.rtpJitterMeasured(seconds: 0.004)
        metrics.rtpJitterMeasured(seconds: .nan)
        metrics.rtpJitterMeasured(seconds: -1)
        metrics.audioCyclesLate(2)
        metrics.audioCyclesLate(0)
        let series = self.series
        #expect(series["intercom_rtp_packets_received_total"] == 750)
        #expect(series["intercom_rtp_packets_lost_total"] == 4)
        #expect(series["intercom_rtp_jitter_seconds"] == 0.004)
        #expect(series["intercom_audio_late_cycles_total"] == 2)
    }

    @Test("label values from outside are bounded in number and length")
    func boundedLabels() {
        for index in 0..<40 {
            metrics.callFailed(reason: "reason-\(index)")
        }
        metrics.callFailed(reason: String(repeating: "r", count: 500))
        let failures = series.filter { $0.key.hasPrefix("intercom_call_failures_total{") }
        #expect(failures.count == 33)
        #expect(failures[#"intercom_call_failures_total{reason="other"}"#] == 9)
        #expect(failures.keys.allSatisfy { $0.count < 120 })
    }

    @Test("label values are escaped in the exposition")
    func escaping() {
        metrics.doorOpened(door: "a\"b")
        #expect(series[#"intercom_door_actions_total{door="a\"b",result="opened"}"#] == 1)
    }

    @Test("every documented series name is there, with HELP and TYPE")
    func names() {
        let text = String(decoding: metrics.exposition(), as: UTF8.self)
        let names = [
            ("intercom_calls_total", "counter"), ("intercom_call_failures_total", "counter"),
            ("intercom_calls_active", "gauge"), ("intercom_call_duration_seconds", "histogram"),
            ("intercom_rtp_packets_received_total", "counter"), ("intercom_rtp_packets_lost_total", "counter"),
            ("intercom_rtp_jitter_seconds", "gauge"), ("intercom_registrations", "gauge"),
            ("intercom_registration_failures_total", "counter"), ("intercom_door_actions_total", "counter"),
            ("intercom_door_wrong_codes_total", "counter"), ("intercom_lockouts_total", "counter"),
            ("intercom_audio_late_cycles_total", "counter"),
        ]
        metrics.callFailed(reason: "x")
        let after = String(decoding: metrics.exposition(), as: UTF8.self)
        for (name, type) in names {
            #expect(after.contains("# TYPE \(name) \(type)\n"), "\(name)")
            #expect(after.contains("# HELP \(name) "), "\(name)")
        }
        #expect(!text.isEmpty)
    }
}
