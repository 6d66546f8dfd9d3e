/// The options of `Benchmarks aec`, parsed by hand from its arguments.
///
/// ```
/// Benchmarks aec --far FAR.wav --mic MIC.wav [--near NEAR.wav] [--out OUT.wav] [--json]
///                [--canceller swiftsip|speex]
/// ```
struct AecOptions: Sendable {
    /// Which processor runs.
    enum Canceller: String, Sendable {
        /// `Audio.CaptureProcessor`, default settings.
        case swiftsip
        /// `Audio.SpeexCaptureProcessor` (speexdsp echo + preprocess), the baseline.
        case speex
    }

    /// The far-end reference (what the loudspeaker played).
    var farPath: String
    /// The microphone; `echo.wav`, `meta.json` (and `near.wav`) are read beside it.
    var micPath: String
    /// The clean near-end speech; default: `near.wav` beside the microphone file, if any.
    var nearPath: String?
    /// Where to write the processed output (16-bit WAV), if anywhere.
    var outPath: String?
    /// Whether to print one JSON line instead of the readable line.
    var json = false
    var canceller = Canceller.swiftsip

    /// Timed runs; the fastest is reported.
    static let timedRuns = 3

    static let usage = """
        aec options:
          --far FAR.wav                 far-end reference (what the loudspeaker played)
          --mic MIC.wav                 microphone; echo.wav, meta.json and near.wav are read from
                                        the same directory (a set of ../shared/aec-signals)
          --near NEAR.wav               clean near-end speech [default: near.wav beside --mic]
          --out OUT.wav                 write the processed output (for score_aec.py)
          --canceller swiftsip|speex    CaptureProcessor (default) or the speexdsp baseline
          --json                        print one JSON line:
                                        {"bench":"aec","set":NAME,"erle_db":F,"erle_last5s_db":F,
                                        "dt_snr_out_db":F|null,"dt_near_level_db":F|null,"rtf":F,...}

        """

    /// Parses the arguments that follow `aec`.
    init(arguments: ArraySlice<String>) throws(UsageError) {
        var reader = ArgumentReader(arguments)
        var far: String?
        var mic: String?
        while let option = try reader.nextOption() {
            switch option {
            case "--far":
                far = try reader.value(for: option)
            case "--mic":
                mic = try reader.value(for: option)
            case "--near":
                nearPath = try reader.value(for: option)
            case "--out":
                outPath = try reader.value(for: option)
            case "--json":
                try reader.flag(option)
                json = true
            case "--canceller":
                let name = try reader.value(for: option)
                guard let value = Canceller(rawValue: name) else {
                    throw UsageError("--canceller needs swiftsip or speex, got '\(name)'")
                }
                canceller = value
            default:
                throw UsageError("unknown option '\(option)' for aec")
            }
        }
        guard let far else { throw UsageError("aec needs --far FAR.wav") }
        guard let mic else { throw UsageError("aec needs --mic MIC.wav") }
        farPath = far
        micPath = mic
    }

    /// The directory of the microphone file (the signal set).
    var setDirectory: String {
        guard let slash = micPath.lastIndex(of: "/") else { return "." }
        return String(micPath[..<slash])
    }
}
