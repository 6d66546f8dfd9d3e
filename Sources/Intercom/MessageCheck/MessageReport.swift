import NIOCore
import SIPMessage

/// What `intercom check-message` says about one file: whether it is a valid SIP message, what
/// is wrong and where, its routing fields, and the status a user agent would answer.
public struct MessageReport: Sendable {
    public var file: String
    public var valid: Bool
    public var error: String?
    public var offset: Int?
    public var kind: String?
    public var method: String?
    public var status: Int?
    public var requestURI: String?
    public var callID: String?
    public var cseq: Int?
    public var cseqMethod: String?
    public var viaBranch: String?
    public var viaCount: Int?
    public var fromTag: String?
    public var toTag: String?
    public var contentLength: Int?
    public var rejectStatus: Int?

    /// Checks `bytes` as one datagram, with the checks of a user agent with `profile`.
    ///
    /// A message is valid when it parses and passes every check the element makes before it
    /// decides its answer (see ``SIPMessage/check(profile:)``); `reject_status` is that answer
    /// for a request (null when it would be processed, and for responses).
    public init(file: String, bytes: ByteBuffer, profile: SIPEndpointProfile = .userAgent) {
        self.file = file
        let message: SIPMessage
        do {
            message = try SIPMessage(parsing: bytes)
        } catch {
            valid = false
            self.error = "\(error.code): \(error.detail)"
            offset = error.offset
            kind = error.isRequest.map { $0 ? "request" : "response" }
            rejectStatus = error.rejectStatus
            return
        }
        kind = message.isRequest ? "request" : "response"
        method = message.methodToken?.string
        status = message.statusCode
        requestURI = message.requestURI?.string
        callID = message.callID?.string
        cseq = message.cseqNumber.map(Int.init)
        cseqMethod = message.cseqMethodToken?.string
        viaBranch = message.topViaBranch?.string
        viaCount = message.viaCount
        fromTag = message.fromTag?.string
        toTag = message.toTag?.string
        contentLength = message.contentLength
        valid = true
        switch message.check(profile: profile) {
        case .accept:
            break
        case .reject(let rejection):
            rejectStatus = rejection.status
            if let problem = rejection.error {
                valid = false
                self.error = "\(problem.code): \(problem.detail)"
                offset = problem.offset
            }
        case .discard:
            // A response a user agent drops: invalid when its grammar is broken.
            do throws(SIPParseError) {
                try message.validate()
            } catch {
                valid = false
                self.error = "\(error.code): \(error.detail)"
                offset = error.offset
            }
        }
    }

    /// The report as one JSON line, keys in the documented order.
    public var jsonLine: String {
        var json = JSONLine()
        json.add("file", file)
        json.add("valid", valid)
        json.add("error", error)
        json.add("offset", offset)
        json.add("kind", kind)
        json.add("method", method)
        json.add("status", status)
        json.add("request_uri", requestURI)
        json.add("call_id", callID)
        json.add("cseq", cseq)
        json.add("cseq_method", cseqMethod)
        json.add("via_branch", viaBranch)
        json.add("via_count", viaCount)
        json.add("from_tag", fromTag)
        json.add("to_tag", toTag)
        json.add("content_length", contentLength)
        json.add("reject_status", rejectStatus)
        return json.line
    }
}
