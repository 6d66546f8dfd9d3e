import NIOCore
import NIOHTTP1
import NIOSSL
import NIOWebSocket
import SIPMessage

/// The channel pipelines of the layer's connections, accepted and opened, one per transport:
///
/// ```
///   TCP  [idle timeout] [SIPStreamHandler]
///   TLS  [NIOSSL] [idle timeout] [SIPStreamHandler]
///   WS   [idle timeout] [HTTP codec, upgrader] [refusal | upgrade request]  ──101──>  [idle timeout] [frame codec] [SIPWebSocketHandler]
///   WSS  [NIOSSL] + WS
/// ```
extension SIPTransportLayer {
    /// Sets up a connection a TCP, TLS, WS or WSS listener accepted.
    func addAcceptedHandlers(to channel: any Channel, transport: SIPTransportKind) throws {
        let operations = channel.pipeline.syncOperations
        if transport.isSecure {
            guard let context = serverTLSContext else {
                throw SIPTransportError(.tlsConfiguration, "no TLS context for the \(transport) listener")
            }
            try operations.addHandler(NIOSSLServerHandler(context: context))
        }
        if let idle = configuration.idleTimeout {
            try operations.addHandler(SIPIdleTimeoutHandler(timeout: idle))
        }
        if transport.isWebSocket {
            try addWebSocketServerHandlers(to: channel, transport: transport)
        } else {
            try operations.addHandler(SIPStreamHandler(layer: self, transport: transport, peer: nil))
        }
    }

    /// Sets up a connection this layer opens to `key`; `ready` completes when it can carry
    /// messages (connected; handshake done; upgraded).
    func addOutgoingHandlers(
        to channel: any Channel, key: SIPConnectionKey, tlsContext: NIOSSLContext?, ready: EventLoopPromise<any Channel>
    ) throws {
        let operations = channel.pipeline.syncOperations
        if key.transport.isSecure {
            guard let tlsContext else {
                throw SIPTransportError(.tlsConfiguration, "no TLS context for an outgoing \(key.transport) connection")
            }
            try operations.addHandler(NIOSSLClientHandler(context: tlsContext, serverHostname: outgoingTLS(for: key.address).hostnameForHandshake))
        }
        if let idle = configuration.idleTimeout {
            try operations.addHandler(SIPIdleTimeoutHandler(timeout: idle))
        }
        if key.transport.isWebSocket {
            try addWebSocketClientHandlers(to: channel, key: key, ready: ready)
        } else {
            try operations.addHandler(SIPStreamHandler(layer: self, transport: key.transport, peer: key.address, ready: ready))
        }
    }

    /// The context of outgoing TLS and WSS connections to `address`: made once from the
    /// peer's own settings (``setOutgoingTLS(_:for:)``), or else once from ``Configuration/tls``.
    func outgoingTLSContext(for address: SocketAddress) throws(SIPTransportError) -> NIOSSLContext {
        let peer = peerTLS[address]
        if let made = peer == nil ? clientTLSContext : peerTLSContexts[address] { return try made.get() }
        let result: Result<NIOSSLContext, SIPTransportError>
        do throws(SIPTransportError) {
            result = .success(try (peer ?? configuration.tls).makeClientContext())
        } catch {
            result = .failure(error)
        }
        if peer == nil { clientTLSContext = result } else { peerTLSContexts[address] = result }
        return try result.get()
    }

    /// The HTTP server pipeline of a WS or WSS listener: an upgrade to the `sip` subprotocol on
    /// the configured path becomes a ``SIPWebSocketHandler``; anything else reaches the
    /// ``SIPWebSocketRefusalHandler``.
    private func addWebSocketServerHandlers(to channel: any Channel, transport: SIPTransportKind) throws {
        let path = configuration.webSocketPath
        let upgrader = NIOWebSocketServerUpgrader(
            maxFrameSize: configuration.maxWebSocketMessageBytes, automaticErrorHandling: true,
            shouldUpgrade: { channel, request in
                channel.eventLoop.makeSucceededFuture(SIPWebSocketHandshake.acceptHeaders(for: request, path: path))
            },
            upgradePipelineHandler: { channel, _ in
                channel.eventLoop.makeCompletedFuture {
                    try channel.pipeline.syncOperations.addHandler(SIPWebSocketHandler(layer: self, transport: transport, peer: nil))
                }
            })
        var decoderLimits = NIOHTTPDecoderLimitConfiguration()
        decoderLimits.maxHeaderListSize = configuration.limits.maxHeaderBytes
        decoderLimits.maxHeaderFieldSize = configuration.limits.maxHeaderBytes
        decoderLimits.maxHeaderFieldCount = configuration.limits.maxHeaderCount
        let operations = channel.pipeline.syncOperations
        try operations.configureHTTPServerPipeline(
            withServerUpgrade: (upgraders: [upgrader], completionHandler: { context in
                Self.removeHandler(SIPWebSocketRefusalHandler.self, from: context.pipeline)
            }),
            withEncoderConfiguration: HTTPResponseEncoder.Configuration(), withDecoderLimitConfiguration: decoderLimits)
        try operations.addHandler(SIPWebSocketRefusalHandler(layer: self, path: path))
    }

    /// The HTTP client pipeline of an outgoing WS or WSS connection: it asks for the upgrade,
    /// and checks that the server agreed to the `sip` subprotocol before adding a
    /// ``SIPWebSocketHandler``.
    private func addWebSocketClientHandlers(to channel: any Channel, key: SIPConnectionKey, ready: EventLoopPromise<any Channel>) throws {
        let upgrader = NIOWebSocketClientUpgrader(
            maxFrameSize: configuration.maxWebSocketMessageBytes, automaticErrorHandling: true
        ) { channel, response in
            guard SIPWebSocketHandshake.offersSIP(response.headers) else {
                let error = SIPTransportError(.webSocketSubprotocolMissing, "the server did not agree to the sip subprotocol")
                ready.fail(error)
                channel.close(promise: nil)
                return channel.eventLoop.makeFailedFuture(error)
            }
            return channel.eventLoop.makeCompletedFuture {
                try channel.pipeline.syncOperations.addHandler(
                    SIPWebSocketHandler(layer: self, transport: key.transport, peer: key.address, ready: ready))
            }
        }
        let operations = channel.pipeline.syncOperations
        try operations.addHTTPClientHandlers(
            leftOverBytesStrategy: .forwardBytes,
            withClientUpgrade: (upgraders: [upgrader], completionHandler: { context in
                Self.removeHandler(SIPWebSocketUpgradeRequester.self, from: context.pipeline)
            }))
        try operations.addHandler(SIPWebSocketUpgradeRequester(
            layer: self, key: key, host: webSocketHost(for: key.address), path: configuration.webSocketPath, ready: ready))
    }

    /// The `Host` of an upgrade request: the configured TLS server name, else the address.
    private func webSocketHost(for address: SocketAddress) -> String {
        if let name = outgoingTLS(for: address).serverName, !name.isEmpty { return name }
        guard let (host, port) = address.hostAndPort else { return "localhost" }
        return host.contains(":") ? "[\(host)]:\(port)" : "\(host):\(port)"
    }

    /// Removes the handler of type `type` from `pipeline`, if there is one (the HTTP-phase
    /// handler once the upgrade is under way).
    private static func removeHandler<Handler: ChannelHandler>(_ type: Handler.Type, from pipeline: ChannelPipeline) {
        let operations = pipeline.syncOperations
        guard let context = try? operations.context(handlerType: type) else { return }
        operations.removeHandler(context: context, promise: nil)
    }
}
