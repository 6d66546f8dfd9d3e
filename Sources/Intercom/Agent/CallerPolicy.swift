import NIOCore

/// Who may call the door and who may use which code: the allow list of the configuration
/// (URI patterns and source networks) as matchers.
struct CallerPolicy: Sendable {
    private let patterns: [URIPattern]
    private let networks: [NetworkBlock]
    /// Whether there is no allow list (everyone is answered).
    let allowsEveryone: Bool

    init(_ allow: AllowList?) {
        allowsEveryone = allow == nil
        patterns = (allow?.uris ?? []).map(URIPattern.init)
        networks = (allow?.networks ?? []).compactMap(NetworkBlock.init)
    }

    /// Whether a caller with this From URI, whose INVITE came from `source`, is answered.
    func allows(uri: String, source: SocketAddress) -> Bool {
        if allowsEveryone { return true }
        return patterns.contains { $0.matches(uri) } || networks.contains { $0.contains(source) }
    }
}
