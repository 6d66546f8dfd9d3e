import Logging
import NIOCore
import NIOPosix
import NIOSSL
import SIPMessage

/// Sending (RFC 3261 §18.1.1, §18.2.2): the layer is the ``TransactionTransport`` of its
/// ``TransactionLayer``.
extension SIPTransportLayer: TransactionTransport {
    /// Sends one message to `destination` (RFC 3261 §18.1.1, §18.2.2): a datagram from the UDP
    /// socket for UDP, else over the connection of that transport to that address, which is
    /// opened first when there is none (messages wait until it is ready: connected, and for TLS
    /// and WebSocket also past the handshake and the upgrade).
    ///
    /// When a connection cannot be made ready, every request waiting for it is reported to the
    /// transaction layer with ``TransactionLayer/reportTransportError(for:)``.
    ///
    /// - Throws: ``TransactionError/Code/transportFailed`` when the layer is closed, or for
    ///   UDP when no socket of the destination's address family is bound or the kernel would
    ///   refuse the destination outright (port 0, the IPv4 broadcast address).
    public func send(_ bytes: ByteBuffer, to destination: TransactionDestination) throws(TransactionError) {
        eventLoop.preconditionInEventLoop()
        guard !isClosed else {
            _statistics.sendFailures += 1
            throw TransactionError(.transportFailed, "the transport layer is closed")
        }
        switch destination.transport {
        case .udp:
            guard let udp = udpChannel, udp.localAddress?.protocol == destination.address.protocol else {
                _statistics.sendFailures += 1
                throw TransactionError(.transportFailed, "no UDP socket of the destination's address family")
            }
            if let refusal = destination.address.datagramRefusal {
                _statistics.sendFailures += 1
                throw TransactionError(.transportFailed, refusal)
            }
            guard !refusedUDPDestinations.contains(destination.address) else {
                _statistics.sendFailures += 1
                throw TransactionError(.transportFailed, "the kernel refused a datagram to this destination before")
            }
            lastUDPDestination = destination.address
            udp.writeAndFlush(AddressedEnvelope(remoteAddress: destination.address, data: bytes), promise: nil)
        case .tcp, .tls, .ws, .wss:
            sendOverConnection(bytes, to: SIPConnectionKey(transport: destination.transport, address: destination.address))
        }
    }

    private func sendOverConnection(_ bytes: ByteBuffer, to key: SIPConnectionKey) {
        switch connections[key] {
        case .active(let channel):
            channel.writeAndFlush(bytes, promise: nil)
        case .connecting(var waiting):
            waiting.append(bytes)
            connections[key] = .connecting(waiting)
        case nil:
            connections[key] = .connecting([bytes])
            connect(to: key)
        }
    }

    /// Opens a connection to `key` and files it once it is ready; a connection that is not
    /// ready within the connect timeout is closed and fails.
    private func connect(to key: SIPConnectionKey) {
        connectionFailures[key] = nil
        var tlsContext: NIOSSLContext?
        if key.transport.isSecure {
            do throws(SIPTransportError) {
                tlsContext = try outgoingTLSContext(for: key.address)
            } catch {
                connectFinished(to: key, .failure(error))
                return
            }
        }
        let ready = eventLoop.makePromise(of: (any Channel).self)
        let timeout = configuration.connectTimeout
        ready.futureResult.whenComplete { result in self.connectFinished(to: key, result) }
        ClientBootstrap(group: eventLoop)
            .connectTimeout(timeout)
            .channelOption(.socketOption(.so_keepalive), value: 1)
            .channelInitializer { [tlsContext] channel in
                channel.eventLoop.makeCompletedFuture {
                    try self.addOutgoingHandlers(to: channel, key: key, tlsContext: tlsContext, ready: ready)
                }
            }
            .connect(to: key.address)
            .whenComplete { result in
                switch result {
                case .failure(let error):
                    ready.fail(error)
                case .success(let channel):
                    // The TLS handshake and the WebSocket upgrade get one more connect timeout.
                    let deadline = channel.eventLoop.scheduleTask(in: timeout) {
                        ready.fail(SIPTransportError(.connectTimeout, "the \(key.transport) connection was not ready within \(timeout)"))
                        channel.close(promise: nil)
                    }
                    ready.futureResult.whenComplete { _ in deadline.cancel() }
                    channel.closeFuture.whenComplete { _ in
                        ready.fail(SIPTransportError(.connectionClosed, "the \(key.transport) connection closed before it was ready"))
                    }
                }
            }
    }

    private func connectFinished(to key: SIPConnectionKey, _ result: Result<any Channel, any Error>) {
        guard case .connecting(let waiting) = connections[key] else {
            if case .success(let channel) = result { channel.close(promise: nil) }
            return
        }
        switch result {
        case .success(let channel) where channel.isActive && !isClosed:
            connections[key] = .active(channel)
            connectionFailures[key] = nil
            for bytes in waiting { channel.write(bytes, promise: nil) }
            channel.flush()
        case .success(let channel):
            channel.close(promise: nil)
            connectFailed(to: key, waiting: waiting, error: ChannelError.ioOnClosedChannel)
        case .failure(let error):
            connectFailed(to: key, waiting: waiting, error: error)
        }
    }

    /// Tells the transaction layer about every request that was waiting for the connection.
    private func connectFailed(to key: SIPConnectionKey, waiting: [ByteBuffer], error: any Error) {
        connections.removeValue(forKey: key)
        // The handshake's own error, when there was one, says more than the close it caused.
        if connectionFailures[key] == nil { recordConnectionFailure("\(error)", for: key) }
        _statistics.sendFailures += waiting.count
        logger.debug("cannot connect: \(error)", metadata: ["peer": "\(key)"])
        for bytes in waiting {
            guard let message = try? SIPMessage(parsingFrame: bytes, limits: configuration.limits), message.isRequest,
                  let transactionKey = TransactionKey.client(for: message) else { continue }
            _transactionLayer?.reportTransportError(for: transactionKey)
        }
    }
}
