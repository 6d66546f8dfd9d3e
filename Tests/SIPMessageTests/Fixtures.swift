import Foundation
import NIOCore

/// Loads test fixtures from `Tests/SIPMessageTests/Fixtures`, found relative to this file so
/// the tests run from any working directory.
enum Fixtures {
    static let directory = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("Fixtures")

    static func bytes(_ relativePath: String) throws -> [UInt8] {
        Array(try Data(contentsOf: directory.appendingPathComponent(relativePath)))
    }

    static func files(in folder: String) throws -> [String] {
        try FileManager.default.contentsOfDirectory(atPath: directory.appendingPathComponent(folder).path)
            .filter { !$0.hasPrefix(".") && $0 != "README.md" }
            .sorted()
    }
}

extension ByteBuffer {
    init(bytes: [UInt8]) {
        self = ByteBufferAllocator().buffer(capacity: bytes.count)
        self.writeBytes(bytes)
    }
}
