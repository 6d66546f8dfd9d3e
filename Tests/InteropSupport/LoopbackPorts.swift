import NIOCore
import NIOPosix

/// Free ports on 127.0.0.1 for the processes a test starts (which need a number in their
/// configuration before they run). A port is found free by binding it, then released: another
/// process may take it before ours binds, so starters retry on a bind failure.
public enum LoopbackPorts {
    /// A port that UDP and TCP can both bind on 127.0.0.1 now, the kernel's pick.
    public static func freeUDPAndTCP() async throws -> Int {
        for _ in 0..<20 {
            let port = try await probe(.udp, port: 0)
            if (try? await probe(.tcp, port: port)) != nil { return port }
        }
        throw InteropFailure("no port free for both UDP and TCP on 127.0.0.1 in 20 tries")
    }

    /// `count` consecutive ports starting at an even one, all free for UDP now, in 40000-59999
    /// (for RTP ranges).
    public static func freeUDPRange(count: Int) async throws -> ClosedRange<Int> {
        for _ in 0..<50 {
            let base = Int.random(in: 20_000...(29_999 - count / 2)) * 2
            var free = true
            for port in base..<(base + count) where (try? await probe(.udp, port: port)) == nil {
                free = false
                break
            }
            if free { return base...(base + count - 1) }
        }
        throw InteropFailure("no \(count) consecutive free UDP ports on 127.0.0.1 in 50 tries")
    }

    private enum Kind { case udp, tcp }

    /// Binds `kind` to 127.0.0.1:`port` (0: any), returns the bound port, closes the socket.
    private static func probe(_ kind: Kind, port: Int) async throws -> Int {
        let group = MultiThreadedEventLoopGroup.singleton
        let channel: any Channel
        switch kind {
        case .udp:
            channel = try await DatagramBootstrap(group: group).bind(host: "127.0.0.1", port: port).get()
        case .tcp:
            channel = try await ServerBootstrap(group: group).bind(host: "127.0.0.1", port: port).get()
        }
        let bound = channel.localAddress?.port
        try? await channel.close()
        guard let bound else { throw InteropFailure("a socket bound to 127.0.0.1:\(port) has no port") }
        return bound
    }
}
