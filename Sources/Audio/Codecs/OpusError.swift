import COpus

/// A failure of libopus or of the arguments handed to it, with libopus's own code when it
/// gave one (`OPUS_BAD_ARG`, `OPUS_BUFFER_TOO_SMALL`, `OPUS_INVALID_PACKET`...).
public struct OpusError: Error, Hashable, Sendable, CustomStringConvertible {
    /// The libopus error code (negative), or nil when the arguments were refused before
    /// reaching libopus.
    public let code: Int32?
    /// What was wrong.
    public let detail: String

    public init(code: Int32?, _ detail: String) {
        self.code = code
        self.detail = detail
    }

    /// The error for libopus's `code`, with its own text.
    static func libopus(_ code: Int32, _ operation: String) -> OpusError {
        let text = opus_strerror(code).map { String(cString: $0) } ?? "error \(code)"
        return OpusError(code: code, "\(operation): \(text)")
    }

    public var description: String {
        if let code { return "OpusError(\(code)): \(detail)" }
        return "OpusError: \(detail)"
    }
}
