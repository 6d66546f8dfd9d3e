import SIPMessage

/// An Authorization or Proxy-Authorization header value answering a digest challenge
/// (RFC 3261 §22.2 and §25.1 `digest-response`, RFC 7616 §3.4), ready to add to the retried
/// request with `buffer.writeSIPHeader(authorization.headerName, authorization.value)`.
///
/// - warning: ``value`` and ``response`` are credentials: whoever holds them can replay the
///   request. ``description``, ``debugDescription`` and `dump` show neither, nor the user name.
public struct DigestAuthorization: Sendable, Hashable, CustomStringConvertible,
    CustomDebugStringConvertible, CustomReflectable
{
    /// `Authorization` for a 401 challenge, `Proxy-Authorization` for a 407 one.
    public let headerName: SIPHeaderName
    /// The header value, `Digest username="...", realm="...", ...`.
    public let value: String
    /// The realm answered.
    public let realm: String
    /// The algorithm used.
    public let algorithm: DigestAlgorithm
    /// The qop used, or nil for the RFC 2069 form.
    public let qop: DigestQOP?
    /// The nonce count sent (`nc`), or nil without qop.
    public let nonceCount: UInt32?
    /// The request-digest (`response`), lower-case hex.
    public let response: String

    public var description: String {
        "DigestAuthorization(\(headerName), realm: \"\(realm)\", algorithm: \(algorithm), "
            + "qop: \(qop?.token ?? "none"), nc: \(nonceCount.map(String.init) ?? "none"), <credentials redacted>)"
    }

    public var debugDescription: String { description }

    public var customMirror: Mirror {
        Mirror(self, children: [
            "headerName": headerName, "realm": realm, "algorithm": algorithm,
            "qop": qop as Any, "nonceCount": nonceCount as Any,
        ], displayStyle: .struct)
    }
}
