import Glibc
import MallocInterposerSwift

/// Counts heap allocations (`malloc`, `calloc`, `realloc`... calls) with `MallocInterposerSwift`.
///
/// The interposer is only sure to see allocations when `libMallocInterposerSwift.so` is
/// `LD_PRELOAD`ed. ``preloadInterposerIfNeeded()`` arranges that by re-executing the process with the library
/// (found next to the running executable) added to `LD_PRELOAD`. Whether counting works is then
/// checked with a probe allocation, so a counter that would read 0 is reported as unavailable
/// instead of as "no allocations".
struct AllocationCounter {
    /// The file name of the interposer library SwiftPM builds beside the executable.
    static let libraryName = "libMallocInterposerSwift.so"
    /// Set in the environment of the re-executed process, so that it never re-executes again.
    static let reexecMarker = "SWIFTSIP_BENCHMARKS_REEXEC"

    /// Makes sure the interposer is preloaded: returns when `LD_PRELOAD` already names it, else
    /// replaces the process with a copy of itself (same executable and arguments) whose
    /// `LD_PRELOAD` adds `libMallocInterposerSwift.so` from the executable's directory.
    ///
    /// Returns (after printing a warning) when the library cannot be found or `execv` fails.
    /// Counting may still work then (the executable links the library, and the loader can bind
    /// `malloc` to it before libc); ``init()`` checks, and yields nil when it does not.
    static func preloadInterposerIfNeeded() {
        let preload = environment("LD_PRELOAD") ?? ""
        if preload.contains(libraryName) { return }
        if environment(reexecMarker) != nil {
            Console.error("warning: \(libraryName) is still not in LD_PRELOAD after re-executing; allocations may not be counted")
            return
        }
        guard let executable = executablePath() else {
            Console.error("warning: cannot read /proc/self/exe (\(Console.errnoDescription())) to preload \(libraryName); allocations may not be counted")
            return
        }
        let directory = executable.lastIndex(of: "/").map { String(executable[..<$0]) } ?? "."
        let library = directory + "/" + libraryName
        guard access(library, R_OK) == 0 else {
            Console.error("warning: \(library) not found; allocations may not be counted")
            return
        }
        setenv("LD_PRELOAD", preload.isEmpty ? library : library + ":" + preload, 1)
        setenv(reexecMarker, "1", 1)
        let arguments = CommandLine.arguments
        var argv: [UnsafeMutablePointer<CChar>?] = arguments.map { strdup($0) }
        argv.append(nil)
        let execError: Int32 = argv.withUnsafeBufferPointer { pointers in
            guard let base = pointers.baseAddress else { return EINVAL }
            _ = execv(executable, base)
            return errno
        }
        // Only reached when execv failed.
        Console.error("warning: cannot re-execute \(executable) with LD_PRELOAD (\(Console.errnoDescription(execError))); allocations may not be counted")
        for pointer in argv { free(pointer) }
        unsetenv(reexecMarker)
        if preload.isEmpty { unsetenv("LD_PRELOAD") } else { setenv("LD_PRELOAD", preload, 1) }
    }

    /// A counter, or nil (after printing a warning) when the interposer does not see
    /// allocations in this process.
    init?() {
        MallocInterposerSwift.initialize()
        MallocInterposerSwift.hook()
        Self.probeAllocation()
        MallocInterposerSwift.unhook()
        guard MallocInterposerSwift.getStatistics().mallocCount > 0 else {
            Console.error("warning: the malloc interposer counts nothing (is \(Self.libraryName) preloaded?); allocations not counted")
            return nil
        }
    }

    /// The number of allocation calls `body` makes (on any thread while it runs).
    func countMallocs<Failure: Error>(_ body: () throws(Failure) -> Void) throws(Failure) -> Int {
        MallocInterposerSwift.initialize()
        MallocInterposerSwift.hook()
        do {
            try body()
        } catch {
            MallocInterposerSwift.unhook()
            throw error
        }
        MallocInterposerSwift.unhook()
        return MallocInterposerSwift.getStatistics().mallocCount
    }

    /// Allocates and frees one block through the Swift runtime (which calls `malloc`); not
    /// inlined, so the optimizer cannot pair up and remove the allocation.
    @inline(never)
    private static func probeAllocation() {
        let block = UnsafeMutableRawPointer.allocate(byteCount: 64, alignment: 8)
        block.storeBytes(of: 1, as: UInt8.self)
        block.deallocate()
    }

    /// The value of environment variable `name`, or nil when it is not set.
    private static func environment(_ name: String) -> String? {
        getenv(name).map { String(cString: $0) }
    }

    /// The path of the running executable, from `/proc/self/exe`.
    private static func executablePath() -> String? {
        var buffer = [CChar](repeating: 0, count: Int(PATH_MAX) + 1)
        let length = buffer.withUnsafeMutableBufferPointer { pointer -> Int in
            guard let base = pointer.baseAddress else { return -1 }
            return readlink("/proc/self/exe", base, pointer.count - 1)
        }
        guard length > 0 else { return nil }
        return String(decoding: buffer[..<length].map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }
}

extension AllocationCounter {
    /// The heap bytes still held after `body` returns that it allocated (bytes allocated minus
    /// bytes freed, on any thread while it runs), and `body`'s result.
    func netHeapBytes<Result>(_ body: () throws -> Result) rethrows -> (bytes: Int, result: Result) {
        MallocInterposerSwift.initialize()
        MallocInterposerSwift.hook()
        defer { MallocInterposerSwift.unhook() }
        let result = try body()
        let statistics = MallocInterposerSwift.getStatistics()
        return (statistics.mallocBytesCount - statistics.freeBytesCount, result)
    }
}
