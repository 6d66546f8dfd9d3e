/// The Audio module: codecs through their C libraries (Opus), resampling (speexdsp), and in
/// time devices, the echo canceller and the audio engine. It is the only module that uses the
/// C shims of CSupport/.
public enum Audio {}
