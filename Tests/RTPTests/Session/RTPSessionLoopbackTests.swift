import NIOCore
import NIOPosix
import RTP
import Testing

/// Two ``RTPSession``s over real UDP sockets on loopback: RTP both ways, RTCP reports with
/// sane figures, and a DTMF digit received exactly once.
@Suite("RTPSession over loopback sockets")
struct RTPSessionLoopbackTests {
    /// Starts two sessions on `host` pointed at each other, runs `body`, and closes them.
    ///
    /// With `fixedPortForA`, `a` is bound on an even port below the kernel's ephemeral range
    /// (32768-60999 here), for tests that close `a`'s socket and bind its port again: a port
    /// the kernel picked could be picked in between for a socket of a test running beside.
    static func withPair(
        host: String, rtcpMux: Bool, fixedPortForA: Bool = false, latchForA: Bool = true,
        _ body: (RTPSession, RTPEventLog, RTPSession, RTPEventLog, any EventLoop) async throws -> Void
    ) async throws {
        let group = MultiThreadedEventLoopGroup(numberOfThreads: 1)
        let loop = group.next()
        let logA = RTPEventLog()
        let logB = RTPEventLog()
        func configuration(port: Int = 0, latch: Bool = true) -> RTPSession.Configuration {
            RTPSession.Configuration(
                host: host, port: port, rtcpMux: rtcpMux, payloadType: 0, clockRate: 8_000, telephoneEventPayloadType: 101,
                latchRemote: latch, rtcpInterval: RTCPInterval(minimumSeconds: 0.2), cname: "test@\(host)")
        }
        var started: RTPSession?
        for attempt in 0..<20 where started == nil {
            let port = fixedPortForA ? Int.random(in: 5_000...16_000) * 2 : 0
            do {
                started = try await RTPSession.start(
                    configuration: configuration(port: port, latch: latchForA), on: loop, handler: logA.handler)
            } catch where fixedPortForA && attempt < 19 {
                continue
            }
        }
        guard let a = started else { throw RTPSessionError(.noPortPair, "no port pair for the test") }
        let b = try await RTPSession.start(configuration: configuration(), on: loop, handler: logB.handler)
        do {
            try await loop.submit {
                a.setRemote(rtp: b.localRTPAddress, rtcp: b.localRTCPAddress)
                b.setRemote(rtp: a.localRTPAddress, rtcp: a.localRTCPAddress)
            }.get()
            try await body(a, logA, b, logB, loop)
        } catch {
            await a.close()
            await b.close()
            try await group.shutdownGracefully()
            throw error
        }
        await a.close()
        await b.close()
        logA.finish()
        logB.finish()
        try await group.shutdownGracefully()
    }

    /// Sends `count` PCMU frames from `session`, on its loop.
    static func sendFrames(_ count: Int, from session: RTPSession, on loop: any EventLoop) async throws {
        try await loop.submit {
            let frame = ByteBuffer(bytes: [UInt8](repeating: 0xFF, count: 160))
            for index in 0..<count {
                session.sendAudio(frame, samples: 160, marker: index == 0)
            }
        }.get()
    }

    @Test("IPv4, RTCP on port + 1: audio both ways, RTCP with loss, jitter and RTT, one DTMF digit")
    func ipv4() async throws {
        try await Self.withPair(host: "127.0.0.1", rtcpMux: false) { a, logA, b, logB, loop in
            let ports = try await loop.submit { (a.localRTPAddress?.port, a.localRTCPAddress?.port) }.get()
            let rtpPort = try #require(ports.0)
            #expect(rtpPort % 2 == 0)
            #expect(ports.1 == rtpPort + 1)

            try await Self.sendFrames(50, from: a, on: loop)
            try await Self.sendFrames(50, from: b, on: loop)
            try await logB.wait { $0.audio.count == 50 }
            try await logA.wait { $0.audio.count == 50 }
            #expect(logB.audio.allSatisfy { $0.ssrc == a.ssrc && $0.payloadType == 0 && $0.payloadCount == 160 })
            #expect(logB.audio.first?.marker == true)
            let sequences = logB.audio.map(\.sequenceNumber)
            #expect(zip(sequences, sequences.dropFirst()).allSatisfy { $0 &+ 1 == $1 })

            // One digit from A: 100 ms is 800 ticks, 5 updates of 160 with the end sent three
            // times, so 7 packets. B reports the digit once, even after all 7 came (duplicate
            // ends raise no event; the periodic RTCP wakes the wait).
            #expect(try await loop.submit { a.sendDigit("7", duration: .milliseconds(100)) }.get())
            try await logB.wait { $0.digits.count == 1 }
            try await logB.wait(timeout: .seconds(20)) { _ in
                ((try? loop.submit { b.statistics.packetsReceived }.wait()) ?? 0) >= 57
            }
            #expect(logB.digits.map(\.digit) == ["7"])
            #expect(logB.digits.first?.duration == 800)
            #expect(logB.digits.first?.endReceived == true)

            // Reports: each side learns the other's view of its stream, and a round-trip time.
            try await logA.wait(timeout: .seconds(20)) { _ in
                (try? loop.submit { a.statistics.roundTripTime != nil }.wait()) ?? false
            }
            try await logB.wait(timeout: .seconds(20)) { _ in
                (try? loop.submit { b.statistics.roundTripTime != nil }.wait()) ?? false
            }
            let statsA = try await loop.submit { a.statistics }.get()
            let statsB = try await loop.submit { b.statistics }.get()
            for (mine, theirs) in [(statsA, statsB), (statsB, statsA)] {
                let report = try #require(mine.remoteReport)
                #expect(report.cumulativeLost == 0)
                #expect(report.fractionLost == 0)
                #expect(report.lastSenderReport != 0)
                #expect(report.jitter < 8_000)
                #expect(theirs.remoteSSRC != nil)
                let roundTrip = try #require(mine.roundTripTime)
                #expect(roundTrip >= .zero && roundTrip < .seconds(1))
                #expect(mine.rtcpSent >= 1 && mine.rtcpReceived >= 1)
            }
            #expect(statsA.remoteReport?.extendedHighestSequence ?? 0 >= 49)
            #expect(logA.rtcp.contains { compound in
                compound.packets.contains { packet in
                    if case .sourceDescription(let sdes) = packet { return sdes.chunks.first?.cname == "test@127.0.0.1" }
                    return false
                }
            })
        }
    }

    @Test("IPv6 with rtcp-mux: one port carries RTP and RTCP both ways")
    func ipv6Muxed() async throws {
        try await Self.withPair(host: "::1", rtcpMux: true) { a, logA, b, logB, loop in
            let addresses = try await loop.submit { (a.localRTPAddress, a.localRTCPAddress) }.get()
            #expect(addresses.0 == addresses.1)
            #expect(addresses.0?.protocol == .inet6)
            try await Self.sendFrames(10, from: a, on: loop)
            try await Self.sendFrames(10, from: b, on: loop)
            try await logB.wait { $0.audio.count == 10 }
            try await logA.wait { $0.audio.count == 10 }
            try await logA.wait(timeout: .seconds(20)) { !$0.rtcp.isEmpty }
            try await logB.wait(timeout: .seconds(20)) { !$0.rtcp.isEmpty }
            let dropped = try await loop.submit { a.statistics.datagramsDropped + b.statistics.datagramsDropped }.get()
            #expect(dropped == 0)
        }
    }

    @Test("a remote signaled in the other address family (linphone's IPv6 c= line to an IPv4 socket) is not sent to; the socket stays open and latching finds the peer")
    func otherFamilySignaled() async throws {
        try await Self.withPair(host: "127.0.0.1", rtcpMux: false) { a, logA, b, logB, loop in
            let signaled = try SocketAddress(ipAddress: "fd00::2", port: 23_072)
            try await loop.submit { a.setRemote(rtp: signaled, rtcp: nil) }.get()
            // Before the peer's first packet a has nowhere it can send: nothing goes out, and
            // the attempt must not close its socket (a failed sendmsg closes a NIO datagram channel).
            try await Self.sendFrames(3, from: a, on: loop)
            // Nor to port 0 or the IPv4 broadcast address, which the kernel refuses as well.
            for unsendable in ["127.0.0.1:0", "255.255.255.255:40000"] {
                let parts = unsendable.split(separator: ":")
                let remote = try SocketAddress(ipAddress: String(parts[0]), port: Int(parts[1]) ?? 0)
                try await loop.submit { a.setRemote(rtp: remote, rtcp: nil) }.get()
                try await Self.sendFrames(1, from: a, on: loop)
            }
            try await loop.submit { a.setRemote(rtp: signaled, rtcp: nil) }.get()
            let before = try await loop.submit { a.statistics }.get()
            #expect(before.packetsSent == 0)
            #expect(before.packetsUnsendable == 5)
            #expect(before.socketsReopened == 0)
            try await Self.sendFrames(5, from: b, on: loop)
            try await logA.wait { $0.audio.count == 5 }
            let latched = try await loop.submit { (a.remoteRTPAddress, b.localRTPAddress) }.get()
            #expect(latched.0 == latched.1)
            try await Self.sendFrames(4, from: a, on: loop)
            try await logB.wait { $0.audio.count == 4 }
            #expect(try await loop.submit { a.statistics.packetsSent }.get() == 4)
            // a's RTCP latches to b's RTCP port as well, and its reports reach b.
            try await logB.wait(timeout: .seconds(20)) { !$0.rtcp.isEmpty }
        }
    }

    @Test("a send the kernel refuses (a subnet broadcast address) closes NIO's socket; the session binds the same port again and media goes on")
    func socketReopenedAfterRefusedSend() async throws {
        // RTCP muxed: with a socket of its own, the report timer's send to the broadcast
        // address's port + 1 (before b's packets move the remote) closes that one too, which
        // bothSocketsRefused covers; here it made the count of reopened sockets a race.
        try await Self.withPair(host: "127.0.0.1", rtcpMux: true, fixedPortForA: true) { a, logA, b, logB, loop in
            let port = try await loop.submit { a.localRTPAddress?.port }.get()
            // 127.255.255.255 is loopback's broadcast address: EACCES without SO_BROADCAST.
            try await loop.submit { a.setRemote(rtp: try SocketAddress(ipAddress: "127.255.255.255", port: 40_000), rtcp: nil) }.get()
            try await Self.sendFrames(1, from: a, on: loop)
            // NIO closes the channel after the failed sendmsg; the session reopens it.
            let deadline = NIODeadline.now() + .seconds(5)
            while try await loop.submit({ a.statistics.socketsReopened }).get() == 0, NIODeadline.now() < deadline {
                try await Task.sleep(for: .milliseconds(10))
            }
            let statistics = try await loop.submit { a.statistics }.get()
            #expect(statistics.socketsReopened == 1)
            #expect(statistics.reopenFailures == 0)
            // Same port; b's packets reach it, latch, and a's audio reaches b.
            var reopened: Int?
            for _ in 0..<100 {
                reopened = try await loop.submit { a.localRTPAddress?.port }.get()
                if reopened == port { break }
                try await Task.sleep(for: .milliseconds(10))
            }
            #expect(reopened == port)
            // The refused remote is not sent to again: no second close.
            try await Self.sendFrames(3, from: a, on: loop)
            let after = try await loop.submit { a.statistics }.get()
            #expect(after.socketsReopened == 1)
            #expect(after.packetsUnsendable == 3)
            try await Self.sendFrames(5, from: b, on: loop)
            try await logA.wait { $0.audio.count == 5 }
            try await Self.sendFrames(4, from: a, on: loop)
            try await logB.wait { $0.audio.count == 4 }
        }
    }

    /// Both sockets refused, one after the other (RTP to a broadcast address, then the RTCP
    /// report timer to its port + 1): each remote stays refused. With one remembered remote for
    /// both, the RTCP socket's refusal made the RTP socket forget its own, and the next audio
    /// packet closed the RTP socket again. `a` does not latch, so that b's reports cannot move
    /// its RTCP remote to b before its own report is refused.
    @Test("RTP and RTCP both refused: each socket is bound again once, and neither remote is tried again")
    func bothSocketsRefused() async throws {
        try await Self.withPair(host: "127.0.0.1", rtcpMux: false, fixedPortForA: true, latchForA: false) { a, _, _, _, loop in
            try await loop.submit { a.setRemote(rtp: try SocketAddress(ipAddress: "127.255.255.255", port: 40_000), rtcp: nil) }.get()
            try await Self.sendFrames(1, from: a, on: loop)
            // The report timer (0.2 s minimum here) sends to 127.255.255.255:40001: refused too.
            let deadline = NIODeadline.now() + .seconds(5)
            while try await loop.submit({ a.statistics.socketsReopened }).get() < 2, NIODeadline.now() < deadline {
                try await Task.sleep(for: .milliseconds(10))
            }
            #expect(try await loop.submit({ a.statistics.socketsReopened }).get() == 2)
            try await Self.sendFrames(3, from: a, on: loop)
            let after = try await loop.submit { a.statistics }.get()
            #expect(after.socketsReopened == 2)
            #expect(after.packetsUnsendable == 3)
            #expect(after.reopenFailures == 0)
        }
    }

    @Test("an odd configured port is refused")
    func oddPort() async throws {
        let group = MultiThreadedEventLoopGroup(numberOfThreads: 1)
        await #expect(throws: RTPSessionError(.oddPort, "")) {
            _ = try await RTPSession.start(
                configuration: RTPSession.Configuration(host: "127.0.0.1", port: 40_001, payloadType: 0, clockRate: 8_000),
                on: group.next(), handler: { _ in })
        }
        try await group.shutdownGracefully()
    }
}

/// A port pair in use is not bound a second time: the session fails, so that a port
/// allocator moves on instead of two sessions splitting one port's packets.
@Suite("RTPSession ports")
struct RTPSessionPortTests {
    @Test("a second session on a port already in use fails to start")
    func portInUse() async throws {
        let group = MultiThreadedEventLoopGroup(numberOfThreads: 1)
        let loop = group.next()
        let first = try await RTPSession.start(
            configuration: RTPSession.Configuration(host: "127.0.0.1", payloadType: 0, clockRate: 8_000),
            on: loop, handler: { _ in })
        let port = try #require(try await loop.submit { first.localRTPAddress?.port }.get())
        await #expect(throws: (any Error).self) {
            let second = try await RTPSession.start(
                configuration: RTPSession.Configuration(host: "127.0.0.1", port: port, payloadType: 0, clockRate: 8_000),
                on: loop, handler: { _ in })
            await second.close()
        }
        await first.close()
        try await group.shutdownGracefully()
    }
}
