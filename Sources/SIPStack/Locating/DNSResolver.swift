import CResolv

/// A DNS stub resolver (glibc's libresolv): the servers of /etc/resolv.conf, or one given
/// server, asked for SRV, A and AAAA records.
///
/// Lookups block until the server answers or the resolver gives up (its own timeouts and
/// retries; a few seconds at most): run them off an event loop. One resolver serves one thread
/// at a time; it is noncopyable because it owns its resolver state.
public struct DNSResolver: ~Copyable {
    private let state: OpaquePointer
    /// The server asked, `ip:port`, or nil for the system's.
    public let server: String?

    /// The types asked for.
    public enum RecordType: Int32, Sendable {
        case a = 1
        case aaaa = 28
        case srv = 33
    }

    /// A resolver of the system's configuration, or one asking only `server` (`IPv4:port` or
    /// an IPv4 address for port 53).
    ///
    /// - Throws: ``DNSError`` when the resolver cannot be set up or `server` is not an IPv4
    ///   address with an optional port.
    public init(server: String? = nil) throws(DNSError) {
        guard let state = cresolv_open() else {
            throw DNSError(.failure, name: server ?? "/etc/resolv.conf", "the resolver could not be initialised")
        }
        if let server {
            let parts = server.split(separator: ":", omittingEmptySubsequences: false)
            let port = parts.count == 2 ? UInt16(parts[1]) : (parts.count == 1 ? 53 : nil)
            guard let port, port > 0, cresolv_use_nameserver(state, String(parts[0]), port) == 0 else {
                cresolv_close(state)
                throw DNSError(.failure, name: server, "not an IPv4 address with an optional port (192.0.2.53:53)")
            }
        }
        self.state = state
        self.server = server
    }

    deinit {
        cresolv_close(state)
    }

    /// The records of `type` for `name`, and the addresses the server added for their targets
    /// (the additional section), in the order of the answer.
    ///
    /// - Throws: ``DNSError`` with ``DNSError/Code/noSuchName`` or ``DNSError/Code/noData``
    ///   when there is nothing of that type, ``DNSError/Code/temporaryFailure`` when no server
    ///   answered, ``DNSError/Code/failure`` for a malformed answer.
    public func query(_ name: String, _ type: RecordType) throws(DNSError) -> (answers: [DNSRecord], additional: [DNSRecord]) {
        // 64 KiB holds any answer over TCP, which libresolv falls back to when UDP truncates.
        var buffer = [UInt8](repeating: 0, count: 65_536)
        var error: Int32 = 0
        let length = buffer.withUnsafeMutableBufferPointer {
            cresolv_query(state, name, type.rawValue, $0.baseAddress, Int32($0.count), &error)
        }
        guard length >= 0 else {
            switch error {
            case 1: throw DNSError(.noSuchName, name: name, "no such name")
            case 4: throw DNSError(.noData, name: name, "no \(type) record")
            case 2: throw DNSError(.temporaryFailure, name: name, "no answer from \(server ?? "the name servers")")
            default: throw DNSError(.failure, name: name, "the query failed (h_errno \(error))")
            }
        }
        let message = Array(buffer[0..<Int(length)])
        let answers = try Self.records(of: message, section: 1, name: name)
        let additional = (try? Self.records(of: message, section: 3, name: name)) ?? []
        return (answers, additional)
    }

    /// The A, AAAA and SRV records of `section` (1: answer, 3: additional) of a DNS message;
    /// other types are skipped.
    ///
    /// - Throws: ``DNSError/Code/failure`` naming `name` and the record when the message or a
    ///   record in it is malformed.
    public static func records(of message: [UInt8], section: Int32, name: String) throws(DNSError) -> [DNSRecord] {
        try message.withUnsafeBufferPointer { (bytes) throws(DNSError) -> [DNSRecord] in
            let length = Int32(bytes.count)
            let count = cresolv_count(bytes.baseAddress, length, section)
            guard count >= 0 else { throw DNSError(.failure, name: name, "the answer (\(bytes.count) bytes) is malformed") }
            var result: [DNSRecord] = []
            var record = cresolv_record()
            for index in 0..<count {
                guard cresolv_record_at(bytes.baseAddress, length, section, index, &record) == 0 else {
                    throw DNSError(.failure, name: name, "record \(index) of section \(section) is malformed")
                }
                let owner = Self.string(record.name)
                switch UInt16(record.type) {
                case 1, 28:
                    let bytes = withUnsafeBytes(of: record.address) { Array($0.prefix(Int(record.address_length))) }
                    result.append(DNSRecord(name: owner, ttl: record.ttl, data: .address(bytes)))
                case 33:
                    var target = Self.string(record.target)
                    if target == "." { target = "" }  // dn_expand gives "" for the root; "." is the same
                    result.append(DNSRecord(name: owner, ttl: record.ttl, data: .service(SRVRecord(
                        priority: record.priority, weight: record.weight, port: record.port, target: target))))
                default:
                    continue
                }
            }
            return result
        }
    }

    /// A NUL-terminated C array field as a String.
    private static func string<T>(_ field: T) -> String {
        withUnsafeBytes(of: field) { raw in
            let bytes = raw.prefix { $0 != 0 }
            return String(decoding: bytes, as: UTF8.self)
        }
    }
}
