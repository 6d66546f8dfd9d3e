import NIOCore

extension DigestChallenger {
    /// What a ``DigestChallenger`` offers and how long its nonces live (RFC 3261 §22.3,
    /// RFC 7616 §3.3, RFC 8760 §2).
    public struct Configuration: Sendable, Hashable {
        /// The protection space, shown to users (`realm`), such as the PBX's domain.
        public var realm: String
        /// The algorithms offered, one challenge each, most preferred first (RFC 8760 §2: the
        /// server lists its preferred algorithm first).
        public var algorithms: [DigestAlgorithm]
        /// The qop values offered; `auth` by default.
        public var qopOptions: [DigestQOP]
        /// How long a nonce is accepted after it was issued; an older one gets `stale=true`.
        public var nonceLifetime: TimeAmount
        /// How many used nonces the replay table tracks (their highest `nc`).
        public var maximumTrackedNonces: Int
        /// Whether this is a proxy: challenges go in Proxy-Authenticate with 407 and are
        /// answered in Proxy-Authorization; otherwise WWW-Authenticate, 401, Authorization.
        public var isProxy: Bool

        public init(
            realm: String,
            algorithms: [DigestAlgorithm] = [.sha256, .md5],
            qopOptions: [DigestQOP] = [.auth],
            nonceLifetime: TimeAmount = .seconds(300),
            maximumTrackedNonces: Int = 1024,
            isProxy: Bool = false
        ) {
            self.realm = realm
            self.algorithms = algorithms
            self.qopOptions = qopOptions
            self.nonceLifetime = nonceLifetime
            self.maximumTrackedNonces = maximumTrackedNonces
            self.isProxy = isProxy
        }
    }
}
