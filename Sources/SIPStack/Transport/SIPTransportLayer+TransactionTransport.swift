import Logging
import NIOCore
import NIOPosix
import SIPMessage

/// Sending (RFC 3261 §18.1.1, §18.2.2): the layer is the ``TransactionTransport`` of its
/// ``TransactionLayer``.
extension SIPTransportLayer: TransactionTransport {
    /// Sends one message to `destination` (RFC 3261 §18.1.1, §18.2.2): a datagram from the UDP
    /// socket for an unreliable destination, else over the TCP connection to that address,
    /// which is opened first when there is none (messages wait until it is up).
    ///
    /// When a connection cannot be opened, every request waiting for it is reported to the
    /// transaction layer with ``TransactionLayer/reportTransportError(for:)``.
    ///
    /// - Throws: ``TransactionError/Code/transportFailed`` when the layer is closed, or for
    ///   UDP when no socket of the destination's address family is bound.
    public func send(_ bytes: ByteBuffer, to destination: TransactionDestination) throws(TransactionError) {
        eventLoop.preconditionInEventLoop()
        guard !isClosed else {
            _statistics.sendFailures += 1
            throw TransactionError(.transportFailed, "the transport layer is closed")
        }
        if destination.isReliable {
            sendOverStream(bytes, to: destination.address)
        } else {
            guard let udp = udpChannel, udp.localAddress?.protocol == destination.address.protocol else {
                _statistics.sendFailures += 1
                throw TransactionError(.transportFailed, "no UDP socket of the destination's address family")
            }
            udp.writeAndFlush(AddressedEnvelope(remoteAddress: destination.address, data: bytes), promise: nil)
        }
    }

    private func sendOverStream(_ bytes: ByteBuffer, to address: SocketAddress) {
        switch connections[address] {
        case .active(let channel):
            channel.writeAndFlush(bytes, promise: nil)
        case .connecting(var waiting):
            waiting.append(bytes)
            connections[address] = .connecting(waiting)
        case nil:
            connections[address] = .connecting([bytes])
            connect(to: address)
        }
    }

    private func connect(to address: SocketAddress) {
        ClientBootstrap(group: eventLoop)
            .connectTimeout(configuration.connectTimeout)
            .channelOption(.socketOption(.so_keepalive), value: 1)
            .channelInitializer { channel in
                channel.eventLoop.makeCompletedFuture {
                    try self.addStreamHandlers(to: channel, peer: address)
                }
            }
            .connect(to: address)
            .whenComplete { result in
                self.connectFinished(to: address, result)
            }
    }

    private func connectFinished(to address: SocketAddress, _ result: Result<any Channel, any Error>) {
        guard case .connecting(let waiting) = connections[address] else {
            if case .success(let channel) = result { channel.close(promise: nil) }
            return
        }
        switch result {
        case .success(let channel) where channel.isActive && !isClosed:
            connections[address] = .active(channel)
            for bytes in waiting { channel.write(bytes, promise: nil) }
            channel.flush()
        case .success(let channel):
            channel.close(promise: nil)
            connectFailed(to: address, waiting: waiting, error: ChannelError.ioOnClosedChannel)
        case .failure(let error):
            connectFailed(to: address, waiting: waiting, error: error)
        }
    }

    /// Tells the transaction layer about every request that was waiting for the connection.
    private func connectFailed(to address: SocketAddress, waiting: [ByteBuffer], error: any Error) {
        connections.removeValue(forKey: address)
        _statistics.sendFailures += waiting.count
        logger.debug("cannot connect: \(error)", metadata: ["peer": "\(address)"])
        for bytes in waiting {
            guard let message = try? SIPMessage(parsingFrame: bytes, limits: configuration.limits), message.isRequest,
                  let key = TransactionKey.client(for: message) else { continue }
            _transactionLayer?.reportTransportError(for: key)
        }
    }
}
