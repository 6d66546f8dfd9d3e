import NIOCore
import RTP
@testable import SRTP
import Testing

/// ``SRTPContext`` and ``SRTPProtector`` over libsrtp: known answers from RFC 3711 Appendix B,
/// round trips for every suite, tampering, replays and keys that do not match.
@Suite("SRTP: contexts through libsrtp (RFC 3711)")
struct SRTPContextTests {
    /// RFC 3711 Appendix B.3's master key and salt.
    static let masterKey = SRTPReference.bytes("E1F97A0D3E018BE0D64FA32C06DE4139")
    static let masterSalt = SRTPReference.bytes("0EC675AD498AFEEBB6960B3AABE6")

    /// A PCMU-like RTP packet: V=2, PT 0, `sequence`, timestamp, SSRC 0xDECAFBAD, `payload`.
    static func rtp(sequence: UInt16, ssrc: UInt32 = 0xDECA_FBAD, payload: [UInt8] = [UInt8](repeating: 0xAB, count: 160)) -> [UInt8] {
        var header: [UInt8] = [0x80, 0x00, UInt8(sequence >> 8), UInt8(sequence & 0xFF), 0x00, 0x00, 0x10, 0x00]
        for shift in stride(from: 24, through: 0, by: -8) { header.append(UInt8(truncatingIfNeeded: ssrc >> UInt32(shift))) }
        return header + payload
    }

    /// An RTCP receiver report with no blocks, then SDES with a CNAME.
    static let rtcp: [UInt8] = [
        0x80, 201, 0x00, 0x01, 0xDE, 0xCA, 0xFB, 0xAD,
        0x81, 202, 0x00, 0x03, 0xDE, 0xCA, 0xFB, 0xAD, 0x01, 0x03, 0x61, 0x62, 0x63, 0x00, 0x00, 0x00,
    ]

    static func pair(_ suite: SRTPCryptoSuite) throws -> (sender: SRTPContext, receiver: SRTPContext) {
        let key = SRTPMasterKey.random(for: suite)
        return (try SRTPContext(key: key, direction: .outbound), try SRTPContext(key: key, direction: .inbound))
    }

    @Test("the reference derives RFC 3711 B.3's session keys from its master key")
    func referenceKeyDerivation() throws {
        #expect(try SRTPReference.derive(masterKey: Self.masterKey, masterSalt: Self.masterSalt, label: 0, count: 16)
            == SRTPReference.bytes("C61E7A93744F39EE10734AFE3FF7A087"))
        #expect(try SRTPReference.derive(masterKey: Self.masterKey, masterSalt: Self.masterSalt, label: 1, count: 20)
            == SRTPReference.bytes("CEBE321F6FF7716B6FD4AB49AF256A156D38BAA4"))
        #expect(try SRTPReference.derive(masterKey: Self.masterKey, masterSalt: Self.masterSalt, label: 2, count: 14)
            == SRTPReference.bytes("30CBBC08863D8C85D49DB34A9AE1"))
    }

    @Test(
        "libsrtp's SRTP packet under RFC 3711 B.3's master key is the reference's, byte for byte",
        arguments: [(SRTPCryptoSuite.aesCM128HMACSHA1_80, 10), (.aesCM128HMACSHA1_32, 4)])
    func knownAnswer(_ suite: SRTPCryptoSuite, tagLength: Int) throws {
        let key = try SRTPMasterKey(suite: suite, keySalt: Self.masterKey + Self.masterSalt)
        let context = try SRTPContext(key: key, direction: .outbound)
        let plain = Self.rtp(sequence: 0x1234, payload: (0..<37).map { UInt8($0) })
        var buffer = ByteBuffer(bytes: plain)
        try context.protectRTP(&buffer)
        let expected = try SRTPReference.protect(plain, masterKey: Self.masterKey, masterSalt: Self.masterSalt, tagLength: tagLength)
        #expect(buffer.readableBytesView.elementsEqual(expected))
        #expect(buffer.readableBytes == plain.count + tagLength)
    }

    @Test("RTP and RTCP round trip under every suite; the payload on the wire is not the plain one", arguments: SRTPCryptoSuite.allCases)
    func roundTrip(_ suite: SRTPCryptoSuite) throws {
        let (sender, receiver) = try Self.pair(suite)
        for sequence in UInt16(100)..<UInt16(110) {
            let plain = Self.rtp(sequence: sequence)
            var buffer = ByteBuffer(bytes: plain)
            try sender.protectRTP(&buffer)
            #expect(buffer.readableBytes == plain.count + (suite.name.hasPrefix("AEAD_") ? 16 : suite.name.hasSuffix("_32") ? 4 : 10))
            #expect(buffer.getBytes(at: 12, length: 160) != Array(plain[12...]))
            try receiver.unprotectRTP(&buffer)
            #expect(buffer.readableBytesView.elementsEqual(plain))
        }
        var report = ByteBuffer(bytes: Self.rtcp)
        try sender.protectRTCP(&report)
        // E||index, then an 80-bit tag for every counter-mode suite, 128 bits for GCM.
        #expect(report.readableBytes == Self.rtcp.count + 4 + (suite.name.hasPrefix("AEAD_") ? 16 : 10))
        try receiver.unprotectRTCP(&report)
        #expect(report.readableBytesView.elementsEqual(Self.rtcp))
    }

    @Test("a packet in a buffer's middle (reader index past 0) is protected where it lies")
    func readerIndexInside() throws {
        let (sender, receiver) = try Self.pair(.aesCM128HMACSHA1_80)
        var buffer = ByteBuffer(bytes: [1, 2, 3] + Self.rtp(sequence: 7))
        buffer.moveReaderIndex(forwardBy: 3)
        try sender.protectRTP(&buffer)
        try receiver.unprotectRTP(&buffer)
        #expect(buffer.readableBytesView.elementsEqual(Self.rtp(sequence: 7)))
    }

    @Test("one flipped bit anywhere (header, payload or tag) fails authentication", arguments: [0, 3, 11, 12, 100, 171, 181])
    func tamper(_ position: Int) throws {
        let (sender, receiver) = try Self.pair(.aesCM128HMACSHA1_80)
        var buffer = ByteBuffer(bytes: Self.rtp(sequence: 1))
        try sender.protectRTP(&buffer)
        var bytes = try #require(buffer.getBytes(at: 0, length: buffer.readableBytes))
        bytes[position] ^= 0x04
        var tampered = ByteBuffer(bytes: bytes)
        #expect(throws: RTPProtectionError(.authenticationFailed)) { try receiver.unprotectRTP(&tampered) }
        // The genuine packet still passes afterwards: a forgery does not poison the context.
        try receiver.unprotectRTP(&buffer)
    }

    @Test("a replayed packet, RTP or RTCP, is refused; a late one inside the window is not")
    func replay() throws {
        let (sender, receiver) = try Self.pair(.aesCM128HMACSHA1_80)
        var protected: [ByteBuffer] = []
        for sequence in UInt16(1)...5 {
            var buffer = ByteBuffer(bytes: Self.rtp(sequence: sequence))
            try sender.protectRTP(&buffer)
            protected.append(buffer)
        }
        for index in [0, 1, 2, 4] {
            var copy = protected[index]
            try receiver.unprotectRTP(&copy)
        }
        var again = protected[1]
        #expect(throws: RTPProtectionError(.replayed)) { try receiver.unprotectRTP(&again) }
        var late = protected[3]  // sequence 4 after 5: out of order, inside the window
        try receiver.unprotectRTP(&late)
        var report = ByteBuffer(bytes: Self.rtcp)
        try sender.protectRTCP(&report)
        var first = report
        try receiver.unprotectRTCP(&first)
        #expect(throws: RTPProtectionError(.replayed)) {
            var second = report
            try receiver.unprotectRTCP(&second)
        }
    }

    @Test("a packet under another key fails authentication; a runt is malformed")
    func wrongKey() throws {
        let sender = try SRTPContext(key: .random(for: .aesCM128HMACSHA1_80), direction: .outbound)
        let receiver = try SRTPContext(key: .random(for: .aesCM128HMACSHA1_80), direction: .inbound)
        var buffer = ByteBuffer(bytes: Self.rtp(sequence: 9))
        try sender.protectRTP(&buffer)
        #expect(throws: RTPProtectionError(.authenticationFailed)) { try receiver.unprotectRTP(&buffer) }
        var runt = ByteBuffer(bytes: [0x80, 0x00, 0x00])
        #expect(throws: RTPProtectionError(.malformed)) { try receiver.unprotectRTP(&runt) }
        var empty = ByteBuffer()
        #expect(throws: RTPProtectionError(.malformed)) { try receiver.unprotectRTCP(&empty) }
    }

    @Test("random bytes never crash unprotect: each is refused with an error")
    func garbage() throws {
        let receiver = try SRTPContext(key: .random(for: .aesCM128HMACSHA1_32), direction: .inbound)
        var generator = SystemRandomNumberGenerator()
        for length in [0, 1, 11, 12, 13, 16, 40, 200, 1_500] {
            var bytes = (0..<length).map { _ in UInt8.random(in: 0...255, using: &generator) }
            if length > 0 { bytes[0] = 0x80 }
            var rtp = ByteBuffer(bytes: bytes)
            #expect(throws: RTPProtectionError.self) { try receiver.unprotectRTP(&rtp) }
            var rtcp = ByteBuffer(bytes: bytes)
            #expect(throws: RTPProtectionError.self) { try receiver.unprotectRTCP(&rtcp) }
        }
    }

    @Test("keys are checked for length and never shown in descriptions or mirrors")
    func keys() throws {
        #expect(throws: SRTPError(.keyLength)) { try SRTPMasterKey(suite: .aesCM128HMACSHA1_80, keySalt: [1, 2, 3]) }
        #expect(throws: SRTPError(.keyLength)) { try SRTPMasterKey(suite: .aes256CMHMACSHA1_80, keySalt: Self.masterKey + Self.masterSalt) }
        let key = try SRTPMasterKey(suite: .aesCM128HMACSHA1_80, keySalt: Self.masterKey + Self.masterSalt)
        var dumped = ""
        dump(key, to: &dumped)
        for text in [key.description, key.debugDescription, "\(key)", String(reflecting: key), dumped] {
            #expect(!text.lowercased().contains("e1f97a") && !text.contains("225, 249"))
            #expect(text.contains("30 bytes"))
        }
        let first = SRTPMasterKey.random(for: .aes256CMHMACSHA1_80)
        let second = SRTPMasterKey.random(for: .aes256CMHMACSHA1_80)
        #expect(first.keySalt.count == 46)
        #expect(first != second)
    }

    @Test("replacing keeps the context whose key did not change")
    func replacing() throws {
        let ours = SRTPMasterKey.random(for: .aesCM128HMACSHA1_80)
        let theirs = SRTPMasterKey.random(for: .aesCM128HMACSHA1_80)
        let protector = try SRTPProtector(sending: ours, receiving: theirs)
        #expect(try protector.replacing(sending: ours, receiving: theirs) === protector)
        let rekeyed = try protector.replacing(sending: ours, receiving: .random(for: .aesCM128HMACSHA1_80))
        #expect(rekeyed.outbound === protector.outbound)
        #expect(rekeyed.inbound !== protector.inbound)
    }
}
