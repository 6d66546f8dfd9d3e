/// A jitter trace file that cannot be used, and where it is wrong: the file and the line.
///
/// Compare errors by ``code``. ``line`` is 1-based (0 when the file as a whole is the problem,
/// such as an unreadable or empty file).
struct JitterTraceError: Error, Sendable, Hashable, CustomStringConvertible {
    /// What kind of problem this is: an extensible code, not an enum.
    struct Code: Sendable, Hashable, CustomStringConvertible {
        let rawValue: UInt8
        let name: StaticString

        init(_ rawValue: UInt8, _ name: StaticString) {
            self.rawValue = rawValue
            self.name = name
        }

        static func == (lhs: Code, rhs: Code) -> Bool { lhs.rawValue == rhs.rawValue }
        func hash(into hasher: inout Hasher) { hasher.combine(rawValue) }
        var description: String { name.description }

        /// The file cannot be opened or read.
        static let unreadable = Code(1, "unreadable file")
        /// Line 1 is not `# key=value ...` with integer `clock` and `ptime` in range.
        static let badMetadata = Code(2, "bad metadata line")
        /// Line 2 is not `seq,rtp_ts,send_ms,arrival_ms`.
        static let badHeader = Code(3, "bad column header")
        /// A data line does not have exactly four comma-separated fields.
        static let badColumnCount = Code(4, "wrong number of fields")
        /// A field is not a number in its column's range.
        static let badField = Code(5, "bad field")
        /// The file has no data line, or no packet arrived.
        static let noPackets = Code(6, "no packets")
        /// A trace directory holds no `.csv` file.
        static let noTraces = Code(7, "no trace files")
    }

    /// What is wrong.
    let code: Code
    /// The file.
    let file: String
    /// The 1-based line, or 0 for the file as a whole.
    let line: Int
    /// What was expected or found, for the reader.
    let detail: String

    init(_ code: Code, file: String, line: Int, _ detail: String) {
        self.code = code
        self.file = file
        self.line = line
        self.detail = detail
    }

    var description: String {
        line > 0 ? "\(file):\(line): \(code): \(detail)" : "\(file): \(code): \(detail)"
    }
}
