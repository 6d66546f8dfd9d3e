#if canImport(Glibc)
import CDynamicLinker
import Glibc
#endif

/// The pages of the process's read-only, file-backed segments (machine code, constants, Swift
/// type metadata, unwind tables) in every loaded object: the executable and its shared libraries.
///
/// Start-up runs a lot of code once (argument parsing, YAML, the service group, the first
/// bind of every socket), and each page it touched stays in the process's resident set until
/// the kernel needs the memory back: in the agent's release build that was about 18 MB of a
/// 25 MB resident set, against the 2 MB it runs while idle (docs/benchmarks.md, "Agent
/// footprint"). ``release()`` drops these pages from the resident set with
/// `madvise(MADV_DONTNEED)`. They stay in the page cache, so whatever runs again faults back in
/// without reading the disk (a minor fault), and what never runs again stops counting.
///
/// Nothing is lost: only segments the program headers mark not writable are dropped, minus the
/// `PT_GNU_RELRO` range (relocated by the loader, then made read-only: those pages hold data
/// the file does not have), and never in an object with text relocations. Such a page is the
/// file's bytes, which a fault maps again. The walk runs inside `dl_iterate_phdr` (through the
/// `CDynamicLinker` shim), which holds the loader's lock, so no library is being loaded or
/// unloaded meanwhile. Under `mlockall` `madvise` refuses (counted in ``Release/failures``) and
/// nothing changes. Under a debugger nothing is dropped: its breakpoints are written into code
/// pages, and a dropped page would come back from the file without them.
public enum ReadOnlyPages {
    /// What one ``release()`` did.
    public struct Release: Sendable, Equatable, CustomStringConvertible {
        /// Loaded objects walked (the executable, shared libraries; not the vDSO).
        public var objects = 0
        /// Page ranges given to `madvise`.
        public var ranges = 0
        /// Their size [bytes] (pages, resident or not).
        public var bytes = 0
        /// Ranges `madvise` refused (memory locked, or not a plain file mapping).
        public var failures = 0
        /// Ranges registered to fault back in page by page (``SinglePageFaults``), when the
        /// release had one.
        public var singlePageRanges = 0
        /// Ranges the userfaultfd refused to register; they fault around as before.
        public var singlePageFailures = 0
        /// The process of the debugger or tracer attached, when one was: nothing was dropped.
        public var tracer: Int?

        public init() {}

        public var description: String {
            if let tracer { return "nothing: process \(tracer) traces this one (a debugger's breakpoints live in code pages)" }
            return "\(bytes / 1024) kB of read-only pages in \(ranges) ranges of \(objects) objects" + (failures > 0 ? ", \(failures) refused" : "")
                + (singlePageRanges > 0 ? ", \(singlePageRanges) ranges faulting in page by page" : "")
                + (singlePageFailures > 0 ? " (\(singlePageFailures) ranges refused by userfaultfd)" : "")
        }
    }

    /// Drops the read-only, file-backed pages of every loaded object from the resident set.
    /// With `singlePage`, each range is first registered with it, so that what runs again
    /// faults back in page by page rather than in 64 KB windows (objects loaded since the last
    /// release included). On any thread; a few hundred microseconds. Elsewhere than on Linux it
    /// does nothing.
    public static func release(singlePage: SinglePageFaults? = nil) -> Release {
        var walk = Walk(singlePage: singlePage)
        #if canImport(Glibc)
        if let tracer = tracerProcess(status: readStatus()) {
            walk.result.tracer = tracer
            return walk.result
        }
        _ = withUnsafeMutablePointer(to: &walk) { pointer in
            cdynamiclinker_iterate({ object, context in
                guard let object, let context else { return 0 }
                ReadOnlyPages.release(object: object.pointee, into: &context.assumingMemoryBound(to: Walk.self).pointee)
                return 0
            }, pointer)
        }
        #endif
        return walk.result
    }

    /// What the walk over the loaded objects carries.
    private struct Walk {
        let singlePage: SinglePageFaults?
        var result = Release()
    }

    /// The `TracerPid` of a `/proc/PID/status` text when it is not 0: the process tracing this
    /// one (a debugger, strace).
    static func tracerProcess(status: String) -> Int? {
        for line in status.split(separator: "\n") where line.hasPrefix("TracerPid:") {
            guard let pid = Int(line.dropFirst("TracerPid:".count).trimmingPrefix(while: { $0 == " " || $0 == "\t" })), pid != 0 else { return nil }
            return pid
        }
        return nil
    }

    #if canImport(Glibc)
    /// This process's `/proc/self/status` (about 1.5 kB; `TracerPid` is in its first lines), or ""
    /// when it cannot be read.
    private static func readStatus() -> String {
        let descriptor = open("/proc/self/status", O_RDONLY | O_CLOEXEC)
        guard descriptor >= 0 else { return "" }
        defer { close(descriptor) }
        var bytes = [UInt8](repeating: 0, count: 4_096)
        let count = bytes.withUnsafeMutableBytes { read(descriptor, $0.baseAddress, $0.count) }
        return count > 0 ? String(decoding: bytes[..<count], as: UTF8.self) : ""
    }

    /// One loaded object: its read-only `PT_LOAD` segments minus its RELRO range.
    private static func release(object: cdynamiclinker_object, into walk: inout Walk) {
        guard let rawHeaders = object.headers, object.headerCount > 0 else { return }
        if let name = object.name, strstr(name, "linux-vdso") != nil || strstr(name, "linux-gate") != nil { return }
        let count = Int(object.headerCount)
        let headers = rawHeaders.assumingMemoryBound(to: ProgramHeader.self)
        let base = UInt(object.address)
        let page = UInt(max(sysconf(Int32(_SC_PAGESIZE)), 4096))
        var relro: Range<UInt> = 0..<0
        for index in 0..<count {
            let header = headers[index]
            switch header.p_type {
            case UInt32(PT_GNU_RELRO):
                // Outward to whole pages: a page that is partly RELRO is kept.
                let start = (base &+ UInt(header.p_vaddr)) / page * page
                let end = (base &+ UInt(header.p_vaddr) &+ UInt(header.p_memsz) &+ page &- 1) / page * page
                relro = start..<max(start, end)
            case UInt32(PT_DYNAMIC):
                if hasTextRelocations(UnsafePointer(bitPattern: base &+ UInt(header.p_vaddr))) { return }
            default:
                break
            }
        }
        walk.result.objects += 1
        for index in 0..<count {
            let header = headers[index]
            guard header.p_type == UInt32(PT_LOAD), header.p_flags & UInt32(PF_W) == 0 else { continue }
            // Inward to whole pages: the file's bytes only (memsz beyond filesz would be zeros).
            let start = (base &+ UInt(header.p_vaddr) &+ page &- 1) / page * page
            let end = (base &+ UInt(header.p_vaddr) &+ UInt(header.p_filesz)) / page * page
            guard start < end else { continue }
            var pieces = [start..<end]
            if relro.overlaps(start..<end) {
                pieces = [start..<max(start, relro.lowerBound), min(end, relro.upperBound)..<end]
            }
            for piece in pieces where !piece.isEmpty {
                if let singlePage = walk.singlePage {
                    if singlePage.register(piece) == 0 {
                        walk.result.singlePageRanges += 1
                    } else {
                        walk.result.singlePageFailures += 1
                    }
                }
                walk.result.ranges += 1
                walk.result.bytes += Int(piece.count)
                if madvise(UnsafeMutableRawPointer(bitPattern: piece.lowerBound), Int(piece.count), MADV_DONTNEED) != 0 {
                    walk.result.failures += 1
                }
            }
        }
    }

    /// Whether the dynamic section has `DT_TEXTREL` or `DF_TEXTREL`: the loader wrote into
    /// that object's read-only segments, which then hold bytes the file does not.
    private static func hasTextRelocations(_ dynamic: UnsafePointer<DynamicEntry>?) -> Bool {
        guard var entry = dynamic else { return true }
        while Int(entry.pointee.d_tag) != Int(DT_NULL) {
            let tag = Int(entry.pointee.d_tag)
            if tag == Int(DT_TEXTREL) { return true }
            if tag == Int(DT_FLAGS), UInt(entry.pointee.d_un.d_val) & UInt(DF_TEXTREL) != 0 { return true }
            entry += 1
        }
        return false
    }

    #if arch(x86_64) || arch(arm64)
    private typealias ProgramHeader = Elf64_Phdr
    private typealias DynamicEntry = Elf64_Dyn
    #else
    private typealias ProgramHeader = Elf32_Phdr
    private typealias DynamicEntry = Elf32_Dyn
    #endif
    #endif
}
