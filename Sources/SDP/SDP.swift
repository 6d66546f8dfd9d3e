/// The SDP module: session descriptions (RFC 8866) and the offer/answer model (RFC 3264).
/// It depends on NIOCore only; the SIP layers carry its bytes as message bodies.
public enum SDP {}
