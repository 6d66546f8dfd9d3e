import Glibc
import NIOCore

/// The SIP messages a benchmark runs over, each loaded once into a `ByteBuffer`.
///
/// A corpus is a directory holding one message per file. Every regular file is loaded, in
/// order of name, except `README.md` and dotfiles; the bytes are taken as they are.
struct Corpus {
    /// One message of the corpus: its file name and its bytes.
    struct Message {
        /// The file name (without the directory).
        let name: String
        /// The file's bytes.
        let bytes: ByteBuffer
    }

    /// A corpus that cannot be loaded: the directory or a file cannot be read, or it is empty.
    struct LoadError: Error, CustomStringConvertible {
        /// What went wrong, with the path.
        let description: String
    }

    /// The directory the messages came from (absolute when it could be resolved).
    let directory: String
    /// The messages, in order of file name.
    let messages: [Message]

    /// The messages' bytes, in the same order as ``messages`` (what the benchmark loops over).
    var buffers: [ByteBuffer] { messages.map(\.bytes) }

    /// The total size of the messages in bytes.
    var totalBytes: Int { messages.reduce(0) { $0 + $1.bytes.readableBytes } }

    /// The corpus used when none is given: `Benchmarks/corpus` under the current directory,
    /// else the `corpus` directory beside this source file (so any working directory works).
    static func defaultDirectory(sourceFile: String = #filePath) -> String {
        let relative = "Benchmarks/corpus"
        if isDirectory(relative) { return relative }
        guard let slash = sourceFile.lastIndex(of: "/") else { return relative }
        return String(sourceFile[..<slash]) + "/corpus"
    }

    /// Loads every message file in `directory`.
    ///
    /// - Throws: ``LoadError`` when the directory or one of its files cannot be read, or when
    ///   it holds no message.
    init(directory: String) throws(LoadError) {
        let resolved = Self.realPath(directory) ?? directory
        guard let stream = opendir(resolved) else {
            throw LoadError(description: "cannot open corpus directory \(resolved): \(Console.errnoDescription())")
        }
        var names: [String] = []
        while let entry = readdir(stream) {
            let name = withUnsafeBytes(of: entry.pointee.d_name) { raw in
                String(decoding: raw.prefix(while: { $0 != 0 }), as: UTF8.self)
            }
            if name.hasPrefix(".") || name == "README.md" { continue }
            if Self.isRegularFile(resolved + "/" + name) { names.append(name) }
        }
        closedir(stream)
        names.sort { $0.utf8.lexicographicallyPrecedes($1.utf8) }
        guard !names.isEmpty else {
            throw LoadError(description: "corpus directory \(resolved) holds no message file")
        }
        var messages: [Message] = []
        messages.reserveCapacity(names.count)
        for name in names {
            messages.append(Message(name: name, bytes: try Self.readFile(resolved + "/" + name)))
        }
        self.directory = resolved
        self.messages = messages
    }

    /// The bytes of the file at `path`.
    private static func readFile(_ path: String) throws(LoadError) -> ByteBuffer {
        let descriptor = open(path, O_RDONLY | O_CLOEXEC)
        guard descriptor >= 0 else {
            throw LoadError(description: "cannot open \(path): \(Console.errnoDescription())")
        }
        defer { close(descriptor) }
        var buffer = ByteBufferAllocator().buffer(capacity: 4096)
        while true {
            var failure: Int32 = 0
            let count = buffer.writeWithUnsafeMutableBytes(minimumWritableBytes: 4096) { raw in
                while true {
                    let result = read(descriptor, raw.baseAddress, raw.count)
                    if result >= 0 { return result }
                    if errno != EINTR {
                        failure = errno
                        return 0
                    }
                }
            }
            if failure != 0 {
                throw LoadError(description: "cannot read \(path): \(Console.errnoDescription(failure))")
            }
            if count == 0 { return buffer }
        }
    }

    /// The absolute, symlink-free form of `path`, or nil when it does not exist.
    private static func realPath(_ path: String) -> String? {
        guard let resolved = realpath(path, nil) else { return nil }
        defer { free(resolved) }
        return String(cString: resolved)
    }

    /// Whether `path` names a directory (following symlinks).
    private static func isDirectory(_ path: String) -> Bool {
        var info = stat()
        return stat(path, &info) == 0 && (info.st_mode & S_IFMT) == S_IFDIR
    }

    /// Whether `path` names a regular file (following symlinks).
    private static func isRegularFile(_ path: String) -> Bool {
        var info = stat()
        return stat(path, &info) == 0 && (info.st_mode & S_IFMT) == S_IFREG
    }
}
