import Foundation
import Glibc
import Testing

@testable import Intercom

extension ResidentPagesTests {
    @Suite("SinglePageFaults: a registered file mapping faults back in page by page, not in 64 KB windows")
    struct SinglePageFaultsTests {
        static let page = Int(sysconf(Int32(_SC_PAGESIZE)))

        /// Whether this kernel has userfaultfd's asynchronous write-protect mode (Linux 6.7).
        static var kernelHasAsyncWriteProtect: Bool {
            var name = utsname()
            uname(&name)
            let release = withUnsafeBytes(of: &name.release) { String(decoding: $0.prefix { $0 != 0 }, as: UTF8.self) }
            let numbers = release.split(whereSeparator: { !$0.isNumber }).prefix(2).compactMap { Int($0) }
            guard numbers.count == 2 else { return false }
            return numbers[0] > 6 || (numbers[0] == 6 && numbers[1] >= 7)
        }

        /// The `Rss:` of the mapping that starts at `address`, in kB.
        static func residentKilobytes(mappingAt address: UnsafeRawPointer) throws -> Int? {
            let smaps = try readWhole("/proc/self/smaps")
            let start = String(UInt(bitPattern: address), radix: 16) + "-"
            var inside = false
            for line in smaps.split(separator: "\n") {
                if line.hasPrefix(start) {
                    inside = true
                } else if inside, line.hasPrefix("Rss:") {
                    return Int(line.split(separator: " ", omittingEmptySubsequences: true)[1])
                }
            }
            return nil
        }

        /// The whole of a /proc file, read to its end (its size is 0 to `stat`).
        static func readWhole(_ path: String) throws -> String {
            let descriptor = open(path, O_RDONLY | O_CLOEXEC)
            guard descriptor >= 0 else { throw POSIXError(.ENOENT) }
            defer { close(descriptor) }
            var bytes: [UInt8] = []
            var chunk = [UInt8](repeating: 0, count: 65_536)
            while true {
                let count = chunk.withUnsafeMutableBytes { read(descriptor, $0.baseAddress, $0.count) }
                guard count > 0 else { break }
                bytes += chunk[..<count]
            }
            return String(decoding: bytes, as: UTF8.self)
        }

        /// A 2 MB file of known bytes, mapped read-only and private twice (two separate mappings
        /// of the same cached pages), each read through once so that all its pages are resident.
        struct MappedFile: ~Copyable {
            let path: String
            let size = 2 << 20
            let first: UnsafeRawPointer
            let second: UnsafeRawPointer

            init() throws {
                path = FileManager.default.temporaryDirectory.appendingPathComponent("single-page-\(UUID().uuidString)").path
                // Written one page per write: the page cache then holds the file in single pages, as
                // it mostly holds an executable read in by faults. (One 2 MB write may be cached as
                // one 2 MB folio, which a fault maps whole, registered or not.)
                let descriptor = open(path, O_RDWR | O_CREAT | O_EXCL | O_CLOEXEC, 0o600)
                guard descriptor >= 0 else { throw POSIXError(.EACCES) }
                defer { close(descriptor) }
                let page = SinglePageFaultsTests.page
                for start in stride(from: 0, to: size, by: page) {
                    let bytes = (start..<start + page).map { UInt8(truncatingIfNeeded: $0 &* 31 &+ $0 >> 12) }
                    guard bytes.withUnsafeBytes({ write(descriptor, $0.baseAddress, page) }) == page else { throw POSIXError(.EIO) }
                }
                guard let first = mmap(nil, size, PROT_READ, MAP_PRIVATE, descriptor, 0), first != MAP_FAILED,
                    let second = mmap(nil, size, PROT_READ, MAP_PRIVATE, descriptor, 0), second != MAP_FAILED
                else { throw POSIXError(.ENOMEM) }
                self.first = UnsafeRawPointer(first)
                self.second = UnsafeRawPointer(second)
                var sum = 0
                for offset in stride(from: 0, to: size, by: SinglePageFaultsTests.page) {
                    sum &+= Int(self.first.load(fromByteOffset: offset, as: UInt8.self))
                    sum &+= Int(self.second.load(fromByteOffset: offset, as: UInt8.self))
                }
                #expect(sum > 0)
            }

            deinit {
                munmap(UnsafeMutableRawPointer(mutating: first), size)
                munmap(UnsafeMutableRawPointer(mutating: second), size)
                unlink(path)
            }

            /// The expected byte at `offset`.
            func byte(at offset: Int) -> UInt8 { UInt8(truncatingIfNeeded: offset &* 31 &+ offset >> 12) }
        }

        @Test("a new one is available exactly on kernels with asynchronous write-protect (6.7 and later)")
        func availability() {
            do {
                _ = try SinglePageFaults()
                #expect(Self.kernelHasAsyncWriteProtect)
            } catch {
                #expect(!Self.kernelHasAsyncWriteProtect, "\(error)")
                #expect("\(error)".contains("userfaultfd"))
            }
        }

        @Test("after a drop, 8 touches bring back 8 pages in the registered mapping and whole windows in the other")
        func pageByPage() throws {
            guard Self.kernelHasAsyncWriteProtect else { return }
            let faults = try SinglePageFaults()
            let file = try MappedFile()
            let whole = UInt(bitPattern: file.first)..<UInt(bitPattern: file.first) + UInt(file.size)
            #expect(faults.register(whole) == 0)
            #expect(faults.register(whole) == 0, "registering again is harmless")
            for mapping in [file.first, file.second] {
                #expect(madvise(UnsafeMutableRawPointer(mutating: mapping), file.size, MADV_DONTNEED) == 0)
                #expect(try Self.residentKilobytes(mappingAt: mapping) == 0)
            }
            let offsets = (0..<8).map { $0 * 256 * 1024 + 100 }
            for offset in offsets {
                #expect(file.first.load(fromByteOffset: offset, as: UInt8.self) == file.byte(at: offset))
                #expect(file.second.load(fromByteOffset: offset, as: UInt8.self) == file.byte(at: offset))
            }
            let registered = try #require(try Self.residentKilobytes(mappingAt: file.first))
            let unregistered = try #require(try Self.residentKilobytes(mappingAt: file.second))
            #expect(registered == 8 * Self.page / 1024)
            // The kernel's default fault-around is 64 KB (fault_around_bytes in debugfs).
            #expect(unregistered > registered, "registered \(registered) kB, unregistered \(unregistered) kB")
        }

        @Test("a range that is not mapped, or not whole pages, is refused with its errno")
        func refused() throws {
            guard Self.kernelHasAsyncWriteProtect else { return }
            let faults = try SinglePageFaults()
            let reserved = try #require(mmap(nil, 4 * Self.page, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0))
            let start = UInt(bitPattern: reserved)
            munmap(reserved, 4 * Self.page)
            #expect(faults.register(start..<start + UInt(4 * Self.page)) != 0)
            #expect(faults.register(start + 1..<start + UInt(Self.page)) == EINVAL)
        }

        @Test("a release with one registers every range it drops, and the process keeps working")
        func release() throws {
            guard Self.kernelHasAsyncWriteProtect else { return }
            let faults = try SinglePageFaults()
            // Running this much code again (YAML, the decoder, Foundation) under the registration.
            let (release, tries) = try ReadOnlyPagesTests.releaseDroppingCode({ ReadOnlyPages.release(singlePage: faults) }) {
                let configuration = try ConfigurationLoader.load(yaml: "log:\n  level: debug\n")
                #expect(configuration.log.level == "debug")
            }
            #expect(tries.contains { $0.after < $0.before }, "resident code before and after each try [kB]: \(tries)")
            #expect(release.tracer == nil)
            #expect(release.failures == 0)
            #expect(release.singlePageFailures == 0)
            #expect(release.singlePageRanges == release.ranges)
            #expect("\(release)".contains("\(release.ranges) ranges faulting in page by page"))
        }
    }
}
