extension SDPConnection {
    /// A connection from its three fields (`IN IP4 192.0.2.1`); nil when they break RFC 8866
    /// §5.7: not three fields, a network type or address type that is not a token, or an
    /// address that is not a literal of its type nor a domain name.
    init?(fields: [String]) {
        guard fields.count == 3, SDPGrammar.isToken(fields[0]), SDPGrammar.isToken(fields[1]) else { return nil }
        let parts = fields[2].split(separator: "/", omittingEmptySubsequences: false)
        guard let address = parts.first, parts.count <= 3 else { return nil }
        var ttl: Int?
        var count: Int?
        switch fields[1].uppercased() {
        case "IP4":
            guard SDPGrammar.isIPv4(address) || (!address.allSatisfy({ $0.isNumber || $0 == "." }) && SDPGrammar.isHostName(address))
            else { return nil }
            if parts.count >= 2 {
                guard let value = SDPGrammar.decimal(parts[1]), value <= 255 else { return nil }
                ttl = Int(value)
            }
            if parts.count == 3 {
                guard let value = SDPGrammar.decimal(parts[2]), value > 0, value <= 65_535 else { return nil }
                count = Int(value)
            }
        case "IP6":
            guard SDPGrammar.isIPv6(address) || (!address.contains(":") && SDPGrammar.isHostName(address)), parts.count <= 2
            else { return nil }
            if parts.count == 2 {
                guard let value = SDPGrammar.decimal(parts[1]), value > 0, value <= 65_535 else { return nil }
                count = Int(value)
            }
        default:
            guard parts.count == 1, !address.isEmpty, !address.contains(where: { $0.isWhitespace }) else { return nil }
        }
        self.networkType = fields[0]
        self.addressType = fields[1]
        self.address = String(address)
        self.ttl = ttl
        self.addressCount = count
    }
}
