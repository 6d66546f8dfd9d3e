import NIOCore

/// One resource record of a DNS answer that SIP server location uses (RFC 3263): an address
/// (A or AAAA) or a service location (SRV, RFC 2782).
public struct DNSRecord: Sendable, Hashable {
    /// The record's data.
    public enum Data: Sendable, Hashable {
        /// An IPv4 (A) or IPv6 (AAAA) address, in network byte order (4 or 16 bytes).
        case address([UInt8])
        case service(SRVRecord)
    }

    /// Owner name, dotted, without the trailing dot.
    public var name: String
    /// Seconds the record may be cached.
    public var ttl: UInt32
    public var data: Data

    public init(name: String, ttl: UInt32, data: Data) {
        self.name = name
        self.ttl = ttl
        self.data = data
    }

    /// The address as a socket address on `port`, for an A or AAAA record.
    public func socketAddress(port: Int) -> SocketAddress? {
        guard case .address(let bytes) = data else { return nil }
        let text: String
        if bytes.count == 4 {
            text = bytes.map(String.init).joined(separator: ".")
        } else if bytes.count == 16 {
            text = stride(from: 0, to: 16, by: 2)
                .map { String(UInt16(bytes[$0]) << 8 | UInt16(bytes[$0 + 1]), radix: 16) }
                .joined(separator: ":")
        } else {
            return nil
        }
        return try? SocketAddress(ipAddress: text, port: port)
    }
}

/// A service location record (RFC 2782): where `_service._proto.name` is served.
public struct SRVRecord: Sendable, Hashable {
    /// Lower is tried first.
    public var priority: UInt16
    /// Among records of one priority, the share of choices each gets.
    public var weight: UInt16
    public var port: UInt16
    /// The host name, without the trailing dot; "." (empty here) means the service is
    /// decidedly not available at this domain.
    public var target: String

    public init(priority: UInt16, weight: UInt16, port: UInt16, target: String) {
        self.priority = priority
        self.weight = weight
        self.port = port
        self.target = target
    }

    /// `records` in the order a client tries them (RFC 2782, "Usage rules"): by priority,
    /// lowest first; within a priority, each next one drawn with a probability proportional to
    /// its weight (zero-weight records have a small chance, and come first among themselves
    /// in the running sums, as the RFC orders them).
    public static func ordered<G: RandomNumberGenerator>(_ records: [SRVRecord], using generator: inout G) -> [SRVRecord] {
        let priorities = Set(records.map(\.priority)).sorted()
        var result: [SRVRecord] = []
        result.reserveCapacity(records.count)
        for priority in priorities {
            // Zero weights first, then the rest, in the order given.
            var left = records.filter { $0.priority == priority && $0.weight == 0 }
                + records.filter { $0.priority == priority && $0.weight != 0 }
            while !left.isEmpty {
                let total = left.reduce(0) { $0 + Int($1.weight) }
                let pick = Int.random(in: 0...total, using: &generator)
                var sum = 0
                var chosen = left.count - 1
                for (index, record) in left.enumerated() {
                    sum += Int(record.weight)
                    if sum >= pick {
                        chosen = index
                        break
                    }
                }
                result.append(left.remove(at: chosen))
            }
        }
        return result
    }
}
