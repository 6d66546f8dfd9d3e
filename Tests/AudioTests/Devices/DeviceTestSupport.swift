import Foundation

/// A fresh temporary directory per test, and small helpers the device tests share.
struct TemporaryDirectory: ~Copyable {
    let path: String

    init() throws {
        path = NSTemporaryDirectory() + "swiftsip-audio-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
    }

    deinit {
        try? FileManager.default.removeItem(atPath: path)
    }

    func file(_ name: String) -> String { path + "/" + name }
}

enum DeviceTestSupport {
    /// `count` samples of a ramp that never repeats within 32768 samples, starting at `start`.
    static func ramp(_ count: Int, start: Int = 1) -> [Int16] {
        (0..<count).map { Int16(truncatingIfNeeded: (start + $0 * 7) % 30_000 - 15_000) }
    }

    /// Native-endian bytes of `samples`, as ALSA's raw file plugin writes S16.
    static func bytes(of samples: [Int16]) -> [UInt8] {
        samples.withUnsafeBytes { Array($0) }
    }

    /// Monotonic nanoseconds.
    static func now() -> UInt64 { DispatchTime.now().uptimeNanoseconds }
}
