extension SDPMediaDescription {
    /// The `a=crypto` lines of this media description that parse, in order; the others are
    /// skipped (an answerer ignores a line it cannot use, RFC 4568 §7.1.1).
    public var cryptoAttributes: [SDPCryptoAttribute] {
        attributes.compactMap { attribute in
            guard attribute.name.lowercased() == "crypto", let value = attribute.value else { return nil }
            return try? SDPCryptoAttribute(parsing: value)
        }
    }

    /// Whether the profile is secure RTP (`RTP/SAVP`, `RTP/SAVPF`, RFC 3711 §12).
    public var isSecureRTP: Bool {
        let proto = proto.uppercased()
        return proto == "RTP/SAVP" || proto == "RTP/SAVPF"
    }
}
