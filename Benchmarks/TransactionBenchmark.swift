import Foundation
import Intercom
import Logging
import NIOCore
import NIOPosix
import SIPStack

/// `Benchmarks transactions`: non-INVITE transactions per second through the whole SIPStack on
/// loopback, and the heap held per 1000 live server transactions.
///
/// The server is a ``SIPTransportLayer`` (UDP, 127.0.0.1) feeding a ``TransactionLayer`` whose
/// transaction user is a ``SIPUserAgent``: it checks each OPTIONS (RFC 3261 §8.2) and answers
/// 200 with Allow, Accept and Supported (§11.2), as the agent does. The client is a
/// plain UDP load generator (``OptionsLoadGenerator``) on another event loop, keeping a window
/// of requests in flight, each a new transaction; it holds no transaction state, so what is
/// measured is the server stack: parse, match, create the server transaction, hand to the UA
/// core, check the request, build and send the response, keep the transaction in Completed for Timer J (RFC 3261
/// §17.2.2).
///
/// 1. Throughput: requests for `--seconds`, counted when their 200 arrives.
/// 2. Memory: `--live` more transactions, then the heap bytes allocated and not freed while
///    they were created (ordo-one/malloc-interposer), per 1000 transactions still live.
struct TransactionBenchmark {
    let options: TransactionOptions

    func run() -> Int32 {
        AllocationCounter.preloadInterposerIfNeeded()
        let group = MultiThreadedEventLoopGroup.singleton
        do {
            let result = try group.next().makeFutureWithTask { try await measure(group: group) }.wait()
            print(options.json ? result.jsonLine : result.text)
            return 0
        } catch {
            Console.error("Benchmarks transactions: \(error)")
            return 1
        }
    }

    /// The figures of one run.
    struct Result: Sendable {
        var transactions: Int
        var seconds: Double
        var liveTransactions: Int
        var bytesPer1000Live: Int?

        var perSecond: Double { Double(transactions) / seconds }

        var jsonLine: String {
            "{\"bench\":\"transactions\",\"transactions_per_s\":\(Int(perSecond.rounded()))"
                + ",\"bytes_per_1000_live\":\(bytesPer1000Live.map(String.init) ?? "null")"
                + ",\"transactions\":\(transactions),\"live\":\(liveTransactions)}"
        }

        var text: String {
            """
            transactions benchmark (OPTIONS in, 200 out, UDP on 127.0.0.1)
              transactions/s:          \(Int(perSecond.rounded())) (\(transactions) in \(String(format: "%.2f", seconds)) s)
              live server transactions: \(liveTransactions)
              heap per 1000 live:      \(bytesPer1000Live.map { "\($0) bytes" } ?? "n/a")
            """
        }
    }

    struct BenchmarkError: Error, CustomStringConvertible {
        let description: String
    }

    private func measure(group: MultiThreadedEventLoopGroup) async throws -> Result {
        let serverLoop = group.next()
        let clientLoop = group.next()
        var quiet = Logger(label: "bench")
        quiet.logLevel = .error
        let logger = quiet
        let transport = try await SIPTransportLayer.start(
            configuration: .init(host: "127.0.0.1", udpPort: 0, tcpPort: 0, udp: true, tcp: false), on: serverLoop, logger: logger)
        let (layer, agent) = try await serverLoop.submit { () -> (TransactionLayer, SIPUserAgent) in
            let layer = TransactionLayer(
                eventLoop: serverLoop, transport: transport, configuration: .init(maximumTransactions: 4_000_000), logger: logger)
            transport.transactionLayer = layer
            let port = transport.localAddress(for: .udp)?.port ?? 5060
            let agent = SIPUserAgent(
                configuration: .init(addressOfRecord: "sip:bench@127.0.0.1", host: "127.0.0.1", ports: [.udp: port]),
                layer: layer, transport: transport, logger: logger)
            return (layer, agent)
        }.get()
        defer { _ = transport }
        guard let server = try await serverLoop.submit({ transport.localAddress(for: .udp) }).get() else {
            throw BenchmarkError(description: "the server did not bind UDP")
        }

        // Warm-up, then the timed phase.
        _ = try await generate(to: server, total: 2_000, on: clientLoop)
        let start = ContinuousClock.now
        let count = try await generate(to: server, total: Int.max, seconds: options.seconds, on: clientLoop)
        let elapsed = ContinuousClock.now - start
        let seconds = Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) * 1e-18

        // Memory: transactions created now stay live in Completed for Timer J (32 s over UDP).
        var bytesPer1000: Int?
        var liveAfter = 0
        if let counter = AllocationCounter() {
            let liveBefore = try await serverLoop.submit { layer.liveTransactionCount }.get()
            let (bytes, _) = try counter.netHeapBytes {
                try clientLoop.makeFutureWithTask { try await generate(to: server, total: options.live, on: clientLoop) }.wait()
            }
            liveAfter = try await serverLoop.submit { layer.liveTransactionCount }.get()
            let added = liveAfter - liveBefore
            if added > 0 { bytesPer1000 = Int((Double(bytes) / Double(added) * 1000).rounded()) }
        } else {
            liveAfter = try await serverLoop.submit { layer.liveTransactionCount }.get()
        }
        try await serverLoop.submit {
            agent.shutdown()
            layer.shutdown()
        }.get()
        await transport.close()
        return Result(transactions: count, seconds: seconds, liveTransactions: liveAfter, bytesPer1000Live: bytesPer1000)
    }

    /// Runs the load generator until `total` requests are answered or `seconds` have passed.
    private func generate(to server: SocketAddress, total: Int, seconds: Double? = nil, on loop: any EventLoop) async throws -> Int {
        let done = loop.makePromise(of: Int.self)
        let window = options.window
        let channel = try await DatagramBootstrap(group: loop)
            .channelInitializer { channel in
                channel.eventLoop.makeCompletedFuture {
                    try channel.pipeline.syncOperations.addHandler(
                        OptionsLoadGenerator(server: server, window: window, total: total, localHost: "127.0.0.1", done: done))
                }
            }
            .bind(host: "127.0.0.1", port: 0).get()
        if let seconds {
            loop.scheduleTask(in: .nanoseconds(Int64(seconds * 1e9))) {
                if let generator = try? channel.pipeline.syncOperations.handler(type: OptionsLoadGenerator.self) {
                    generator.stop()
                }
            }
        }
        // A lost datagram would stall the window: give up after a bound.
        loop.scheduleTask(in: .seconds(Int64((seconds ?? 0) + 60))) {
            done.fail(BenchmarkError(description: "responses stopped arriving"))
        }
        let count = try await done.futureResult.get()
        try await channel.close()
        return count
    }
}
