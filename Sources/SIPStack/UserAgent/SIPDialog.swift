import SIPMessage

/// The state of one dialog (RFC 3261 §12): its identifiers, sequence numbers, remote target
/// and route set, and how a request inside it is addressed (§12.2.1.1).
struct SIPDialog {
    /// Call-ID, local tag and remote tag: the dialog ID.
    let callID: String
    let localTag: String
    var remoteTag: String
    /// The local URI with our tag: From of our requests, To of our responses.
    var localField: String
    /// The remote URI with its tag: To of our requests.
    var remoteField: String
    /// Our CSeq: the last number used (§12.2.1.1 increments it per request).
    var localSeq: UInt32
    /// The peer's last CSeq, or nil until it sends a request (§12.2.2).
    var remoteSeq: UInt32?
    /// The Contact of the peer (§12.1.1, §12.1.2), refreshed by target refresh requests.
    var remoteTarget: String
    /// The Route values for requests in the dialog, in order.
    var routeSet: [String]
    /// The transport the dialog runs on, for a next hop whose URI names none.
    var transport: SIPTransportKind

    /// Request-URI, Route headers and next hop of a request in this dialog (§12.2.1.1): with
    /// no routes or a loose router first, the remote target is the Request-URI; a strict
    /// router first becomes the Request-URI and the remote target the last Route.
    func addressing() -> (requestURI: String, routes: [String], nextHop: String) {
        guard let first = routeSet.first else { return (remoteTarget, [], remoteTarget) }
        let firstURI = SIPDialog.uri(ofRouteValue: first)
        let isLoose = (try? SIPURI(parsing: firstURI))?.isLooseRouter ?? true
        if isLoose { return (remoteTarget, routeSet, firstURI) }
        return (firstURI, Array(routeSet.dropFirst()) + ["<\(remoteTarget)>"], firstURI)
    }

    /// The URI inside a Route or Record-Route value: `<sip:p1;lr>;x=y` gives `sip:p1;lr`.
    static func uri(ofRouteValue value: String) -> String {
        guard let open = value.firstIndex(of: "<"), let close = value[open...].firstIndex(of: ">") else {
            return value.trimmingCharacters(in: " \t")
        }
        return String(value[value.index(after: open)..<close])
    }

    /// Record-Route entries as Route values (each `<uri>` with its parameters), in header order.
    static func routeValues(of recordRoutes: [SIPNameAddress]) -> [String] {
        recordRoutes.map { entry in
            var value = "<\(entry.uri.string)>"
            for parameter in entry.parameters {
                value += ";" + parameter.name.string
                if let parameterValue = parameter.value { value += "=" + parameterValue.string }
            }
            return value
        }
    }
}
