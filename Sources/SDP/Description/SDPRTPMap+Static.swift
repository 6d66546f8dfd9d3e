extension SDPRTPMap {
    /// The static audio payload types of RFC 3551 §6 that an offer may list without an
    /// `a=rtpmap` line; nil for any other type.
    public static func staticAssignment(_ payloadType: UInt8) -> SDPRTPMap? {
        switch payloadType {
        case 0: SDPRTPMap(payloadType: 0, encodingName: "PCMU", clockRate: 8_000)
        case 3: SDPRTPMap(payloadType: 3, encodingName: "GSM", clockRate: 8_000)
        case 4: SDPRTPMap(payloadType: 4, encodingName: "G723", clockRate: 8_000)
        case 8: SDPRTPMap(payloadType: 8, encodingName: "PCMA", clockRate: 8_000)
        case 9: SDPRTPMap(payloadType: 9, encodingName: "G722", clockRate: 8_000)
        case 13: SDPRTPMap(payloadType: 13, encodingName: "CN", clockRate: 8_000)
        case 18: SDPRTPMap(payloadType: 18, encodingName: "G729", clockRate: 8_000)
        default: nil
        }
    }
}
