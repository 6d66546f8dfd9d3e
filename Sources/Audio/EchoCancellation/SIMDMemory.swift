/// Aligned float storage and eight-lane loads and stores, for the canceller's inner loops over
/// spectrum bins (kept as split real and imaginary arrays padded to a multiple of eight).
enum SIMDMemory {
    /// Lanes per vector.
    static let lanes = 8

    /// `count` rounded up to a multiple of ``lanes``.
    static func padded(_ count: Int) -> Int { (count + lanes - 1) / lanes * lanes }

    /// `count` zeroed floats, 32-byte aligned. Free with `deallocate()`.
    static func zeros(_ count: Int) -> UnsafeMutablePointer<Float> {
        let raw = UnsafeMutableRawPointer.allocate(byteCount: max(count, 1) * MemoryLayout<Float>.stride, alignment: 32)
        let pointer = raw.bindMemory(to: Float.self, capacity: max(count, 1))
        pointer.initialize(repeating: 0, count: max(count, 1))
        return pointer
    }

    @inline(__always)
    static func load(_ pointer: UnsafeMutablePointer<Float>, _ index: Int) -> SIMD8<Float> {
        UnsafeRawPointer(pointer + index).loadUnaligned(as: SIMD8<Float>.self)
    }

    @inline(__always)
    static func store(_ value: SIMD8<Float>, _ pointer: UnsafeMutablePointer<Float>, _ index: Int) {
        UnsafeMutableRawPointer(pointer + index).storeBytes(of: value, as: SIMD8<Float>.self)
    }
}
