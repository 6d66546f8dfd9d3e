import NIOCore
import NIOPosix
import SIPMessage
import SIPStack
import Testing

/// A connection that closes under a client transaction ends it with a transport error at once
/// (RFC 5626 §4.4, RFC 3261 §17.1.4), rather than at Timer F 32 s later.
@Suite("Connection loss reported to client transactions", .timeLimit(.minutes(1)))
struct ConnectionLossTests {
    @Test("the peer closes the TCP connection before answering: the OPTIONS transaction gets a transport error")
    func peerClosesBeforeAnswering() async throws {
        let client = try await TransportStack.start(host: "127.0.0.1")
        let server = try await TransportStack.start(host: "127.0.0.1")
        do {
            let target = try await server.address(.tcp)
            let request = try optionsRequest(to: "127.0.0.1")
            let key = try await client.run { stack -> TransactionKey? in
                guard let stamped = stack.transport.stampingVia(request, transport: .tcp) else { return nil }
                return try stack.transactions.sendRequest(stamped, to: .tcp(target))
            }
            #expect(key != nil)
            // The server got it and leaves it unanswered; then it goes away.
            try await server.user.wait { !$0.requests.isEmpty }
            await server.shutdown()
            try await client.user.wait { user in
                user.events.contains { if case .transportError = $0 { true } else { false } }
            }
            let events = try await client.run { $0.user.events }
            #expect(!events.contains { if case .timeout = $0 { true } else { false } })
            #expect(events.contains { if case .terminated = $0 { true } else { false } })
            #expect(try await client.run { $0.transactions.liveTransactionCount } == 0)
        } catch {
            await server.shutdown()
            await client.shutdown()
            throw error
        }
        await client.shutdown()
    }

    @Test("a closed connection leaves answered transactions and transactions to other peers alone")
    func onlyWaitingTransactionsOnThatFlow() async throws {
        let client = try await TransportStack.start(host: "127.0.0.1")
        let answering = try await TransportStack.start(host: "127.0.0.1")
        let silent = try await TransportStack.start(host: "127.0.0.1")
        do {
            try await answering.run { $0.user.answerStatus = 200 }
            let answeringAddress = try await answering.address(.tcp)
            let silentAddress = try await silent.address(.tcp)
            let first = try optionsRequest(to: "127.0.0.1")
            let second = try optionsRequest(to: "127.0.0.1")
            try await client.run { stack in
                guard let a = stack.transport.stampingVia(first, transport: .tcp),
                      let b = stack.transport.stampingVia(second, transport: .tcp) else { return }
                try stack.transactions.sendRequest(a, to: .tcp(answeringAddress))
                try stack.transactions.sendRequest(b, to: .tcp(silentAddress))
            }
            try await client.user.wait { $0.responseStatuses == [200] }
            try await silent.user.wait { !$0.requests.isEmpty }
            // Closing the answering peer touches nothing: its transaction has its final response.
            await answering.shutdown()
            let lost = try await client.run { stack in
                stack.transactions.reportConnectionLost(to: .tcp(answeringAddress))
            }
            #expect(lost == 0)
            #expect(try await client.run { !$0.user.hasFailures })
            await silent.shutdown()
            try await client.user.wait { $0.hasFailures }
        } catch {
            await answering.shutdown()
            await silent.shutdown()
            await client.shutdown()
            throw error
        }
        await client.shutdown()
    }
}
