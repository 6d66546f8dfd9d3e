/// The RTP module: RTP and RTCP (RFC 3550), telephone events (RFC 4733), the jitter buffer
/// between the network thread and the audio thread, and G.711.
public enum RTP {}
