import Foundation
import NIOCore
import Testing

/// A real `tcpdump` capturing UDP on the loopback interface into a pcap file, for tests that
/// judge what went over the wire (RTP gaps during a flood) rather than what an endpoint says
/// it sent. Started and stopped by PID; needs root (CI runs as root) and the Debian package
/// `tcpdump`, which `make test` installs.
public final class PacketCapture: @unchecked Sendable {
    /// One captured UDP datagram over IPv4 or IPv6.
    public struct Datagram: Sendable {
        /// Capture time [s] since the epoch.
        public var time: Double
        public var sourcePort: Int
        public var destinationPort: Int
        /// The first bytes of the UDP payload (the capture keeps 96 bytes of each frame).
        public var payload: [UInt8]

        /// Whether the payload is an RTP packet (version 2, not an RTCP packet type 200-204).
        public var isRTP: Bool {
            payload.count >= 12 && payload[0] >> 6 == 2 && !(200...204).contains(Int(payload[1]))
        }
    }

    private let process: Process
    private let file: URL
    private let log: URL

    private init(process: Process, file: URL, log: URL) {
        self.process = process
        self.file = file
        self.log = log
    }

    /// The tcpdump executable, or nil.
    public static var executable: String? { KamailioInterop.executable(named: "tcpdump") }

    /// Starts `tcpdump -i lo` with `filter` (a pcap filter expression) and returns once it
    /// listens.
    public static func start(filter: String) async throws -> PacketCapture {
        guard let tcpdump = executable else {
            throw InteropFailure("tcpdump is not installed: run `make test` (or `apt-get install tcpdump`)")
        }
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("swiftsip-pcap-\(UUID().uuidString.prefix(8))")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        let file = directory.appendingPathComponent("capture.pcap")
        let log = directory.appendingPathComponent("tcpdump.log")
        guard FileManager.default.createFile(atPath: log.path, contents: nil), let output = FileHandle(forWritingAtPath: log.path) else {
            throw InteropFailure("cannot create \(log.path)")
        }
        let process = Process()
        // -U: write each packet at once; -s 96: headers and the start of the payload; -Z root:
        // keep the privileges needed to write the file. With an empty signal mask, or SIGTERM
        // would not stop it (tcpdumps left running after the tests, capturing on).
        UnmaskedLaunch.configure(
            process, executable: tcpdump, arguments: ["-i", "lo", "-n", "-U", "-s", "96", "-Z", "root", "-w", file.path, filter])
        process.standardInput = FileHandle.nullDevice
        process.standardOutput = output
        process.standardError = output
        try process.run()
        let capture = PacketCapture(process: process, file: file, log: log)
        for _ in 0..<100 {
            if capture.logText.contains("listening on") { return capture }
            guard process.isRunning else { break }
            try await KamailioInterop.pause(.milliseconds(50))
        }
        capture.process.terminate()
        throw InteropFailure("tcpdump did not start listening:\n\(capture.logText)")
    }

    private var logText: String {
        FileManager.default.contents(atPath: log.path).map { String(decoding: $0, as: UTF8.self) } ?? ""
    }

    /// Stops tcpdump (SIGTERM by PID, waiting for it to flush) and returns the UDP datagrams
    /// captured.
    public func stop() async throws -> [Datagram] {
        if process.isRunning { process.terminate() }
        for _ in 0..<100 where process.isRunning { try await KamailioInterop.pause(.milliseconds(50)) }
        // Never left running: -U wrote every packet already.
        if process.isRunning { kill(process.processIdentifier, SIGKILL) }
        guard let data = FileManager.default.contents(atPath: file.path) else {
            throw InteropFailure("no capture file; tcpdump said:\n\(logText)")
        }
        defer { try? FileManager.default.removeItem(at: file.deletingLastPathComponent()) }
        return try Self.parse(Array(data))
    }

    /// The UDP datagrams of a classic pcap file (Ethernet link type, as tcpdump writes for `lo`).
    public static func parse(_ bytes: [UInt8]) throws -> [Datagram] {
        func u32(_ at: Int, little: Bool) -> UInt32 {
            let b = bytes[at..<at + 4].map(UInt32.init)
            return little ? b[0] | b[1] << 8 | b[2] << 16 | b[3] << 24 : b[3] | b[2] << 8 | b[1] << 16 | b[0] << 24
        }
        guard bytes.count >= 24 else { throw InteropFailure("pcap file of \(bytes.count) bytes") }
        let magic = u32(0, little: true)
        let little: Bool
        let fractionScale: Double
        switch magic {
        case 0xA1B2_C3D4: (little, fractionScale) = (true, 1e-6)
        case 0xA1B2_3C4D: (little, fractionScale) = (true, 1e-9)
        case 0xD4C3_B2A1: (little, fractionScale) = (false, 1e-6)
        case 0x4D3C_B2A1: (little, fractionScale) = (false, 1e-9)
        default: throw InteropFailure("not a pcap file (magic \(String(magic, radix: 16)))")
        }
        guard u32(20, little: little) == 1 else { throw InteropFailure("pcap link type \(u32(20, little: little)), expected Ethernet") }
        var datagrams: [Datagram] = []
        var offset = 24
        while offset + 16 <= bytes.count {
            let seconds = Double(u32(offset, little: little))
            let fraction = Double(u32(offset + 4, little: little))
            let length = Int(u32(offset + 8, little: little))
            let frame = offset + 16
            offset = frame + length
            guard offset <= bytes.count, length >= 14 else { break }
            let etherType = Int(bytes[frame + 12]) << 8 | Int(bytes[frame + 13])
            var ip = frame + 14
            let udp: Int
            switch etherType {
            case 0x0800:
                guard ip + 20 <= offset, bytes[ip + 9] == 17 else { continue }
                udp = ip + Int(bytes[ip] & 0x0F) * 4
            case 0x86DD:
                guard ip + 40 <= offset, bytes[ip + 6] == 17 else { continue }
                ip += 40
                udp = ip
            default:
                continue
            }
            guard udp + 8 <= offset else { continue }
            datagrams.append(Datagram(
                time: seconds + fraction * fractionScale,
                sourcePort: Int(bytes[udp]) << 8 | Int(bytes[udp + 1]),
                destinationPort: Int(bytes[udp + 2]) << 8 | Int(bytes[udp + 3]),
                payload: Array(bytes[(udp + 8)..<offset])))
        }
        return datagrams
    }
}
