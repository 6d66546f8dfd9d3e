/// One account's registration (RFC 3261 §10) as `GET /status` shows it.
public struct RegistrationStatus: Sendable, Codable, Hashable {
    /// The account's name from the configuration (`accounts[].name`).
    public var account: String
    /// The registrar's URI.
    public var registrar: String
    /// `registered`, `registering`, `failed` or `unregistered`.
    public var state: String
    /// Time left until the binding expires [s]; nil when not registered.
    public var expiresInSeconds: Int?
    /// The last failure (a status line or a transport error), kept while the registration
    /// retries; nil once registered, or when it never failed.
    public var lastError: String?

    public init(
        account: String,
        registrar: String,
        state: String,
        expiresInSeconds: Int? = nil,
        lastError: String? = nil
    ) {
        self.account = account
        self.registrar = registrar
        self.state = state
        self.expiresInSeconds = expiresInSeconds
        self.lastError = lastError
    }
}
