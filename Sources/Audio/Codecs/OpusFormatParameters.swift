/// The `a=fmtp` parameters of an Opus payload type (RFC 7587 §6.1) that change what we send
/// or expect: the peer's maximum playback rate, whether it wants stereo, in-band FEC, DTX and a
/// maximum average bit rate.
public struct OpusFormatParameters: Sendable, Hashable {
    /// `maxplaybackrate`: the highest rate the receiver renders (8000-48000); encode no wider.
    public var maxPlaybackRate: Int32 = 48_000
    /// `sprop-maxcapturerate`: the highest rate the sender captures.
    public var maxCaptureRate: Int32 = 48_000
    /// `stereo`: whether the receiver prefers stereo.
    public var stereo = false
    /// `useinbandfec`: whether the receiver can use in-band FEC (so the sender should send it).
    public var useInbandFEC = false
    /// `usedtx`: whether the receiver prefers DTX.
    public var useDTX = false
    /// `maxaveragebitrate` in bit/s, if given (6000-510000).
    public var maxAverageBitrate: Int32?
    /// `cbr`: whether the receiver prefers a constant bit rate.
    public var constantBitrate = false

    public init() {}

    /// Parses an fmtp value such as `minptime=10;useinbandfec=1; maxplaybackrate=16000`.
    /// Parameters this type does not know are ignored (RFC 7587 §6.1: "unknown parameters
    /// MUST be ignored").
    ///
    /// - Throws: ``OpusError`` naming the parameter whose value is not allowed.
    public init(fmtp: String) throws(OpusError) {
        for item in fmtp.split(separator: ";") {
            let pair = item.split(separator: "=", maxSplits: 1).map { String($0).filter { $0 != " " && $0 != "\t" } }
            guard pair.count == 2, !pair[0].isEmpty else { continue }
            let name = pair[0].lowercased()
            let value = pair[1]
            switch name {
            case "maxplaybackrate": maxPlaybackRate = try Self.integer(value, name, 8_000...48_000)
            case "sprop-maxcapturerate": maxCaptureRate = try Self.integer(value, name, 8_000...48_000)
            case "maxaveragebitrate": maxAverageBitrate = try Self.integer(value, name, 6_000...510_000)
            case "stereo": stereo = try Self.flag(value, name)
            case "useinbandfec": useInbandFEC = try Self.flag(value, name)
            case "usedtx": useDTX = try Self.flag(value, name)
            case "cbr": constantBitrate = try Self.flag(value, name)
            default: continue
            }
        }
    }

    /// The fmtp value that says these parameters, in a fixed order.
    public var fmtp: String {
        var items = ["maxplaybackrate=\(maxPlaybackRate)"]
        if maxCaptureRate != 48_000 { items.append("sprop-maxcapturerate=\(maxCaptureRate)") }
        items.append("stereo=\(stereo ? 1 : 0)")
        items.append("useinbandfec=\(useInbandFEC ? 1 : 0)")
        if useDTX { items.append("usedtx=1") }
        if let maxAverageBitrate { items.append("maxaveragebitrate=\(maxAverageBitrate)") }
        if constantBitrate { items.append("cbr=1") }
        return items.joined(separator: ";")
    }

    /// The encoder settings for sending to a receiver that gave these parameters: FEC and DTX
    /// as it asks, no more bit rate than it allows, mono unless it asks for stereo.
    public func encoderConfiguration(sampleRate: Int32 = 48_000, expectedLossPercent: Int32 = 10) -> OpusConfiguration {
        OpusConfiguration(
            sampleRate: sampleRate, channels: stereo ? 2 : 1, bitrate: maxAverageBitrate, inbandFEC: useInbandFEC, dtx: useDTX,
            expectedLossPercent: expectedLossPercent)
    }

    private static func integer(_ value: String, _ name: String, _ range: ClosedRange<Int32>) throws(OpusError) -> Int32 {
        guard let number = Int32(value), range.contains(number) else {
            throw OpusError(code: nil, "fmtp \(name)=\(value): expected a number in \(range.lowerBound)...\(range.upperBound)")
        }
        return number
    }

    private static func flag(_ value: String, _ name: String) throws(OpusError) -> Bool {
        switch value {
        case "0": return false
        case "1": return true
        default: throw OpusError(code: nil, "fmtp \(name)=\(value): expected 0 or 1")
        }
    }
}
