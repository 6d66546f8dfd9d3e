/// SIPStack: transports, transactions (RFC 3261 §17), dialogs, digest authentication and
/// registration, built on ``SIPMessage``. See the DocC catalog for the layout of the module.
public enum SIPStackInfo {
    /// The product token this stack puts in User-Agent and Server headers.
    public static let product = "SwiftSIP/0.1"
}
