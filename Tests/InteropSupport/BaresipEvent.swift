/// One ctrl_tcp event of baresip: `{"event":true,"type":"CALL_ESTABLISHED","param":...}`.
struct BaresipEvent: Sendable, CustomStringConvertible {
    let type: String
    let param: String
    let peerURI: String

    var description: String { "\(type)(\(param))" }
}
