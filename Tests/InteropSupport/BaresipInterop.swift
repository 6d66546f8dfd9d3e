import Foundation
import NIOCore
import NIOPosix
import Testing

/// A baresip started for one test by Tests/Interop/baresip/start.sh in its own run directory,
/// driven over its ctrl_tcp socket (netstring-framed JSON commands and events), and stopped by
/// stop.sh (by PID).
final class BaresipInterop: Sendable {
    static let scriptDirectory = KamailioInterop.repositoryRoot.appendingPathComponent("Tests/Interop/baresip")

    /// Its SIP port on 127.0.0.1 (UDP and TCP).
    let sipPort: Int
    let runDirectory: URL
    let control: BaresipControl

    private init(sipPort: Int, runDirectory: URL, control: BaresipControl) {
        self.sipPort = sipPort
        self.runDirectory = runDirectory
        self.control = control
    }

    /// Starts baresip with `account` (one accounts-file line, see start.sh), runs `body`, and
    /// stops it whatever happens; when `body` throws, the end of its log is recorded.
    static func with(account: (Int) -> String, _ body: (BaresipInterop) async throws -> Void) async throws {
        let baresip = try await start(account: account)
        do {
            try await body(baresip)
        } catch {
            Issue.record("baresip log:\n\(baresip.logTail())")
            await baresip.stop()
            throw error
        }
        await baresip.stop()
    }

    /// Starts baresip on a random even SIP port of 23000-29998 (it also binds the next one
    /// for TLS) with a ctrl_tcp port beside it, trying other ports up to three times.
    /// `account` gets the SIP port.
    static func start(account: (Int) -> String) async throws -> BaresipInterop {
        guard KamailioInterop.executable(named: "baresip") != nil else {
            throw InteropFailure("baresip is not installed: run `make test`, which installs the Debian package `baresip`")
        }
        var failures: [String] = []
        for _ in 0..<3 {
            let sipPort = Int.random(in: 11_500...14_999) * 2
            let ctrlPort = sipPort + 2_000 + Int.random(in: 0...500) * 2
            let runDirectory = FileManager.default.temporaryDirectory
                .appendingPathComponent("swiftsip-baresip-\(UUID().uuidString.prefix(8))")
            let result = try await KamailioInterop.run(
                "/bin/bash",
                [scriptDirectory.appendingPathComponent("start.sh").path, runDirectory.path, String(sipPort), String(ctrlPort),
                 account(sipPort)])
            if result.status == 0 {
                do {
                    let control = try await BaresipControl.connect(port: ctrlPort)
                    return BaresipInterop(sipPort: sipPort, runDirectory: runDirectory, control: control)
                } catch {
                    failures.append("ctrl_tcp \(ctrlPort): \(error)")
                    _ = try? await KamailioInterop.run("/bin/bash", [scriptDirectory.appendingPathComponent("stop.sh").path, runDirectory.path])
                }
            } else {
                failures.append("ports \(sipPort)/\(ctrlPort): start.sh exited \(result.status):\n\(result.output)")
            }
            try? FileManager.default.removeItem(at: runDirectory)
        }
        throw InteropFailure("baresip did not start:\n" + failures.joined(separator: "\n"))
    }

    func stop() async {
        await control.close()
        let result = try? await KamailioInterop.run(
            "/bin/bash", [Self.scriptDirectory.appendingPathComponent("stop.sh").path, runDirectory.path])
        if result?.status != 0 {
            Issue.record("baresip stop.sh failed: \(result.map { "\($0.status): \($0.output)" } ?? "did not run")")
            return
        }
        try? FileManager.default.removeItem(at: runDirectory)
    }

    func logTail() -> String {
        let log = runDirectory.appendingPathComponent("baresip.log")
        guard let data = FileManager.default.contents(atPath: log.path) else { return "(no log at \(log.path))" }
        return String(decoding: data, as: UTF8.self).split(separator: "\n").suffix(40).joined(separator: "\n")
    }
}

/// One ctrl_tcp event of baresip: `{"event":true,"type":"CALL_ESTABLISHED","param":...}`.
struct BaresipEvent: Sendable, CustomStringConvertible {
    let type: String
    let param: String
    let peerURI: String

    var description: String { "\(type)(\(param))" }
}

/// A ctrl_tcp connection: commands out, events in (responses to commands are skipped).
final class BaresipControl: @unchecked Sendable {
    let channel: any Channel
    let events: AsyncStream<BaresipEvent>
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

    static func connect(port: Int) async throws -> BaresipControl {
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
    func send(_ command: String, _ params: String = "") async throws {
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
    func waitFor(_ types: Set<String>, seconds: Int64 = 10) async throws -> BaresipEvent {
        let timeout = channel.eventLoop.scheduleTask(in: .seconds(seconds)) { [continuation] in continuation.finish() }
        defer { timeout.cancel() }
        while let event = await iterator.next() {
            seen.append(event)
            if types.contains(event.type) { return event }
        }
        throw InteropFailure("baresip sent none of \(types.sorted()) within \(seconds) s; events: \(seen)")
    }

    func close() async {
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
                        peerURI: object["peeruri"] as? String ?? ""))
                }
            }
            pending.discardReadBytes()
        }

        func channelInactive(context: ChannelHandlerContext) {
            continuation.finish()
        }
    }
}
