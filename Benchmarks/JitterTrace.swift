import Glibc

/// One RTP network trace in the format of `../shared/jitter-traces/README.md`:
///
/// ```
/// # clock=8000 ptime=20 name=reorder seed=4 ...
/// seq,rtp_ts,send_ms,arrival_ms
/// 65000,4294807296,1000.000,1033.628
/// ```
///
/// one row per packet in send order, `arrival_ms` = `-1` for a packet the network lost. Times
/// are kept in integer µs (the files have 3 decimals of ms, so this is exact).
struct JitterTrace: Sendable {
    /// One row of the trace.
    struct Packet: Sendable, Hashable {
        /// The RTP sequence number.
        let sequenceNumber: UInt16
        /// The RTP timestamp [samples].
        let timestamp: UInt32
        /// When the sender sent it [µs, receiver clock].
        let sendMicroseconds: Int64
        /// When it arrived [µs], or nil when the network lost it.
        let arrivalMicroseconds: Int64?
    }

    /// The file name without `.csv`: the trace's name in reports and playout logs.
    let name: String
    /// The file it was read from.
    let path: String
    /// The RTP clock rate [Hz].
    let clockRate: Int
    /// The packet duration [ms].
    let ptimeMs: Int
    /// The packets, in send order (the row index identifies a packet).
    let packets: [Packet]

    /// The RTP timestamp step of one packet.
    var samplesPerFrame: Int { clockRate * ptimeMs / 1000 }

    /// The `.csv` files of `path` in name order when it is a directory, else `path` itself.
    ///
    /// - Throws: ``JitterTraceError`` when the path cannot be read or the directory holds no
    ///   `.csv` file.
    static func paths(_ path: String) throws(JitterTraceError) -> [String] {
        var info = stat()
        guard stat(path, &info) == 0 else {
            throw JitterTraceError(.unreadable, file: path, line: 0, Console.errnoDescription())
        }
        guard (info.st_mode & S_IFMT) == S_IFDIR else { return [path] }
        guard let stream = opendir(path) else {
            throw JitterTraceError(.unreadable, file: path, line: 0, Console.errnoDescription())
        }
        defer { closedir(stream) }
        var names: [String] = []
        while let entry = readdir(stream) {
            let name = withUnsafeBytes(of: entry.pointee.d_name) { raw in
                String(decoding: raw.prefix(while: { $0 != 0 }), as: UTF8.self)
            }
            if name.hasSuffix(".csv"), !name.hasPrefix(".") { names.append(name) }
        }
        guard !names.isEmpty else {
            throw JitterTraceError(.noTraces, file: path, line: 0, "the directory holds no .csv file")
        }
        names.sort { $0.utf8.lexicographicallyPrecedes($1.utf8) }
        let directory = path.hasSuffix("/") ? String(path.dropLast()) : path
        return names.map { directory + "/" + $0 }
    }

    /// Reads and parses the trace at `path`.
    ///
    /// - Throws: ``JitterTraceError`` with the file and line of the first problem.
    init(path: String) throws(JitterTraceError) {
        let bytes = try Self.read(path)
        var name = path
        if let slash = name.lastIndex(of: "/") { name = String(name[name.index(after: slash)...]) }
        if name.hasSuffix(".csv") { name = String(name.dropLast(4)) }
        try self.init(name: name, path: path, bytes: bytes)
    }

    /// Parses trace text; `path` is only used in errors.
    ///
    /// - Throws: ``JitterTraceError`` with the file and line of the first problem.
    init(name: String, path: String, bytes: [UInt8]) throws(JitterTraceError) {
        var lines = bytes.split(separator: UInt8(ascii: "\n"), omittingEmptySubsequences: false)
            .map { line in line.last == UInt8(ascii: "\r") ? line.dropLast() : line }
        while let last = lines.last, last.isEmpty { lines.removeLast() }
        guard let metadata = lines.first, metadata.first == UInt8(ascii: "#") else {
            throw JitterTraceError(.badMetadata, file: path, line: 1, "expected '# clock=... ptime=...'")
        }
        var clock: Int?
        var ptime: Int?
        for pair in metadata.dropFirst().split(separator: UInt8(ascii: " ")) {
            let text = String(decoding: pair, as: UTF8.self)
            if text.hasPrefix("clock=") { clock = Int(text.dropFirst(6)) }
            if text.hasPrefix("ptime=") { ptime = Int(text.dropFirst(6)) }
        }
        guard let clock, (1000...384_000).contains(clock) else {
            throw JitterTraceError(.badMetadata, file: path, line: 1, "clock= missing or not an integer from 1000 to 384000")
        }
        guard let ptime, (1...1000).contains(ptime), clock * ptime % 1000 == 0 else {
            throw JitterTraceError(.badMetadata, file: path, line: 1,
                                   "ptime= missing, not an integer from 1 to 1000 ms, or not a whole number of samples")
        }
        guard lines.count > 1, String(decoding: lines[1], as: UTF8.self) == "seq,rtp_ts,send_ms,arrival_ms" else {
            throw JitterTraceError(.badHeader, file: path, line: 2, "expected 'seq,rtp_ts,send_ms,arrival_ms'")
        }
        var packets: [Packet] = []
        packets.reserveCapacity(lines.count - 2)
        for lineIndex in 2..<lines.count {
            packets.append(try Self.packet(lines[lineIndex], file: path, line: lineIndex + 1))
        }
        guard packets.contains(where: { $0.arrivalMicroseconds != nil }) else {
            throw JitterTraceError(.noPackets, file: path, line: 0, "no data line with an arrival time")
        }
        self.name = name
        self.path = path
        self.clockRate = clock
        self.ptimeMs = ptime
        self.packets = packets
    }

    /// Parses one data line.
    private static func packet(_ line: ArraySlice<UInt8>, file: String, line number: Int) throws(JitterTraceError) -> Packet {
        let fields = line.split(separator: UInt8(ascii: ","), omittingEmptySubsequences: false)
        guard fields.count == 4 else {
            throw JitterTraceError(.badColumnCount, file: file, line: number, "expected 4 fields, found \(fields.count)")
        }
        func text(_ index: Int) -> String { String(decoding: fields[index], as: UTF8.self) }
        guard let sequence = UInt16(text(0)) else {
            throw JitterTraceError(.badField, file: file, line: number, "seq '\(text(0))' is not an integer from 0 to 65535")
        }
        guard let timestamp = UInt32(text(1)) else {
            throw JitterTraceError(.badField, file: file, line: number, "rtp_ts '\(text(1))' is not an integer from 0 to 4294967295")
        }
        guard let send = microseconds(text(2)) else {
            throw JitterTraceError(.badField, file: file, line: number, "send_ms '\(text(2))' is not a time in ms")
        }
        let arrival: Int64?
        if text(3) == "-1" {
            arrival = nil
        } else if let value = microseconds(text(3)) {
            arrival = value
        } else {
            throw JitterTraceError(.badField, file: file, line: number, "arrival_ms '\(text(3))' is neither -1 nor a time in ms")
        }
        return Packet(sequenceNumber: sequence, timestamp: timestamp, sendMicroseconds: send, arrivalMicroseconds: arrival)
    }

    /// `text` (ms, decimal) in whole µs, when it is a finite number from 0 to 10^12 ms.
    private static func microseconds(_ text: String) -> Int64? {
        guard let milliseconds = Double(text), milliseconds.isFinite, milliseconds >= 0, milliseconds <= 1e12 else {
            return nil
        }
        return Int64((milliseconds * 1000).rounded())
    }

    /// The bytes of the file at `path`.
    private static func read(_ path: String) throws(JitterTraceError) -> [UInt8] {
        let descriptor = open(path, O_RDONLY | O_CLOEXEC)
        guard descriptor >= 0 else {
            throw JitterTraceError(.unreadable, file: path, line: 0, Console.errnoDescription())
        }
        defer { close(descriptor) }
        var bytes: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 65_536)
        while true {
            let count = chunk.withUnsafeMutableBytes { raw in Glibc.read(descriptor, raw.baseAddress, raw.count) }
            if count < 0 {
                if errno == EINTR { continue }
                throw JitterTraceError(.unreadable, file: path, line: 0, Console.errnoDescription())
            }
            if count == 0 { return bytes }
            bytes.append(contentsOf: chunk[..<count])
        }
    }
}
