/// A call-progress or alert tone as a cadence: segments of one or two summed sine waves or
/// silence, played once or repeated. Rendered to a ``SoundClip`` before the audio thread
/// starts, so playing it costs a copy.
public struct TonePattern: Sendable, Hashable {
    /// One step of the cadence: the frequencies sounding (none for a pause) for `milliseconds`.
    public struct Segment: Sendable, Hashable {
        /// Frequencies summed [Hz]; empty for silence.
        public var frequencies: [Double]
        /// Length [ms].
        public var milliseconds: Int

        public init(_ frequencies: [Double], milliseconds: Int) {
            self.frequencies = frequencies
            self.milliseconds = milliseconds
        }

        /// A pause of `milliseconds`.
        public static func pause(_ milliseconds: Int) -> Segment { Segment([], milliseconds: milliseconds) }
    }

    /// The cadence.
    public var segments: [Segment]
    /// Whether the cadence repeats until stopped.
    public var repeats: Bool
    /// Level of the sum of the frequencies [dBFS, peak]; -12 by default.
    public var levelDBFS: Double

    public init(_ segments: [Segment], repeats: Bool, levelDBFS: Double = -12) {
        self.segments = segments
        self.repeats = repeats
        self.levelDBFS = levelDBFS
    }

    /// Ringback as most of Europe plays it (ETSI ES 201 970): 425 Hz, 1 s on, 4 s off.
    public static let ringbackEurope = TonePattern([Segment([425], milliseconds: 1_000), .pause(4_000)], repeats: true)
    /// North American ringback: 440 + 480 Hz, 2 s on, 4 s off.
    public static let ringbackNorthAmerica = TonePattern([Segment([440, 480], milliseconds: 2_000), .pause(4_000)], repeats: true)
    /// Busy as most of Europe plays it: 425 Hz, 0.5 s on, 0.5 s off.
    public static let busyEurope = TonePattern([Segment([425], milliseconds: 500), .pause(500)], repeats: true)
    /// North American busy: 480 + 620 Hz, 0.5 s on, 0.5 s off.
    public static let busyNorthAmerica = TonePattern([Segment([480, 620], milliseconds: 500), .pause(500)], repeats: true)
    /// A local ring for an incoming call: two short bursts of 800 + 1000 Hz, then 2 s of rest.
    public static let incomingRing = TonePattern(
        [Segment([800, 1_000], milliseconds: 400), .pause(200), Segment([800, 1_000], milliseconds: 400), .pause(2_000)],
        repeats: true)
    /// One 1 kHz beep of 200 ms.
    public static let beep = TonePattern([Segment([1_000], milliseconds: 200)], repeats: false)
    /// The door-opened chime: 660 Hz then 880 Hz, 150 ms each.
    public static let doorOpened = TonePattern(
        [Segment([660], milliseconds: 150), .pause(50), Segment([880], milliseconds: 150)], repeats: false)
}
