/// One ctrl_tcp event of baresip: `{"event":true,"type":"CALL_ESTABLISHED","param":...}`.
public struct BaresipEvent: Sendable, CustomStringConvertible {
    /// CALL_INCOMING, CALL_RINGING, CALL_ESTABLISHED, CALL_CLOSED, REGISTER_OK...
    public let type: String
    /// The event's parameter: for CALL_CLOSED the reason (`486 Busy Here`, `Connection reset by user`).
    public let param: String
    public let peerURI: String
    /// The account's address of record (`accountaor`): which account of the instance it is about.
    public let accountAOR: String

    public init(type: String, param: String, peerURI: String, accountAOR: String = "") {
        self.type = type
        self.param = param
        self.peerURI = peerURI
        self.accountAOR = accountAOR
    }

    public var description: String { "\(type)(\(param))" }
}
