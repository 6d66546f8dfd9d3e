/// An SR packet (RFC 3550 §6.4.1, PT 200): the sender's information and up to 31 report
/// blocks.
public struct RTCPSenderReport: Sendable, Hashable {
    /// The sender.
    public var ssrc: UInt32
    /// When and how much it sent.
    public var senderInfo: RTCPSenderInfo
    /// Reception reports (at most 31 are written).
    public var reports: [RTCPReportBlock]

    /// A sender report.
    public init(ssrc: UInt32, senderInfo: RTCPSenderInfo, reports: [RTCPReportBlock] = []) {
        self.ssrc = ssrc
        self.senderInfo = senderInfo
        self.reports = reports
    }
}

/// An RR packet (RFC 3550 §6.4.2, PT 201): report blocks from a participant that has not
/// sent RTP since the last report.
public struct RTCPReceiverReport: Sendable, Hashable {
    /// The reporter.
    public var ssrc: UInt32
    /// Reception reports (at most 31 are written).
    public var reports: [RTCPReportBlock]

    /// A receiver report.
    public init(ssrc: UInt32, reports: [RTCPReportBlock] = []) {
        self.ssrc = ssrc
        self.reports = reports
    }
}
