import Foundation
import HTTPTypes
import Hummingbird
import NIOCore

/// An error response of the control interface: a status and `{"error": reason}`.
struct ControlHTTPError: Error, HTTPResponseError, Sendable {
    var status: HTTPResponse.Status
    var reason: String
    var headers: HTTPFields = [:]

    init(status: HTTPResponse.Status, reason: String, headers: HTTPFields = [:]) {
        self.status = status
        self.reason = reason
        self.headers = headers
    }

    /// The agent's refusal; a status outside 400...599 becomes 500.
    init(_ error: ControlError) {
        self.init(status: Self.status(code: error.status), reason: error.reason)
    }

    /// The status for a code, with its reason phrase when common; 500 outside 400...599.
    static func status(code: Int) -> HTTPResponse.Status {
        switch code {
        case 400: .badRequest
        case 403: .forbidden
        case 404: .notFound
        case 409: .conflict
        case 410: .gone
        case 422: .unprocessableContent
        case 429: .tooManyRequests
        case 503: .serviceUnavailable
        case 400...599: HTTPResponse.Status(code: code)
        default: .internalServerError
        }
    }

    func response(from request: Request, context: some RequestContext) throws -> Response {
        response()
    }

    func response() -> Response {
        var headers = self.headers
        headers[.contentType] = "application/json; charset=utf-8"
        var buffer = ByteBuffer()
        // Encoding a [String: String] cannot fail; the fallback keeps the response well formed.
        if let data = try? JSONEncoder().encode(["error": reason]) {
            buffer.writeBytes(data)
        } else {
            buffer.writeString(#"{"error":"internal error"}"#)
        }
        return Response(status: status, headers: headers, body: ResponseBody(byteBuffer: buffer))
    }
}
