import NIOCore
import NIOEmbedded
import SIPMessage
@testable import SIPStack
import Testing

/// The TCP read path of ``SIPTransportLayer`` on an `EmbeddedChannel`, so that every split of
/// the stream is fed exactly as chosen (RFC 3261 §18.3): whole, split at every byte boundary
/// and byte by byte.
@Suite("SIPStreamHandler: framing on an embedded channel")
struct SIPStreamHandlerTests {
    /// Three pipelined messages, one with a body and one with compact Content-Length.
    static let messages: [String] = [
        TransactionFixtures.wire([
            "OPTIONS sip:bob@example.com SIP/2.0",
            "Via: SIP/2.0/TCP client.example.com;branch=z9hG4bKembedded1",
            "To: <sip:bob@example.com>",
            "From: <sip:alice@example.com>;tag=1",
            "Call-ID: embedded-1@test",
            "CSeq: 1 OPTIONS",
            "Content-Length: 0",
        ]),
        TransactionFixtures.wire([
            "MESSAGE sip:bob@example.com SIP/2.0",
            "Via: SIP/2.0/TCP client.example.com;branch=z9hG4bKembedded2",
            "To: <sip:bob@example.com>",
            "From: <sip:alice@example.com>;tag=1",
            "Call-ID: embedded-2@test",
            "CSeq: 2 MESSAGE",
            "l: 11",
        ], body: "hello\r\n\r\nyo"),
        TransactionFixtures.wire([
            "OPTIONS sip:bob@example.com SIP/2.0",
            "Via: SIP/2.0/TCP client.example.com;branch=z9hG4bKembedded3",
            "To: <sip:bob@example.com>",
            "From: <sip:alice@example.com>;tag=1",
            "Call-ID: embedded-3@test",
            "CSeq: 3 OPTIONS",
            "Content-Length: 0",
        ]),
    ]

    /// Feeds `chunks` to a fresh handler and returns the Call-IDs and bodies delivered.
    static func feed(_ chunks: [ArraySlice<UInt8>]) throws -> (delivered: [String], statistics: SIPTransportStatistics) {
        let loop = EmbeddedEventLoop()
        let layer = SIPTransportLayer(eventLoop: loop, configuration: .init(idleTimeout: nil))
        let transactions = TransactionLayer(eventLoop: loop, transport: layer)
        let user = TransportTestUser(eventLoop: loop)
        transactions.user = user
        layer.transactionLayer = transactions
        let channel = EmbeddedChannel(handler: SIPStreamHandler(layer: layer, peer: nil), loop: loop)
        try channel.connect(to: SocketAddress(ipAddress: "192.0.2.7", port: 40_000)).wait()
        for chunk in chunks {
            try channel.writeInbound(ByteBuffer(bytes: chunk))
        }
        let delivered = user.requests.map { ($0.callID?.string ?? "?") + "|" + $0.body.string }
        let statistics = layer.statistics
        transactions.shutdown()
        _ = try? channel.finish()
        return (delivered, statistics)
    }

    static let expected = ["embedded-1@test|", "embedded-2@test|hello\r\n\r\nyo", "embedded-3@test|"]

    @Test("pipelined messages arrive intact whole, split at every byte boundary and byte by byte")
    func everySplit() throws {
        let bytes = Array(Self.messages.joined().utf8)
        #expect(try Self.feed([bytes[...]]).delivered == Self.expected)
        for split in 1..<bytes.count {
            let result = try Self.feed([bytes[..<split], bytes[split...]])
            #expect(result.delivered == Self.expected, "split at \(split)")
            #expect(result.statistics.messagesReceived == 3)
        }
        let byteByByte = try Self.feed(bytes.indices.map { bytes[$0...$0] })
        #expect(byteByByte.delivered == Self.expected)
    }

    @Test("keep-alives between messages are consumed and a ping is answered")
    func keepAlivesBetweenMessages() throws {
        let bytes = Array(("\r\n\r\n" + Self.messages[0] + "\r\n\r\n" + Self.messages[1]).utf8)
        let result = try Self.feed([bytes[...]])
        #expect(result.delivered == Array(Self.expected.prefix(2)))
        #expect(result.statistics.pingsAnswered == 2)
    }
}
