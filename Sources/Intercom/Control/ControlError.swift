/// A refusal from the agent to a control request: the HTTP status to answer with and a reason
/// for a human, sent as `{"error": reason}`.
///
/// The agent uses 400 (the request makes no sense: not a SIP URI), 404 (no such call, button
/// or door), 409 (not now: the door is already opening, the button's call is up) and 503 (the
/// agent cannot do it at all right now: no registration, shutting down). A status outside
/// 400...599 is answered as 500.
public struct ControlError: Error, Sendable, Hashable, CustomStringConvertible {
    /// The HTTP status code of the response (400, 404, 409, 503).
    public var status: Int
    /// Why, for the person or script that sent the request.
    public var reason: String

    public init(status: Int, reason: String) {
        self.status = status
        self.reason = reason
    }

    /// 400: the request's content is wrong.
    public static func badRequest(_ reason: String) -> ControlError {
        ControlError(status: 400, reason: reason)
    }

    /// 404: no call, button or door by that name.
    public static func notFound(_ reason: String) -> ControlError {
        ControlError(status: 404, reason: reason)
    }

    /// 409: the request conflicts with what is happening now.
    public static func conflict(_ reason: String) -> ControlError {
        ControlError(status: 409, reason: reason)
    }

    /// 503: the agent cannot serve this request at the moment.
    public static func unavailable(_ reason: String) -> ControlError {
        ControlError(status: 503, reason: reason)
    }

    public var description: String { "\(status) \(reason)" }
}
