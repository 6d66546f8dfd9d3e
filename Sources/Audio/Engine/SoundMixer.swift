import Synchronization

/// Plays the engine's ``SoundClip``s into one signal path (the loudspeaker or the call):
/// other threads post "play clip i" or "stop" through an atomic; the audio thread picks the
/// command up at the next cycle and mixes the clip in with saturation. Clips are copied into
/// fixed memory at `init`.
final class SoundMixer: @unchecked Sendable {
    private let clips: [UnsafeMutableBufferPointer<Int16>]
    private let loops: [Bool]
    /// generation << 16 | (clip index + 1); 0 = stopped. Written by any thread.
    private let command = Atomic<Int>(0)
    /// Whether a clip is sounding, as the audio thread last saw it.
    let sounding = Atomic<Bool>(false)
    // Audio thread only.
    private var seen = 0
    private var current = -1
    private var position = 0

    init(clips: [SoundClip]) {
        self.clips = clips.map { clip in
            let buffer = UnsafeMutableBufferPointer<Int16>.allocate(capacity: max(clip.samples.count, 1))
            buffer.initialize(repeating: 0)
            _ = buffer.update(fromContentsOf: clip.samples)
            return UnsafeMutableBufferPointer(rebasing: buffer[0..<clip.samples.count])
        }
        self.loops = clips.map(\.loops)
    }

    deinit {
        for clip in clips { UnsafeMutableRawPointer(clip.baseAddress)?.deallocate() }
    }

    var count: Int { clips.count }

    /// Any thread: starts clip `index` from its beginning (false if there is no such clip).
    func play(_ index: Int) -> Bool {
        guard clips.indices.contains(index) else { return false }
        let generation = (command.load(ordering: .relaxed) >> 16) &+ 1
        command.store((generation << 16) | (index + 1), ordering: .releasing)
        sounding.store(true, ordering: .relaxed)
        return true
    }

    /// Any thread: silences this path.
    func stop() {
        let generation = (command.load(ordering: .relaxed) >> 16) &+ 1
        command.store(generation << 16, ordering: .releasing)
    }

    /// Audio thread: mixes the next `signal.count` samples of the current clip into `signal`.
    func mix(into signal: UnsafeMutableBufferPointer<Int16>) {
        let posted = command.load(ordering: .acquiring)
        if posted != seen {
            seen = posted
            current = (posted & 0xFFFF) - 1
            position = 0
        }
        guard current >= 0, current < clips.count else { return }
        let clip = clips[current]
        var index = 0
        while index < signal.count {
            if position >= clip.count {
                guard loops[current], clip.count > 0 else {
                    current = -1
                    sounding.store(false, ordering: .relaxed)
                    return
                }
                position = 0
            }
            let sum = Int32(signal[index]) + Int32(clip[position])
            signal[index] = Int16(clamping: sum)
            index += 1
            position += 1
        }
    }
}
