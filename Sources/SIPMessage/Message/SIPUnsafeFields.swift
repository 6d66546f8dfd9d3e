import NIOCore

/// The fields a transaction layer reads from every message, as raw views of the message's
/// bytes: no allocation and no reference counting, for hot paths such as transaction and
/// dialog matching.
///
/// - warning: The buffers are valid only inside the closure passed to
///   ``SIPMessage/withUnsafeFields(_:)``; do not let them escape it.
public struct SIPUnsafeFields {
    /// Whether the message is a request.
    public let isRequest: Bool
    /// The status code of a response, or 0 for a request.
    public let statusCode: Int
    /// The request method token, or nil for a response.
    public let methodToken: UnsafeRawBufferPointer?
    /// The Request-URI, or nil for a response.
    public let requestURI: UnsafeRawBufferPointer?
    /// The Call-ID, or nil.
    public let callID: UnsafeRawBufferPointer?
    /// The CSeq number, or nil.
    public let cseqNumber: UInt32?
    /// The CSeq method token, or nil.
    public let cseqMethodToken: UnsafeRawBufferPointer?
    /// The id of the CSeq method when it is a known method (``SIPMethod/rawValue``), else 0.
    public let cseqMethodID: UInt8
    /// The top Via's branch, or nil.
    public let topViaBranch: UnsafeRawBufferPointer?
    /// The top Via's sent-by (`host[:port]`), or nil.
    public let topViaSentBy: UnsafeRawBufferPointer?
    /// The top Via's transport, or nil.
    public let topViaTransport: UnsafeRawBufferPointer?
    /// The From tag, or nil.
    public let fromTag: UnsafeRawBufferPointer?
    /// The To tag, or nil.
    public let toTag: UnsafeRawBufferPointer?
    /// The Content-Length value, or nil.
    public let contentLength: Int?
    /// The body (empty when there is none).
    public let body: UnsafeRawBufferPointer
}

extension SIPMessage {
    /// Calls `body` with the pre-parsed fields as raw views of this message's bytes.
    public func withUnsafeFields<Result>(_ body: (SIPUnsafeFields) -> Result) -> Result {
        bytes.withUnsafeReadableBytes { raw in
            @inline(__always)
            func view(_ range: ByteRange) -> UnsafeRawBufferPointer {
                UnsafeRawBufferPointer(rebasing: raw[range.start..<range.end])
            }
            @inline(__always)
            func optionalView(_ range: ByteRange) -> UnsafeRawBufferPointer? {
                range.isEmpty ? nil : view(range)
            }

            let hasCSeq = layout.flags.contains(.hasCSeq)
            let fields = SIPUnsafeFields(
                isRequest: layout.isRequest,
                statusCode: Int(layout.statusCode),
                methodToken: layout.isRequest ? view(layout.methodRange) : nil,
                requestURI: layout.isRequest ? view(layout.requestURIRange) : nil,
                callID: layout.flags.contains(.hasCallID) ? view(layout.callID) : nil,
                cseqNumber: hasCSeq ? layout.cseqNumber : nil,
                cseqMethodToken: hasCSeq ? view(layout.cseqMethodRange) : nil,
                cseqMethodID: layout.cseqMethodID,
                topViaBranch: optionalView(layout.viaBranch),
                topViaSentBy: optionalView(layout.viaSentBy),
                topViaTransport: optionalView(layout.viaTransport),
                fromTag: optionalView(layout.fromTag),
                toTag: optionalView(layout.toTag),
                contentLength: layout.contentLength >= 0 ? layout.contentLength : nil,
                body: view(layout.bodyRange))
            return body(fields)
        }
    }
}
