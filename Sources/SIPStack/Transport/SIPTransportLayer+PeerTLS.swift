import NIOCore

/// TLS settings per peer (RFC 5922 §4: the name a client verifies is the one it meant to reach):
/// an application that talks to several servers, each with its own name, trust anchor or client
/// certificate, gives each its own ``SIPTLSConfiguration`` for the outgoing TLS and WSS
/// connections to its address. Other peers get ``Configuration/tls``.
extension SIPTransportLayer {
    /// Uses `tls` (its trust roots, verification, server name and client certificate) for
    /// outgoing TLS and WSS connections to `address` from now on; nil goes back to
    /// ``Configuration/tls``. A connection already open keeps the settings it was made with.
    ///
    /// - warning: On ``eventLoop`` only.
    public func setOutgoingTLS(_ tls: SIPTLSConfiguration?, for address: SocketAddress) {
        eventLoop.preconditionInEventLoop()
        peerTLS[address] = tls
        peerTLSContexts[address] = nil
    }

    /// The settings outgoing TLS and WSS connections to `address` are made with.
    public func outgoingTLS(for address: SocketAddress) -> SIPTLSConfiguration {
        peerTLS[address] ?? configuration.tls
    }

    /// Why the connection to `destination` this layer opened last failed: its TLS handshake
    /// (the certificate or name problem), its connect (refused, timed out), or an error that
    /// closed it later (a TLS alert after the handshake, such as a client certificate the
    /// server refused); nil when none failed since the last attempt began. For TCP-based
    /// transports only; UDP has no connection.
    ///
    /// - warning: On ``eventLoop`` only.
    public func lastConnectionFailure(to destination: TransactionDestination) -> String? {
        eventLoop.preconditionInEventLoop()
        return connectionFailures[SIPConnectionKey(transport: destination.transport, address: destination.address)]
    }
}
