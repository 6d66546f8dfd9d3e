/// A processor may be handed to the capture thread: it is noncopyable, so whoever holds it
/// holds its buffers alone, and it touches no shared state.
extension CaptureProcessor: @unchecked Sendable {}

/// As for ``CaptureProcessor``: the speexdsp states belong to the one owner of the value.
extension SpeexCaptureProcessor: @unchecked Sendable {}
