import CSRTP
import Foundation
import NIOCore
import RTP
@_spi(Benchmarks) import SRTP

/// `Benchmarks srtp`: the per-packet cost of SRTP as an ``RTP/RTPSession`` pays it. Each packet
/// is built in one reused send buffer and protected there (the session's send path), then
/// copied into one reused receive buffer and unprotected there (its receive path), by a pair of
/// ``SRTP/SRTPProtector``s with crossed keys. Reports ns per protect and per unprotect, and the
/// heap allocations per packet over the whole loop, next to those of libsrtp alone (the same
/// packets through `srtp_protect`/`srtp_unprotect` on a plain byte array): the difference is
/// what SwiftSIP's contexts and buffers add (target 0). Debian 12's libsrtp2 is built on NSS,
/// which allocates in every call; a libsrtp on OpenSSL or its own ciphers does not.
struct SRTPBenchmark {
    static let failure: Int32 = 1
    let options: SRTPOptions

    func run() -> Int32 {
        AllocationCounter.preloadInterposerIfNeeded()
        do {
            let result = try measure(counter: AllocationCounter())
            print(options.json ? result.json : result.readable)
            return BenchmarkCommand.success
        } catch {
            Console.error("Benchmarks srtp: \(error)")
            return Self.failure
        }
    }

    struct Result {
        var options: SRTPOptions
        var protectNanoseconds: Double
        var unprotectNanoseconds: Double
        var allocations: Int?
        /// The allocations of libsrtp alone for the same packets.
        var libraryAllocations: Int?

        var allocationsPerPacket: Double? { allocations.map { Double($0) / Double(options.packets) } }
        var libraryAllocationsPerPacket: Double? { libraryAllocations.map { Double($0) / Double(options.packets) } }
        /// What the contexts and buffers add to libsrtp's own allocations, per packet.
        var wrapperAllocationsPerPacket: Double? {
            guard let allocations, let libraryAllocations else { return nil }
            return Double(allocations - libraryAllocations) / Double(options.packets)
        }

        var json: String {
            func number(_ value: Double?) -> String { value.map { String(format: "%.4f", $0) } ?? "null" }
            return "{\"bench\":\"srtp\",\"suite\":\"\(options.suite.name)\",\"packets\":\(options.packets),"
                + "\"payload\":\(options.payload),\"ns_per_protect\":\(String(format: "%.1f", protectNanoseconds)),"
                + "\"ns_per_unprotect\":\(String(format: "%.1f", unprotectNanoseconds)),"
                + "\"allocs_per_packet\":\(number(allocationsPerPacket)),"
                + "\"libsrtp_allocs_per_packet\":\(number(libraryAllocationsPerPacket)),"
                + "\"wrapper_allocs_per_packet\":\(number(wrapperAllocationsPerPacket))}"
        }

        var readable: String {
            func number(_ value: Double?) -> String { value.map { String(format: "%.4f", $0) } ?? "n/a" }
            return "srtp \(options.suite.name), \(options.packets) packets of \(options.payload) bytes: "
                + "\(String(format: "%.1f", protectNanoseconds)) ns/protect, \(String(format: "%.1f", unprotectNanoseconds)) ns/unprotect, "
                + "\(number(allocationsPerPacket)) allocs/packet (libsrtp alone \(number(libraryAllocationsPerPacket)), "
                + "added by SwiftSIP \(number(wrapperAllocationsPerPacket)))"
        }
    }

    /// A protect or unprotect failed: the benchmark's own pair should never fail.
    struct Failure: Error, CustomStringConvertible {
        let description: String
    }

    private func measure(counter: AllocationCounter?) throws -> Result {
        let ours = SRTPMasterKey.random(for: options.suite)
        let theirs = SRTPMasterKey.random(for: options.suite)
        let sender = try SRTPProtector(sending: ours, receiving: theirs)
        let receiver = try SRTPProtector(sending: theirs, receiving: ours)
        let payload = ByteBuffer(repeating: 0xD5, count: options.payload)
        var sendBuffer = ByteBufferAllocator().buffer(capacity: 1_500)
        var receiveBuffer = ByteBufferAllocator().buffer(capacity: 1_500)
        var sequence: UInt16 = 0
        var protectTime: UInt64 = 0
        var unprotectTime: UInt64 = 0
        var failure: RTPProtectionError?

        // One packet each way, the warm-up making the contexts' streams for this SSRC.
        func packet() {
            sequence &+= 1
            let header = RTPHeader(payloadType: 0, sequenceNumber: sequence, timestamp: UInt32(sequence) &* 160, ssrc: 0x5EC0_0001)
            sendBuffer.clear()
            sendBuffer.writeRTPPacket(header, payload: payload)
            let start = DispatchTime.now().uptimeNanoseconds
            do throws(RTPProtectionError) {
                try sender.protectRTP(&sendBuffer)
                let middle = DispatchTime.now().uptimeNanoseconds
                receiveBuffer.clear()
                receiveBuffer.writeImmutableBuffer(sendBuffer)
                try receiver.unprotectRTP(&receiveBuffer)
                protectTime &+= middle - start
                unprotectTime &+= DispatchTime.now().uptimeNanoseconds - middle
            } catch {
                failure = error
            }
        }
        packet()
        protectTime = 0
        unprotectTime = 0
        let loop = {
            for _ in 0..<options.packets { packet() }
        }
        let allocations = counter?.countMallocs(loop)
        if counter == nil { loop() }
        if let failure { throw Failure(description: "a packet failed: \(failure)") }
        let libraryAllocations = try counter.map { counter in try libraryAlone(counter: counter, key: ours) }
        return Result(
            options: options, protectNanoseconds: Double(protectTime) / Double(options.packets),
            unprotectNanoseconds: Double(unprotectTime) / Double(options.packets), allocations: allocations,
            libraryAllocations: libraryAllocations)
    }

    /// The allocations of `srtp_protect` and `srtp_unprotect` alone on the same packets, in one
    /// byte array with room for the tag, under one outbound and one inbound session of `key`.
    private func libraryAlone(counter: AllocationCounter, key: SRTPMasterKey) throws -> Int {
        func session(_ type: srtp_ssrc_type_t) throws -> srtp_t {
            var policy = srtp_policy_t()
            options.suite.configure(rtp: &policy.rtp, rtcp: &policy.rtcp)
            policy.ssrc = srtp_ssrc_t(type: type, value: 0)
            policy.window_size = 128
            var keySalt = key.keySalt
            var created: srtp_t?
            let status = keySalt.withUnsafeMutableBufferPointer { bytes in
                policy.key = bytes.baseAddress
                return srtp_create(&created, &policy)
            }
            guard status == srtp_err_status_ok, let created else { throw Failure(description: "srtp_create failed (\(status))") }
            return created
        }
        let outbound = try session(ssrc_any_outbound)
        let inbound = try session(ssrc_any_inbound)
        defer {
            srtp_dealloc(outbound)
            srtp_dealloc(inbound)
        }
        var packet = [UInt8](repeating: 0, count: 12 + options.payload + Int(CSRTP_maximumTrailerLength))
        var sequence: UInt16 = 0
        var failed = false
        func one() {
            sequence &+= 1
            packet.withUnsafeMutableBytes { bytes in
                guard let base = bytes.baseAddress else { return }
                bytes[0] = 0x80
                bytes[1] = 0
                bytes[2] = UInt8(sequence >> 8)
                bytes[3] = UInt8(sequence & 0xFF)
                bytes[8] = 0x5E
                bytes[11] = 0x01
                for index in 12..<(12 + options.payload) { bytes[index] = 0xD5 }
                var length = Int32(12 + options.payload)
                if srtp_protect(outbound, base, &length) != srtp_err_status_ok { failed = true }
                if srtp_unprotect(inbound, base, &length) != srtp_err_status_ok { failed = true }
            }
        }
        one()
        let allocations = counter.countMallocs {
            for _ in 0..<options.packets { one() }
        }
        if failed { throw Failure(description: "libsrtp alone failed a packet") }
        return allocations
    }
}
