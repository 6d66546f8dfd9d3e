import NIOCore
import NIOPosix

/// One WebSocket frame as the tests see it (RFC 6455 §5.2), written and read by hand, so that
/// the tests do not check NIO's WebSocket codec against itself.
struct RawFrame: Sendable, Equatable {
    var fin = true
    var opcode: UInt8
    var payload: [UInt8]

    static let continuation: UInt8 = 0x0
    static let text: UInt8 = 0x1
    static let binary: UInt8 = 0x2
    static let close: UInt8 = 0x8
    static let ping: UInt8 = 0x9
    static let pong: UInt8 = 0xA

    /// The status code of a close frame, if it has one.
    var closeCode: Int? {
        guard opcode == Self.close, payload.count >= 2 else { return nil }
        return Int(payload[0]) << 8 | Int(payload[1])
    }

    var text: String { String(decoding: payload, as: UTF8.self) }

    /// The frame on the wire, masked with `mask` when given (a client masks every frame).
    func encoded(mask: [UInt8]? = [0x1F, 0x2E, 0x3D, 0x4C]) -> [UInt8] {
        var bytes: [UInt8] = [(fin ? 0x80 : 0) | opcode]
        let maskBit: UInt8 = mask == nil ? 0 : 0x80
        switch payload.count {
        case ..<126:
            bytes.append(maskBit | UInt8(payload.count))
        case ..<65_536:
            bytes.append(maskBit | 126)
            bytes += [UInt8(payload.count >> 8), UInt8(payload.count & 0xFF)]
        default:
            bytes.append(maskBit | 127)
            bytes += (0..<8).reversed().map { UInt8((payload.count >> ($0 * 8)) & 0xFF) }
        }
        if let mask {
            bytes += mask
            bytes += payload.enumerated().map { $0.element ^ mask[$0.offset % 4] }
        } else {
            bytes += payload
        }
        return bytes
    }

    /// The complete frames at the start of `bytes` (a server's, unmasked or masked).
    static func decode(_ bytes: [UInt8]) -> [RawFrame] {
        var frames: [RawFrame] = []
        var index = 0
        while bytes.count - index >= 2 {
            let first = bytes[index], second = bytes[index + 1]
            var length = Int(second & 0x7F)
            var cursor = index + 2
            if length == 126 {
                guard bytes.count >= cursor + 2 else { break }
                length = Int(bytes[cursor]) << 8 | Int(bytes[cursor + 1])
                cursor += 2
            } else if length == 127 {
                guard bytes.count >= cursor + 8 else { break }
                length = bytes[cursor..<cursor + 8].reduce(0) { $0 << 8 | Int($1) }
                cursor += 8
            }
            var mask: [UInt8]?
            if second & 0x80 != 0 {
                guard bytes.count >= cursor + 4 else { break }
                mask = Array(bytes[cursor..<cursor + 4])
                cursor += 4
            }
            guard bytes.count >= cursor + length else { break }
            var payload = Array(bytes[cursor..<cursor + length])
            if let mask { payload = payload.enumerated().map { $0.element ^ mask[$0.offset % 4] } }
            frames.append(RawFrame(fin: first & 0x80 != 0, opcode: first & 0x0F, payload: payload))
            index = cursor + length
        }
        return frames
    }
}

/// A WebSocket client written by hand on a plain TCP connection: it sends an upgrade request as
/// text, then frames built byte by byte, and reads the answer and the server's frames from a
/// ``ByteCollector``.
struct RawWebSocketClient: Sendable {
    let raw: RawClient

    /// The upgrade request for `path`, offering `subprotocol` when given.
    static func upgradeRequest(path: String = "/", host: String = "localhost", subprotocol: String? = "sip") -> String {
        var lines = [
            "GET \(path) HTTP/1.1",
            "Host: \(host)",
            "Upgrade: websocket",
            "Connection: Upgrade",
            "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==",
            "Sec-WebSocket-Version: 13",
        ]
        if let subprotocol { lines.append("Sec-WebSocket-Protocol: \(subprotocol)") }
        return lines.joined(separator: "\r\n") + "\r\n\r\n"
    }

    /// Connects to `address` and sends `request`; returns once the HTTP answer's head is in.
    static func connect(to address: SocketAddress, request: String = upgradeRequest()) async throws -> RawWebSocketClient {
        let raw = try await RawClient.tcp(to: address)
        try await raw.send(ByteBuffer(string: request))
        try await raw.collector.wait { String(buffer: $0).contains("\r\n\r\n") }
        return RawWebSocketClient(raw: raw)
    }

    /// The HTTP answer's head (status line and headers).
    func answerHead() async throws -> String {
        let text = try await raw.collector.text()
        guard let end = text.firstRange(of: "\r\n\r\n") else { return text }
        return String(text[..<end.lowerBound])
    }

    /// The frames received after the HTTP answer's head.
    func frames() async throws -> [RawFrame] {
        try await raw.collector.eventLoop.submit { Self.frames(in: self.raw.collector.bytes) }.get()
    }

    static func frames(in buffer: ByteBuffer) -> [RawFrame] {
        let bytes = Array(buffer.readableBytesView)
        guard let end = bytes.firstRange(of: [0x0D, 0x0A, 0x0D, 0x0A]) else { return [] }
        return RawFrame.decode(Array(bytes[end.upperBound...]))
    }

    /// Waits until the frames received satisfy `condition`.
    func waitForFrames(within: TimeAmount = .seconds(10), until condition: @escaping @Sendable ([RawFrame]) -> Bool) async throws {
        try await raw.collector.wait(within: within) { condition(Self.frames(in: $0)) }
    }

    func send(_ frame: RawFrame) async throws {
        try await raw.send(ByteBuffer(bytes: frame.encoded()))
    }

    /// Sends `text` as one masked text frame.
    func sendText(_ text: String) async throws {
        try await send(RawFrame(opcode: RawFrame.text, payload: Array(text.utf8)))
    }
}
