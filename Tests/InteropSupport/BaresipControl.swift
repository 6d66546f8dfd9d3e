import Foundation
import NIOCore
import NIOPosix

/// A ctrl_tcp connection: commands out, events in (responses to commands are skipped).
public final class BaresipControl: @unchecked Sendable {
    public let channel: any Channel
    public let events: AsyncStream<BaresipEvent>
    private let continuation: AsyncStream<BaresipEvent>.Continuation
    private var iterator: AsyncStream<BaresipEvent>.Iterator
    private var seen: [BaresipEvent] = []
    private var token = 0

    private init(channel: any Channel, events: AsyncStream<BaresipEvent>, continuation: AsyncStream<BaresipEvent>.Continuation) {
        self.channel = channel
        self.events = events
        self.continuation = continuation
        self.iterator = events.makeAsyncIterator()
    }

    public static func connect(port: Int) async throws -> BaresipControl {
        let (events, continuation) = AsyncStream.makeStream(of: BaresipEvent.self)
        let channel = try await ClientBootstrap(group: MultiThreadedEventLoopGroup.singleton)
            .connectTimeout(.seconds(5))
            .channelInitializer { channel in
                channel.eventLoop.makeCompletedFuture {
                    try channel.pipeline.syncOperations.addHandler(NetstringHandler(continuation: continuation))
                }
            }
            .connect(host: "127.0.0.1", port: port).get()
        return BaresipControl(channel: channel, events: events, continuation: continuation)
    }

    /// Sends a command (`dial`, `hangup`, `accept`...) with its parameter.
    public func send(_ command: String, _ params: String = "") async throws {
        token += 1
        let object: [String: String] = ["command": command, "params": params, "token": "t\(token)"]
        let json = try JSONSerialization.data(withJSONObject: object)
        var buffer = channel.allocator.buffer(capacity: json.count + 8)
        buffer.writeString("\(json.count):")
        buffer.writeBytes(json)
        buffer.writeString(",")
        try await channel.writeAndFlush(buffer)
    }

    /// Reads events until one of `types` (returned), failing after `seconds` with the events
    /// seen.
    public func waitFor(_ types: Set<String>, seconds: Int64 = 10) async throws -> BaresipEvent {
        let timeout = channel.eventLoop.scheduleTask(in: .seconds(seconds)) { [continuation] in continuation.finish() }
        defer { timeout.cancel() }
        while let event = await iterator.next() {
            seen.append(event)
            if types.contains(event.type) { return event }
        }
        throw InteropFailure("baresip sent none of \(types.sorted()) within \(seconds) s; events: \(seen)")
    }

    /// The events read so far by ``waitFor(_:seconds:)`` (for failure messages).
    public var seenEvents: [BaresipEvent] { seen }

    public func close() async {
        continuation.finish()
        try? await channel.close()
    }

    /// Cuts `length:payload,` netstrings and yields the events among them.
    private final class NetstringHandler: ChannelInboundHandler, @unchecked Sendable {
        typealias InboundIn = ByteBuffer
        let continuation: AsyncStream<BaresipEvent>.Continuation
        var pending = ByteBuffer()

        init(continuation: AsyncStream<BaresipEvent>.Continuation) {
            self.continuation = continuation
        }

        func channelRead(context: ChannelHandlerContext, data: NIOAny) {
            var incoming = unwrapInboundIn(data)
            pending.writeBuffer(&incoming)
            while let colon = pending.readableBytesView.firstIndex(of: UInt8(ascii: ":")) {
                let lengthText = String(decoding: pending.readableBytesView[pending.readerIndex..<colon], as: UTF8.self)
                guard let length = Int(lengthText), pending.readableBytesView.endIndex >= colon + 1 + length + 1 else { return }
                let payload = Data(pending.readableBytesView[(colon + 1)..<(colon + 1 + length)])
                pending.moveReaderIndex(to: colon + 1 + length + 1)
                if let object = try? JSONSerialization.jsonObject(with: payload) as? [String: Any], object["event"] as? Bool == true {
                    continuation.yield(BaresipEvent(
                        type: object["type"] as? String ?? "", param: object["param"] as? String ?? "",
                        peerURI: object["peeruri"] as? String ?? "", accountAOR: object["accountaor"] as? String ?? ""))
                }
            }
            pending.discardReadBytes()
        }

        func channelInactive(context: ChannelHandlerContext) {
            continuation.finish()
        }
    }
}
