#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif
import NIOCore
import NIOPosix

/// A pipe the audio thread writes one byte to after each frame it encodes
/// (``Audio/AudioEngine/notifyOutbound(through:)``), whose read end is a channel on the call's
/// event loop: the frames are sent as they are queued, instead of the event loop waking every
/// 5 ms to look for them. A call's network side wakes 50 times a second to send instead of 200,
/// and a frame no longer waits up to 5 ms for the next poll.
final class OutboundWakeup: @unchecked Sendable {
    /// The write end, for the audio thread. Valid until ``close()``.
    let writeDescriptor: Int32
    private let channel: any Channel

    private init(writeDescriptor: Int32, channel: any Channel) {
        self.writeDescriptor = writeDescriptor
        self.channel = channel
    }

    /// A pipe whose read end calls `onWake` on `loop` after each batch of bytes it reads.
    ///
    /// - Throws: ``AgentError`` when no pipe could be made or registered (the caller polls).
    static func make(on loop: any EventLoop, onWake: @escaping @Sendable () -> Void) async throws -> OutboundWakeup {
        var descriptors: [Int32] = [-1, -1]
        guard pipe(&descriptors) == 0 else {
            throw AgentError("pipe: \(String(cString: strerror(errno)))")
        }
        let (reader, writer) = (descriptors[0], descriptors[1])
        // Close on exec (door commands run in child processes); the audio thread must never block.
        _ = fcntl(reader, F_SETFD, FD_CLOEXEC)
        _ = fcntl(writer, F_SETFD, FD_CLOEXEC)
        guard fcntl(writer, F_SETFL, O_NONBLOCK) == 0 else {
            let reason = String(cString: strerror(errno))
            closeDescriptor(reader)
            closeDescriptor(writer)
            throw AgentError("pipe: O_NONBLOCK: \(reason)")
        }
        do {
            let channel = try await NIOPipeBootstrap(group: loop)
                .channelInitializer { channel in
                    channel.eventLoop.makeCompletedFuture {
                        try channel.pipeline.syncOperations.addHandler(WakeupHandler(onWake: onWake))
                    }
                }
                .takingOwnershipOfDescriptor(input: reader).get()
            return OutboundWakeup(writeDescriptor: writer, channel: channel)
        } catch {
            closeDescriptor(reader)
            closeDescriptor(writer)
            throw AgentError("pipe channel: \(error)")
        }
    }

    /// Closes both ends. Only once the audio thread has stopped.
    func close() async {
        try? await channel.close()
        closeDescriptor(writeDescriptor)
    }
}

/// Reads and drops the wakeup bytes; calls `onWake` once per batch.
private final class WakeupHandler: ChannelInboundHandler, Sendable {
    typealias InboundIn = ByteBuffer

    let onWake: @Sendable () -> Void

    init(onWake: @escaping @Sendable () -> Void) {
        self.onWake = onWake
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {}

    func channelReadComplete(context: ChannelHandlerContext) {
        onWake()
    }
}

private func closeDescriptor(_ descriptor: Int32) {
    _ = close(descriptor)
}
