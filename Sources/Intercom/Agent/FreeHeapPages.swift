#if canImport(Glibc)
import Glibc
#endif

/// The pages of the C heap that hold no allocation any more, given back to the system.
///
/// glibc's `malloc` keeps freed memory for reuse, and gives it back only from the top of the
/// heap, above the highest block still in use. A call's set-up allocates and frees more than
/// it keeps (message parsing, a WAV file read and converted, the engine's buffers), with the
/// call's own blocks above the freed ones, so after each call the heap held a few hundred
/// kilobytes of free pages resident. `malloc_trim(0)` walks the free lists of every arena and
/// gives back (`MADV_DONTNEED`) each whole page that no allocation uses; the next allocation
/// there faults in a zeroed page. It is looked up at run time, since neither Swift's Glibc
/// module nor musl has it: elsewhere ``release()`` does nothing.
public enum FreeHeapPages {
    /// Gives the free pages back; true when the C library could do it and some were. On any
    /// thread but the audio thread (it takes each arena's lock in turn); a few hundred
    /// microseconds.
    @discardableResult
    public static func release() -> Bool {
        guard let trim = mallocTrim else { return false }
        return trim(0) == 1
    }

    /// `int malloc_trim(size_t pad)`, looked up once (each lookup runs the loader's code,
    /// which would then stay resident).
    private static let mallocTrim: (@convention(c) (Int) -> Int32)? = {
        #if canImport(Glibc)
        guard let symbol = dlsym(UnsafeMutableRawPointer(bitPattern: 0), "malloc_trim") else { return nil }
        return unsafeBitCast(symbol, to: (@convention(c) (Int) -> Int32).self)
        #else
        return nil
        #endif
    }()
}
