import SIPMessage

extension IntercomConfiguration {
    /// The account a call to `target` is placed from, with its index in ``accounts``, or nil
    /// when there is no account (the call goes straight to the target) or `name` names none.
    ///
    /// - `name` given (a button's `account`): that account.
    /// - Else the first account whose registrar's host is the target's host (a door phone on
    ///   two PBXs calls each PBX's users through that PBX, with its credentials).
    /// - Else the first account.
    public func callingAccount(for target: String, named name: String? = nil) -> (index: Int, account: AccountConfiguration)? {
        if let name {
            return accounts.enumerated().first { $0.element.name == name }.map { ($0.offset, $0.element) }
        }
        guard let first = accounts.first else { return nil }
        if let host = Self.host(of: target) {
            for (index, account) in accounts.enumerated() where Self.host(of: account.registrar) == host {
                return (index, account)
            }
        }
        return (0, first)
    }

    /// A SIP URI's host, lower-cased; nil for text that is no SIP URI.
    private static func host(of uriText: String) -> String? {
        guard let uri = try? SIPURI(parsing: uriText) else { return nil }
        return uri.host.string.lowercased()
    }
}
