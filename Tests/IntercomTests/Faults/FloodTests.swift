import Foundation
import InteropSupport
import NIOCore
import NIOPosix
import Testing

/// A flood at the agent's SIP port while a call is up (issue 7, "Load and faults"): 10 s of
/// random datagrams, malformed SIP and an INVITE storm from one address. The call's RTP, as
/// tcpdump sees it on the wire, must keep flowing both ways without a gap over 200 ms; the
/// agent's memory must stay bounded; the call must survive; and OPTIONS must be answered
/// afterwards.
@Suite("faults: flood during a call")
struct FloodTests {
    static let floodSeconds = 10
    /// Datagrams of each kind per 20 ms tick (so 3 × 50 × 20 = 3000 per second in all).
    static let perTick = 20

    @Test("10 s of garbage, malformed SIP and an INVITE storm: RTP flows both ways without a 200 ms gap, memory is bounded, OPTIONS answered")
    func flood() async throws {
        guard PacketCapture.executable != nil else {
            throw InteropFailure("tcpdump is not installed: run `make test`, which installs it")
        }
        try await EndToEndScene.with { scene in
            let mark = scene.agent.logMark()
            let ports = scene.configuration.rtpPorts
            try await scene.withCaller("gate") { gate in
                try await gate.control.send("dial", scene.uri("door"))
                _ = try await gate.control.waitFor(["CALL_ESTABLISHED"])
                try await scene.agent.waitForLog(containing: "call.answered:", after: mark)
                let capture = try await PacketCapture.start(filter: "udp and portrange \(ports.lowerBound)-\(ports.upperBound)")
                try await KamailioInterop.pause(.milliseconds(500))
                let rssBefore = try Self.residentKilobytes(pid: scene.agent.pid)

                let floodStart = Date().timeIntervalSince1970
                let sent = try await Self.flood(port: scene.configuration.sipPort, seconds: Self.floodSeconds)
                let floodEnd = Date().timeIntervalSince1970
                try await KamailioInterop.pause(.milliseconds(500))
                let rssAfter = try Self.residentKilobytes(pid: scene.agent.pid)
                let datagrams = try await capture.stop()

                #expect(sent >= 10_000, "only \(sent) flood datagrams sent")
                #expect(scene.agent.isRunning)
                #expect(scene.agent.logLines(containing: "call.ended:", after: mark).isEmpty, "the call did not survive the flood")

                // RTP on the wire during the flood, each way (the agent's ports are the range).
                let rtp = datagrams.filter { $0.isRTP && $0.time >= floodStart - 0.2 && $0.time <= floodEnd + 0.2 }
                let fromAgent = rtp.filter { ports.contains($0.sourcePort) }.map(\.time)
                let toAgent = rtp.filter { ports.contains($0.destinationPort) }.map(\.time)
                let expected = Int(floodEnd - floodStart) * 50
                for (name, times) in [("agent to caller", fromAgent), ("caller to agent", toAgent)] {
                    #expect(times.count >= expected * 9 / 10, "\(name): \(times.count) RTP packets, expected about \(expected)")
                    let gap = zip(times.dropFirst(), times).map { $0 - $1 }.max() ?? .infinity
                    #expect(gap <= 0.2, "\(name): largest RTP gap \(Int(gap * 1000)) ms")
                }
                // Bounded memory: the storm's admitted INVITEs and parsed garbage are freed.
                #expect(rssAfter - rssBefore < 16_384, "resident memory grew from \(rssBefore) kB to \(rssAfter) kB")
                #expect(!scene.agent.logLines(containing: "rate limit: dropping new INVITE", after: mark).isEmpty)

                let options = try await Self.options(port: scene.configuration.sipPort)
                #expect(options.hasPrefix("SIP/2.0 200"), "OPTIONS after the flood: \(options.prefix(80))")

                try await gate.control.send("hangup")
                try await scene.agent.waitForLog(containing: "call.ended:", after: mark)
            }
        }
    }

    /// VmRSS of `pid` [kB].
    static func residentKilobytes(pid: Int32) throws -> Int {
        let status = try String(contentsOfFile: "/proc/\(pid)/status", encoding: .utf8)
        guard let line = status.split(separator: "\n").first(where: { $0.hasPrefix("VmRSS:") }),
              let value = Int(line.split(separator: " ", omittingEmptySubsequences: true).dropFirst().first ?? "")
        else { throw InteropFailure("no VmRSS for \(pid)") }
        return value
    }

    /// Sends the flood to 127.0.0.1:`port` for `seconds` from one socket; returns the datagrams sent.
    static func flood(port: Int, seconds: Int) async throws -> Int {
        let loop = MultiThreadedEventLoopGroup.singleton.next()
        let channel = try await DatagramBootstrap(group: loop).bind(host: "127.0.0.1", port: 0).get()
        let target = try SocketAddress(ipAddress: "127.0.0.1", port: port)
        let local = channel.localAddress?.port ?? 0
        var generator = SystemRandomNumberGenerator()
        // Random datagrams are drawn once: drawing 3 × 10^4 of them would make the flood
        // slower than its schedule in a debug build.
        let garbage: [ByteBuffer] = (0..<128).map { _ in
            ByteBuffer(bytes: (0..<Int.random(in: 1...1400, using: &generator)).map { _ in UInt8.random(in: 0...255, using: &generator) })
        }
        var sent = 0
        let start = NIODeadline.now()
        let end = start + .seconds(Int64(seconds))
        var tick = 0
        while NIODeadline.now() < end {
            for index in 0..<perTick {
                let n = tick * perTick + index
                for datagram in [garbage[n % garbage.count], ByteBuffer(string: malformed(n, port: local)), ByteBuffer(string: invite(n, port: local, target: port))] {
                    channel.write(AddressedEnvelope(remoteAddress: target, data: datagram), promise: nil)
                    sent += 1
                }
            }
            channel.flush()
            tick += 1
            // The next tick is due 20 ms after this one was, not 20 ms after this one's work.
            let due = start + .milliseconds(Int64(tick) * 20)
            if due > NIODeadline.now() { try await loop.scheduleTask(deadline: due) {}.futureResult.get() }
        }
        try await channel.close()
        return sent
    }

    /// One of several broken requests, by `n`.
    static func malformed(_ n: Int, port: Int) -> String {
        let head = "Via: SIP/2.0/UDP 127.0.0.1:\(port);branch=z9hG4bKbad\(n)\r\nFrom: <sip:flood@127.0.0.1>;tag=f\(n)\r\nTo: <sip:door@127.0.0.1>\r\nCall-ID: bad\(n)\r\n"
        switch n % 6 {
        case 0: return "INVITE sip:door@127.0.0.1 SIP/2.0\r\n\(head)CSeq: 1 INVITE\r\nContent-Length: 500\r\n\r\nv=0\r\n"
        case 1: return "INVITE sip:door@127.0.0.1 SIP/3.0\r\n\(head)CSeq: 1 INVITE\r\nContent-Length: 0\r\n\r\n"
        case 2: return "OPTIONS sip:door@127.0.0.1 SIP/2.0\r\n\(head)CSeq: x OPTIONS\r\nThis line has no colon\r\n\r\n"
        case 3: return "REGISTER sip:127.0.0.1 SIP/2.0\r\n\(head)CSeq: 1 REGISTER\r\nContact: <sip:\u{0}@1>\r\nContent-Length: 0\r\n\r\n"
        case 4: return "MESSAGE sip:door@127.0.0.1 SIP/2.0\r\n\(head)X-Long: \(String(repeating: "a", count: 1_200))\r\n\r\n"
        default: return "SIP/2.0 200 OK\r\n\(head)CSeq: 1 INVITE\r\n\r\n"
        }
    }

    /// A well-formed out-of-dialog INVITE with an SDP offer, a new call each time.
    static func invite(_ n: Int, port: Int, target: Int) -> String {
        let body = "v=0\r\no=- \(n) 1 IN IP4 127.0.0.1\r\ns=-\r\nc=IN IP4 127.0.0.1\r\nt=0 0\r\nm=audio 9 RTP/AVP 0\r\na=rtpmap:0 PCMU/8000\r\n"
        return "INVITE sip:door@127.0.0.1:\(target) SIP/2.0\r\nVia: SIP/2.0/UDP 127.0.0.1:\(port);branch=z9hG4bKstorm\(n)\r\n"
            + "Max-Forwards: 70\r\nFrom: <sip:flood@127.0.0.1>;tag=s\(n)\r\nTo: <sip:door@127.0.0.1>\r\nCall-ID: storm\(n)@flood\r\n"
            + "CSeq: 1 INVITE\r\nContact: <sip:flood@127.0.0.1:\(port)>\r\nContent-Type: application/sdp\r\n"
            + "Content-Length: \(body.utf8.count)\r\n\r\n\(body)"
    }

    /// Sends OPTIONS to 127.0.0.1:`port` from a new socket (again every 500 ms, up to 5 s)
    /// and returns the first response's text.
    static func options(port: Int) async throws -> String {
        let loop = MultiThreadedEventLoopGroup.singleton.next()
        let (stream, continuation) = AsyncStream.makeStream(of: String.self)
        let channel = try await DatagramBootstrap(group: loop)
            .channelInitializer { channel in
                channel.eventLoop.makeCompletedFuture {
                    try channel.pipeline.syncOperations.addHandler(ResponseCollector(continuation: continuation))
                }
            }
            .bind(host: "127.0.0.1", port: 0).get()
        defer { channel.close(promise: nil) }
        let local = channel.localAddress?.port ?? 0
        let target = try SocketAddress(ipAddress: "127.0.0.1", port: port)
        let request = "OPTIONS sip:door@127.0.0.1:\(port) SIP/2.0\r\nVia: SIP/2.0/UDP 127.0.0.1:\(local);branch=z9hG4bKafter1\r\n"
            + "Max-Forwards: 70\r\nFrom: <sip:probe@127.0.0.1>;tag=p1\r\nTo: <sip:door@127.0.0.1>\r\nCall-ID: after-flood\r\n"
            + "CSeq: 1 OPTIONS\r\nContent-Length: 0\r\n\r\n"
        let sender = Task {
            for _ in 0..<10 {
                try await channel.writeAndFlush(AddressedEnvelope(remoteAddress: target, data: ByteBuffer(string: request)))
                try await loop.scheduleTask(in: .milliseconds(500)) {}.futureResult.get()
            }
            continuation.finish()
        }
        defer { sender.cancel() }
        for await response in stream { return response }
        throw InteropFailure("no response to OPTIONS within 5 s")
    }

    final class ResponseCollector: ChannelInboundHandler, @unchecked Sendable {
        typealias InboundIn = AddressedEnvelope<ByteBuffer>
        let continuation: AsyncStream<String>.Continuation
        init(continuation: AsyncStream<String>.Continuation) { self.continuation = continuation }
        func channelRead(context: ChannelHandlerContext, data: NIOAny) {
            continuation.yield(String(buffer: unwrapInboundIn(data).data))
        }
    }
}
