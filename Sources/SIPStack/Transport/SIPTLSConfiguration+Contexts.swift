import NIOCore
import NIOSSL

extension SIPTLSConfiguration {
    /// The context of a TLS or WSS listener: the certificate chain and key from their PEM
    /// files, and client certificates checked when ``requireClientCertificate`` is set.
    ///
    /// - Throws: ``SIPTransportError`` (`tlsConfiguration`) when no certificate or key is
    ///   configured or a file does not load.
    func makeServerContext() throws(SIPTransportError) -> NIOSSLContext {
        guard let chainFile = certificateChainFile, let keyFile = privateKeyFile else {
            throw SIPTransportError(.tlsConfiguration, "a TLS or WSS listener needs certificateChainFile and privateKeyFile")
        }
        do {
            let (chain, key) = try Self.loadIdentity(chainFile: chainFile, keyFile: keyFile)
            var configuration = TLSConfiguration.makeServerConfiguration(certificateChain: chain, privateKey: key)
            if requireClientCertificate {
                configuration.certificateVerification = .noHostnameVerification
                configuration.trustRoots = nioTrustRoots
            }
            return try NIOSSLContext(configuration: configuration)
        } catch let error as SIPTransportError {
            throw error
        } catch {
            throw SIPTransportError(.tlsConfiguration, "cannot set up the TLS listener: \(error)")
        }
    }

    /// The context of outgoing TLS and WSS connections.
    ///
    /// - Throws: ``SIPTransportError`` (`tlsConfiguration`) when a file does not load, or
    ///   when only one of the client certificate and key is set.
    func makeClientContext() throws(SIPTransportError) -> NIOSSLContext {
        var configuration = TLSConfiguration.makeClientConfiguration()
        configuration.trustRoots = nioTrustRoots
        switch verification {
        case .full: configuration.certificateVerification = .fullVerification
        case .chainOnly: configuration.certificateVerification = .noHostnameVerification
        case .disabled: configuration.certificateVerification = .none
        }
        do {
            switch (clientCertificateChainFile, clientPrivateKeyFile) {
            case (let chainFile?, let keyFile?):
                let (chain, key) = try Self.loadIdentity(chainFile: chainFile, keyFile: keyFile)
                configuration.certificateChain = chain
                configuration.privateKey = key
            case (nil, nil):
                break
            default:
                throw SIPTransportError(.tlsConfiguration, "a client certificate needs both its chain and its private key")
            }
            return try NIOSSLContext(configuration: configuration)
        } catch let error as SIPTransportError {
            throw error
        } catch {
            throw SIPTransportError(.tlsConfiguration, "cannot set up outgoing TLS: \(error)")
        }
    }

    /// The name for SNI and for the certificate check: ``serverName`` when it is a host name;
    /// nil when it is absent or an IP literal, which makes the check use the address
    /// connected to.
    var hostnameForHandshake: String? {
        guard let serverName, !serverName.isEmpty else { return nil }
        let bare = serverName.hasPrefix("[") && serverName.hasSuffix("]") ? String(serverName.dropFirst().dropLast()) : serverName
        if (try? SocketAddress(ipAddress: bare, port: 0)) != nil { return nil }
        return serverName
    }

    private var nioTrustRoots: NIOSSLTrustRoots {
        switch trustRoots {
        case .system: .default
        case .caFile(let path): .file(path)
        }
    }

    private static func loadIdentity(
        chainFile: String, keyFile: String
    ) throws -> (chain: [NIOSSLCertificateSource], key: NIOSSLPrivateKeySource) {
        let certificates = try NIOSSLCertificate.fromPEMFile(chainFile)
        guard !certificates.isEmpty else {
            throw SIPTransportError(.tlsConfiguration, "no certificate in \(chainFile)")
        }
        let key = try NIOSSLPrivateKey(file: keyFile, format: .pem)
        return (certificates.map { .certificate($0) }, .privateKey(key))
    }
}
