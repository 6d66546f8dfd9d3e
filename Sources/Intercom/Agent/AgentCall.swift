import Audio
import NIOCore
import RTP
import SDP
import SIPStack
import SRTP

/// What the agent keeps about one call (on its event loop).
final class AgentCall: @unchecked Sendable {
    enum Direction: String, Sendable {
        case incoming = "in"
        case outgoing = "out"
    }

    let handle: SIPCallHandle
    let direction: Direction
    /// The caller's (incoming) or callee's (outgoing) URI.
    let remoteURI: String
    /// Where the INVITE came from (incoming).
    let source: SocketAddress?
    let started: NIODeadline
    var answered: NIODeadline?
    var negotiator: SDPNegotiator
    /// Our SDES policy and keys for this call (nil: plain RTP), the same in every offer and
    /// answer of the call.
    let security: SDPMediaSecurity?
    /// The SRTP protector installed on ``session``, once a negotiation agreed on crypto.
    var protector: SRTPProtector?
    var session: RTPSession?
    var router = RTPEventRouter()
    var media: CallMedia?
    /// The engine playing ringback while an outgoing call rings.
    var ringbackEngine: AudioEngine?
    var timers: [Scheduled<Void>] = []
    /// Whether the peer is to send media, by the last offer/answer (not when it holds with
    /// `sendonly` or `inactive`): what the ``MediaWatchdog`` expects.
    var peerSends = true
    /// Whether the peer has gone silent for too long, fed while media runs.
    var mediaWatchdog: MediaWatchdog?
    /// Reads the session's counters for ``mediaWatchdog`` once a second.
    var watchdog: RepeatedTask?
    /// Hung up by the ``MediaWatchdog``: the call ends as a timeout.
    var mediaTimedOut = false
    /// Hung up because the audio engine stopped on a device error: the call ends as failed.
    var audioFailed = false
    /// The button whose press placed this call, and its attempt group.
    var attempt: ButtonAttempt?
    var ending = false
    /// An outgoing call given up (ring timeout, or another target answered): its press has
    /// moved on already.
    var abandoned = false

    init(handle: SIPCallHandle, direction: Direction, remoteURI: String, source: SocketAddress?, started: NIODeadline, negotiator: SDPNegotiator, security: SDPMediaSecurity?) {
        self.handle = handle
        self.direction = direction
        self.remoteURI = remoteURI
        self.source = source
        self.started = started
        self.negotiator = negotiator
        self.security = security
    }

    /// Our media description for an offer or answer of this call on `port`.
    func localMedia(address: String, port: Int, audio: AudioConfiguration) -> SDPLocalMedia {
        SDPLocalMedia(address: address, port: UInt16(clamping: port), codecs: CallMedia.localCodecs(audio), security: security)
    }

    var id: String { "\(handle)" }
}

