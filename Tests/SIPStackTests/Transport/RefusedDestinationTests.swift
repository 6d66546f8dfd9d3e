import NIOCore
import NIOPosix
import SIPMessage
import SIPStack
import Testing

/// A destination the kernel refuses (a hostile Via or Contact) must not cost the UDP socket:
/// NIO closes a datagram channel on a refused `sendmsg`, which left an agent deaf on UDP.
@Suite("Refused UDP destinations", .timeLimit(.minutes(1)))
struct RefusedDestinationTests {
    @Test("port 0 and 255.255.255.255 are refused before the socket, which keeps receiving")
    func refusedBeforeTheSocket() async throws {
        let stack = try await TransportStack.start(host: "127.0.0.1", tcp: false)
        do {
            for (host, port) in [("127.0.0.1", 0), ("255.255.255.255", 5060)] {
                let destination = TransactionDestination(address: try SocketAddress(ipAddress: host, port: port), transport: .udp)
                let error = try await Self.sendError(stack, to: destination)
                #expect(error?.code == .transportFailed, "\(host):\(port)")
            }
            let statistics = try await stack.run { $0.transport.statistics }
            #expect(statistics.sendFailures == 2)
            #expect(statistics.udpSocketsReopened == 0)
            try await Self.expectReceives(stack)
        } catch {
            await stack.shutdown()
            throw error
        }
        await stack.shutdown()
    }

    /// A stack whose UDP port lies below the kernel's ephemeral range (32768-60999 here): the
    /// test closes that port and binds it again, and a port the kernel picked for us could be
    /// picked in between for a socket of a test running beside this one (CI saw it: "Address
    /// already in use" on the rebind).
    static func startBelowEphemeralPorts() async throws -> TransportStack {
        var lastError: (any Error)?
        for _ in 0..<20 {
            do {
                return try await TransportStack.start(host: "127.0.0.1", tcp: false, udpPort: Int.random(in: 10_000...32_000))
            } catch {
                lastError = error
            }
        }
        throw lastError ?? DeadlineExceeded()
    }

    @Test("a send the kernel refuses at the socket (a subnet broadcast address) closes NIO's channel; the port is bound again")
    func reopenedAfterARefusedSend() async throws {
        let stack = try await Self.startBelowEphemeralPorts()
        do {
            let before = try await stack.address(.udp)
            // 127.255.255.255 is loopback's broadcast address: EACCES without SO_BROADCAST.
            let destination = TransactionDestination(address: try SocketAddress(ipAddress: "127.255.255.255", port: 5060), transport: .udp)
            try await stack.run { try $0.transport.send(ByteBuffer(string: "OPTIONS"), to: destination) }
            let transport = stack.transport
            try await pollUntil(on: stack.eventLoop) { transport.statistics.udpSocketsReopened == 1 && transport.localAddress(for: .udp) == before }
            #expect(try await stack.run { $0.transport.statistics.udpReopenFailures } == 0)
            // That destination now fails at once: a retransmission does not close the socket again.
            let again = try await Self.sendError(stack, to: destination)
            #expect(again?.code == .transportFailed)
            #expect(try await stack.run { $0.transport.statistics.udpSocketsReopened } == 1)
            try await Self.expectReceives(stack)
        } catch {
            await stack.shutdown()
            throw error
        }
        await stack.shutdown()
    }

    /// What the transport layer throws when it is given a datagram for `destination`, or nil.
    static func sendError(_ stack: TransportStack, to destination: TransactionDestination) async throws -> TransactionError? {
        try await stack.run { stack -> TransactionError? in
            do throws(TransactionError) {
                try stack.transport.send(ByteBuffer(string: "OPTIONS"), to: destination)
                return nil
            } catch {
                return error
            }
        }
    }

    /// An OPTIONS from a raw client reaches the stack's transaction user.
    static func expectReceives(_ stack: TransportStack) async throws {
        let client = try await RawClient.udp(host: "127.0.0.1")
        let target = try await stack.address(.udp)
        let port = try #require(client.channel.localAddress?.port)
        let text = "OPTIONS sip:door@127.0.0.1 SIP/2.0\r\nVia: SIP/2.0/UDP 127.0.0.1:\(port);branch=z9hG4bKrefused1;rport\r\n"
            + "From: <sip:a@127.0.0.1>;tag=1\r\nTo: <sip:door@127.0.0.1>\r\nCall-ID: refused-1\r\nCSeq: 1 OPTIONS\r\n"
            + "Max-Forwards: 70\r\nContent-Length: 0\r\n\r\n"
        try await client.send(ByteBuffer(string: text), to: target)
        try await stack.user.wait { user in
            user.events.contains { event in
                if case .request(let request, _, _) = event { return request.callID?.string == "refused-1" }
                return false
            }
        }
        await client.close()
    }
}
