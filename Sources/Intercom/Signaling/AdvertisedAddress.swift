import NIOCore

/// The address the agent names in Via and Contact when it listens on a wildcard address: a
/// peer cannot reach `0.0.0.0`.
enum AdvertisedAddress {
    /// `host` itself unless it is a wildcard; then the first non-loopback address of its
    /// family on an interface that is up, or the loopback address when there is none.
    static func choose(listeningOn host: String) -> String {
        let isIPv6 = host.contains(":")
        guard host == "0.0.0.0" || host == "::" else { return host }
        let devices = (try? System.enumerateDevices()) ?? []
        for device in devices {
            guard let address = device.address, let literal = address.ipAddress else { continue }
            if isIPv6 {
                guard case .v6 = address, literal != "::1", !literal.lowercased().hasPrefix("fe80") else { continue }
            } else {
                guard case .v4 = address, !literal.hasPrefix("127.") else { continue }
            }
            return literal
        }
        return isIPv6 ? "::1" : "127.0.0.1"
    }
}
