// libFuzzer target for DNS answers, the input the agent takes from a name server when it
// locates its registrars (RFC 3263): SIPStack's `DNSResolver.records(of:section:name:)` over
// glibc's libresolv parser (CSupport/CResolv), the records it yields, and the RFC 2782 order of
// the SRV records among them.
//
// Built only by Tests/Fuzz/run-fuzzers.sh (SWIFTSIP_FUZZ=1, -sanitize=fuzzer,address,
// -parse-as-library); see Tests/Fuzz/README.md. The whole input is one DNS message.
//
// A thrown `DNSError` is an expected outcome; a crash, a sanitizer report, a Swift trap or a
// broken property (`fail`) is a bug.

import FuzzSupport
import NIOCore
import SIPStack

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzz(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    let message = Array(UnsafeBufferPointer(start: data, count: size))
    var services: [SRVRecord] = []
    for section: Int32 in [1, 2, 3] {
        guard let records = try? DNSResolver.records(of: message, section: section, name: "fuzz") else { continue }
        // Each record takes at least 11 bytes of the message (a one-byte name or pointer, type,
        // class, TTL and length).
        check(records.count * 11 <= message.count, "\(records.count) records out of \(message.count) bytes")
        for record in records {
            check(record.name.utf8.count <= 1024, "an owner name of \(record.name.utf8.count) bytes")
            switch record.data {
            case .address(let bytes):
                check(bytes.count == 4 || bytes.count == 16, "an address of \(bytes.count) bytes")
                let address = record.socketAddress(port: 5060)
                check(address?.port == 5060, "the address \(bytes) gives no socket address")
            case .service(let srv):
                check(srv.target.utf8.count <= 1024, "an SRV target of \(srv.target.utf8.count) bytes")
                check(record.socketAddress(port: 5060) == nil, "an SRV record gave a socket address")
                if section == 1 { services.append(srv) }
            }
            blackHole(record)
        }
    }
    // The order keeps every record once and never puts a higher priority first.
    var generator = SystemRandomNumberGenerator()
    let ordered = SRVRecord.ordered(services, using: &generator)
    check(ordered.count == services.count, "\(services.count) SRV records ordered into \(ordered.count)")
    check(zip(ordered, ordered.dropFirst()).allSatisfy { $0.priority <= $1.priority }, "priorities out of order: \(ordered)")
    check(Set(ordered) == Set(services), "the order lost or invented a record")
    finishInput()
    return 0
}

// MARK: - Entry point

@_cdecl("DNSFuzzer_main")
public func fuzzerMain(_ argc: CInt, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?) -> CInt {
    runLibFuzzer(argc, argv, fuzz)
}
