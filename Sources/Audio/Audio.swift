/// The Audio module: codecs through their C libraries (Opus), resampling (speexdsp), devices
/// (ALSA through CALSA, WAV files, null; named by ``AudioDeviceSpecification``), and in time
/// the echo canceller and the audio engine. It is the only module that uses the C shims of
/// CSupport/.
public enum Audio {}
