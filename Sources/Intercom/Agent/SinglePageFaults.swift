#if canImport(Glibc)
import CUserfaultfd
import Glibc
#endif

/// Makes ranges of read-only, file-backed memory (machine code, constants) fault back in one page
/// at a time, instead of in the kernel's fault-around windows.
///
/// When a file page that is in the page cache but not mapped is touched, the kernel maps every
/// cached page of the same 64 KB window with it (`fault_around_bytes`), to save the next faults.
/// After ``ReadOnlyPages/release()`` that undoes much of the release: a call runs a few hundred
/// small functions every period, scattered over the executable, and each brings its whole window
/// back, so about 3.9 MB of code was resident again in a settled call for well under 1 MB that
/// runs (docs/benchmarks.md, "Agent footprint"). The kernel never faults around in a range
/// registered with a userfaultfd, so the ranges ``ReadOnlyPages`` drops are registered with one
/// first.
///
/// The registration is for write-protect tracking in the asynchronous mode
/// (`UFFD_FEATURE_WP_ASYNC`, Linux 6.7 and later), the only mode that accepts ordinary file
/// mappings. Nothing is ever write-protected and, in that mode, the kernel would resolve a write
/// fault by itself anyway: no thread ever waits on the descriptor and no event is ever read from
/// it. The registrations last as long as the descriptor; `deinit` closes it. A child process
/// made by `fork` does not inherit them. On older kernels, or where a seccomp filter refuses
/// `userfaultfd` (some container runtimes), ``init()`` throws and pages fault around as before.
public final class SinglePageFaults: Sendable {
    /// Why the kernel gave no userfaultfd for this.
    public enum Unavailable: Error, Equatable, CustomStringConvertible {
        /// `userfaultfd(2)` failed with this errno (ENOSYS: not built in; EPERM: refused by a
        /// seccomp filter or by `vm.unprivileged_userfaultfd`).
        case create(errno: Int32)
        /// The kernel refused `UFFD_FEATURE_WP_ASYNC` with this errno (EINVAL: before 6.7).
        case feature(errno: Int32)
        /// Not Linux.
        case unsupportedSystem

        public var description: String {
            switch self {
            case .create(let code): "userfaultfd: \(SinglePageFaults.errorName(code))"
            case .feature(let code): "userfaultfd without asynchronous write-protect (Linux 6.7 or later): \(SinglePageFaults.errorName(code))"
            case .unsupportedSystem: "userfaultfd is Linux only"
            }
        }
    }

    private let descriptor: Int32

    /// A new userfaultfd with asynchronous write-protect tracking.
    public init() throws(Unavailable) {
        #if canImport(Glibc)
        let created = cuserfaultfd_create()
        guard created >= 0 else { throw .create(errno: -created) }
        let negotiated = cuserfaultfd_api(created, CUSERFAULTFD_FEATURE_WP_ASYNC)
        guard negotiated == 0 else {
            close(created)
            throw .feature(errno: -negotiated)
        }
        descriptor = created
        #else
        throw .unsupportedSystem
        #endif
    }

    deinit {
        #if canImport(Glibc)
        close(descriptor)
        #endif
    }

    /// Registers `range` (whole pages of mapped memory): from now on its pages fault in one at a
    /// time. Registering a range again is harmless. Returns 0, or the errno (EINVAL: not whole
    /// pages, or memory the kernel does not track this way; ENOMEM: not all mapped).
    public func register(_ range: Range<UInt>) -> Int32 {
        #if canImport(Glibc)
        let result = cuserfaultfd_register_wp(descriptor, UInt64(range.lowerBound), UInt64(range.count))
        return result == 0 ? 0 : -result
        #else
        return 38  // ENOSYS
        #endif
    }

    static func errorName(_ code: Int32) -> String {
        #if canImport(Glibc)
        if let text = strerror(code) { return "\(String(cString: text)) (errno \(code))" }
        #endif
        return "errno \(code)"
    }
}
