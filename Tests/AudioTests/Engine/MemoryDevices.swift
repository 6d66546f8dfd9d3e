import Audio
import Synchronization

/// A finite microphone in memory for engine tests: hands out `samples` period by period as
/// fast as it is asked, then reports the end; can be told to fail after some reads.
final class MemoryCaptureDevice: AudioCaptureDevice, @unchecked Sendable {
    let format: AudioFormat
    private let samples: [Int16]
    private var position = 0
    private let failAfterReads: Int?
    private var reads = 0
    let captureDelay: Int

    init(format: AudioFormat, samples: [Int16], failAfterReads: Int? = nil, captureDelay: Int = 0) {
        self.format = format
        self.samples = samples
        self.failAfterReads = failAfterReads
        self.captureDelay = captureDelay
    }

    func read(into buffer: UnsafeMutableBufferPointer<Int16>) throws(AudioDeviceError) -> Int {
        reads += 1
        if let failAfterReads, reads > failAfterReads {
            throw AudioDeviceError(device: "memory", operation: "read", code: -19, reason: "device unplugged")
        }
        let count = min(buffer.count, samples.count - position)
        for index in 0..<buffer.count { buffer[index] = index < count ? samples[position + index] : 0 }
        position += count
        return count / format.channels
    }

    func delayFrames() -> Int { captureDelay }
    func close() {}
}

/// A loudspeaker in memory for engine tests: keeps everything written; reports a fixed delay.
final class MemoryPlaybackDevice: AudioPlaybackDevice, @unchecked Sendable {
    let format: AudioFormat
    private(set) var written: [Int16] = []
    let playbackDelay: Int
    private let closedFlag = Atomic<Bool>(false)
    var closed: Bool { closedFlag.load(ordering: .relaxed) }

    init(format: AudioFormat, playbackDelay: Int = 0) {
        self.format = format
        self.playbackDelay = playbackDelay
        written.reserveCapacity(1 << 20)
    }

    func write(_ samples: UnsafeBufferPointer<Int16>) throws(AudioDeviceError) -> Int {
        written.append(contentsOf: samples)
        return samples.count / format.channels
    }

    func delayFrames() -> Int { playbackDelay }
    func close() { closedFlag.store(true, ordering: .relaxed) }
}
