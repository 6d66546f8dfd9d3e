#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Free ports on 127.0.0.1 for the processes a test starts (which need a number in their
/// configuration before they run). A port is found free by binding it, then released: another
/// process may take it before ours binds, so starters retry on a bind failure.
public enum LoopbackPorts {
    /// A port that UDP and TCP can both bind on 127.0.0.1 now, the kernel's pick.
    public static func freeUDPAndTCP() throws -> Int {
        for _ in 0..<20 {
            let port = try bindProbe(.udp, port: 0)
            if (try? bindProbe(.tcp, port: port)) != nil { return port }
        }
        throw InteropFailure("no port free for both UDP and TCP on 127.0.0.1 in 20 tries")
    }

    /// `count` consecutive ports starting at an even one, all free for UDP now, in 32000-59999
    /// (for RTP ranges).
    public static func freeUDPRange(count: Int) throws -> ClosedRange<Int> {
        for _ in 0..<50 {
            let base = Int.random(in: 16_000...(29_999 - count / 2)) * 2
            if (0..<count).allSatisfy({ (try? bindProbe(.udp, port: base + $0)) != nil }) {
                return base...(base + count - 1)
            }
        }
        throw InteropFailure("no \(count) consecutive free UDP ports on 127.0.0.1 in 50 tries")
    }

    private enum Kind { case udp, tcp }

    /// Binds a socket of `kind` to 127.0.0.1:`port` (0: any), returns the bound port, closes it.
    private static func bindProbe(_ kind: Kind, port: Int) throws -> Int {
        #if canImport(Glibc)
        let type = Int32(kind == .udp ? SOCK_DGRAM.rawValue : SOCK_STREAM.rawValue)
        #else
        let type = kind == .udp ? SOCK_DGRAM : SOCK_STREAM
        #endif
        let descriptor = socket(AF_INET, type, 0)
        guard descriptor >= 0 else { throw InteropFailure("socket() failed: errno \(errno)") }
        defer { close(descriptor) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = in_port_t(UInt16(port).bigEndian)
        address.sin_addr.s_addr = in_addr_t(0x7F00_0001).bigEndian
        let bound = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(descriptor, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        }
        guard bound == 0 else { throw InteropFailure("127.0.0.1:\(port) is taken (errno \(errno))") }
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        let named = withUnsafeMutablePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(descriptor, $0, &length) }
        }
        guard named == 0 else { throw InteropFailure("getsockname() failed: errno \(errno)") }
        return Int(UInt16(bigEndian: address.sin_port))
    }
}
