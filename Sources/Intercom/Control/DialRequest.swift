import Foundation
import HTTPTypes
import NIOCore
import SIPMessage

/// The body of `POST /calls`: `{"target": "sip:...", "account": "office"}` (`account`
/// optional: the name of the account that calls).
struct DialRequest: Decodable, Sendable {
    var target: String
    var account: String?

    /// Decodes and checks a body, with a 400 that names what is wrong.
    static func decode(_ body: ByteBuffer) throws(ControlHTTPError) -> DialRequest {
        guard body.readableBytes > 0 else {
            throw badRequest(#"empty body; expected {"target": "sip:..."}"#)
        }
        let request: DialRequest
        do {
            request = try JSONDecoder().decode(DialRequest.self, from: Data(body.readableBytesView))
        } catch let DecodingError.keyNotFound(key, _) {
            throw badRequest(#"missing "\#(key.stringValue)""#)
        } catch let DecodingError.valueNotFound(_, context) {
            throw badRequest(#""\#(path(context))" must not be null"#)
        } catch let DecodingError.typeMismatch(_, context) {
            throw badRequest(context.codingPath.isEmpty ? "body must be a JSON object" : #""\#(path(context))" must be a string"#)
        } catch {
            throw badRequest("body is not valid JSON")
        }
        let target = request.target.trimmingCharacters(in: .whitespaces)
        let lowercased = target.lowercased()
        guard lowercased.hasPrefix("sip:") || lowercased.hasPrefix("sips:"), target.count > 4 else {
            throw badRequest(#""target" must be a sip: or sips: URI"#)
        }
        // A password inside the URI would be logged with the request: refuse it unread.
        if let uri = try? SIPURI(parsing: target), uri.password != nil {
            throw badRequest(#""target" must not hold a password"#)
        }
        if let account = request.account, account.isEmpty {
            throw badRequest(#""account" must not be empty (leave it out for the agent's choice)"#)
        }
        return DialRequest(target: target, account: request.account)
    }

    private static func path(_ context: DecodingError.Context) -> String {
        context.codingPath.map(\.stringValue).joined(separator: ".")
    }

    private static func badRequest(_ reason: String) -> ControlHTTPError {
        ControlHTTPError(status: .badRequest, reason: reason)
    }
}
