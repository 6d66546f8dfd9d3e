import Synchronization

/// A WAV file played as the microphone: tests, the echo benchmark, and an agent with no sound
/// card. A file of another rate is converted to the requested one when it is opened; a mono
/// file feeds every channel of a multichannel request, and a multichannel file is averaged into
/// a mono request. Other channel layouts fail the open with an error naming the file and both
/// formats.
///
/// At the end of the file the device either starts over (`looping`) or reads silence, and
/// `read` then returns how many frames of the buffer were real (``realFramesRead`` in total).
/// Paced, each `read` returns when a sound card would have captured its frames; unpaced, at
/// once.
///
/// The whole file is decoded and converted in `init`; `read` copies, allocating nothing.
///
/// - warning: Used from one thread after it is opened (the audio thread).
public final class WAVCaptureDevice: AudioCaptureDevice, @unchecked Sendable {
    public let format: AudioFormat
    /// The file path, or the name given with the samples.
    public let name: String
    /// Whether the file starts over at its end instead of giving way to silence.
    public let looping: Bool
    /// The file's frames, converted to ``format``.
    public var fileFrames: Int { samples.count / format.channels }
    /// Frames read that came from the file (not the silence after its end).
    public var realFramesRead: Int { realFrames.load(ordering: .relaxed) }

    private let samples: [Int16]
    private var position = 0
    private var pacer: DevicePacer
    private let realFrames = Atomic<Int>(0)
    private let closed = Atomic<Bool>(false)

    /// Plays `file` (already read; `name` is what errors call it) as a microphone of `format`.
    ///
    /// - Throws: ``AudioDeviceError`` when the channels or the rate cannot be converted.
    public init(
        file: WAVFile, name: String, format: AudioFormat, looping: Bool = false, pacing: AudioDevicePacing = .paced
    ) throws(AudioDeviceError) {
        guard format.channels >= 1, format.sampleRate >= 1 else {
            throw AudioDeviceError(device: name, operation: "open", reason: "cannot capture \(format)")
        }
        let fileChannels = file.format.channels
        guard fileChannels == format.channels || fileChannels == 1 || format.channels == 1 else {
            throw AudioDeviceError(
                device: name, operation: "open",
                reason: "the file is \(file.format), the device was asked for \(format)")
        }
        var converted: [Int16]
        if fileChannels == format.channels {
            converted = file.samples
        } else if fileChannels == 1 {
            var spread: [Int16] = []
            spread.reserveCapacity(file.samples.count * format.channels)
            for sample in file.samples {
                for _ in 0..<format.channels { spread.append(sample) }
            }
            converted = spread
        } else {
            var mixed: [Int16] = []
            mixed.reserveCapacity(file.frameCount)
            for frame in 0..<file.frameCount {
                var sum = 0
                for channel in 0..<fileChannels { sum += Int(file.samples[frame * fileChannels + channel]) }
                mixed.append(Int16(sum / fileChannels))
            }
            converted = mixed
        }
        if file.format.sampleRate != format.sampleRate {
            do {
                converted = try Resampler.convert(converted, channels: format.channels, from: file.format.sampleRate, to: format.sampleRate)
            } catch {
                throw AudioDeviceError(
                    device: name, operation: "open",
                    reason: "the file is \(file.format), the device was asked for \(format): \(error)")
            }
        }
        samples = converted
        self.format = format
        self.name = name
        self.looping = looping
        self.pacer = DevicePacer(pacing: pacing, sampleRate: format.sampleRate)
    }

    /// Reads the WAV file at `path` and plays it as a microphone of `format`.
    ///
    /// - Throws: ``AudioDeviceError`` naming the path when the file cannot be read or parsed
    ///   (with the byte offset) or does not match `format`.
    public convenience init(
        path: String, format: AudioFormat, looping: Bool = false, pacing: AudioDevicePacing = .paced
    ) throws(AudioDeviceError) {
        let file: WAVFile
        do {
            file = try WAVFile(contentsOf: path)
        } catch {
            throw AudioDeviceError(device: path, operation: "read WAV file", reason: error.description)
        }
        try self.init(file: file, name: path, format: format, looping: looping, pacing: pacing)
    }

    public func read(into buffer: UnsafeMutableBufferPointer<Int16>) throws(AudioDeviceError) -> Int {
        guard !closed.load(ordering: .relaxed) else {
            throw AudioDeviceError(device: name, operation: "read", reason: "the device is closed")
        }
        let channels = format.channels
        let frames = buffer.count / channels
        guard frames > 0, let base = buffer.baseAddress else { return 0 }
        let wanted = frames * channels
        var filled = 0
        samples.withUnsafeBufferPointer { source in
            guard let sourceBase = source.baseAddress else { return }
            while filled < wanted {
                if position == source.count {
                    guard looping else { break }
                    position = 0
                }
                let count = min(wanted - filled, source.count - position)
                (base + filled).update(from: sourceBase + position, count: count)
                filled += count
                position += count
            }
        }
        if filled < wanted { (base + filled).update(repeating: 0, count: wanted - filled) }
        let real = filled / channels
        realFrames.add(real, ordering: .relaxed)
        pacer.advance(by: frames)
        return real
    }

    /// Always 0: a file has no capture latency.
    public func delayFrames() -> Int { 0 }

    public func close() { closed.store(true, ordering: .relaxed) }
}
