/// The options of `Benchmarks audio`, parsed by hand from its arguments.
///
/// ```
/// Benchmarks audio [--seconds S] [--codec opus|pcmu|pcma] [--device-rate HZ] [--channels N]
///                  [--mic FILE.wav] [--no-processing] [--json]
/// ```
struct AudioOptions: Sendable {
    /// Seconds of audio the engine runs through (as fast as it can).
    var seconds = 20.0
    /// The call's codec.
    var codec = "opus"
    /// The devices' rate and channels.
    var deviceRate = 48_000
    var channels = 1
    /// A 16 kHz mono WAV file played as the microphone (repeated to fill `seconds`); nil for
    /// a built-in speech-like signal.
    var micPath: String?
    /// Whether echo cancellation and noise suppression run.
    var processing = true
    /// Whether to print one JSON line instead of a readable one.
    var json = false

    /// The engine's period [µs]: a frame sent every 20 ms of the network's time.
    let periodMicroseconds = 20_000

    static let usage = """
        audio options:
          --seconds S                   audio run through the engine [default: 20]
          --codec opus|pcmu|pcma        the call's codec [default: opus]
          --device-rate HZ              8000, 16000, 32000 or 48000 [default: 48000]
          --channels N                  1 or 2 device channels [default: 1]
          --mic FILE.wav                the microphone signal (16 kHz mono; a built-in
                                        speech-like signal when absent)
          --no-processing               echo cancellation and noise suppression off
          --json                        print one JSON line:
                                        {"bench":"audio","codec":S,"device_rate":N,"channels":N,
                                        "cycles":N,"us_per_frame":F,"max_us_per_frame":F,
                                        "frame_ms":20,"allocs_per_frame":F,"decoded":N,...}

        """

    /// Parses the arguments that follow `audio`.
    init(arguments: ArraySlice<String>) throws(UsageError) {
        var reader = ArgumentReader(arguments)
        while let option = try reader.nextOption() {
            switch option {
            case "--seconds":
                seconds = try reader.positiveNumber(for: option, maximum: 3_600)
            case "--codec":
                codec = try reader.value(for: option)
                guard ["opus", "pcmu", "pcma"].contains(codec) else {
                    throw UsageError("--codec needs opus, pcmu or pcma, got '\(codec)'")
                }
            case "--device-rate":
                deviceRate = try reader.integer(for: option, in: 8_000...48_000)
            case "--channels":
                channels = try reader.integer(for: option, in: 1...2)
            case "--mic":
                micPath = try reader.value(for: option)
            case "--no-processing":
                try reader.flag(option)
                processing = false
            case "--json":
                try reader.flag(option)
                json = true
            default:
                throw UsageError("unknown option '\(option)' for audio")
            }
        }
    }
}
