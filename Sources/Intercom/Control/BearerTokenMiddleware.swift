import HTTPTypes
import Hummingbird
import Logging

/// Requires `Authorization: Bearer TOKEN` (RFC 6750 §2.1) on every route but the exempt
/// ones, comparing the token in constant time; 401 with `WWW-Authenticate: Bearer` otherwise.
struct BearerTokenMiddleware<Context: RequestContext>: RouterMiddleware {
    private let token: [UInt8]
    /// Paths served without a token (`/health`, for load balancers and systemd checks).
    let exemptPaths: Set<String>

    init(token: String, exemptPaths: Set<String>) {
        self.token = Array(token.utf8)
        self.exemptPaths = exemptPaths
    }

    func handle(
        _ request: Request,
        context: Context,
        next: (Request, Context) async throws -> Response
    ) async throws -> Response {
        if exemptPaths.contains(request.uri.path) {
            return try await next(request, context)
        }
        guard let value = request.headers[.authorization], let presented = Self.bearerCredentials(value),
            Self.constantTimeEqual(presented, token)
        else {
            context.logger.notice("control request without a valid token", metadata: ["path": "\(request.uri.path)"])
            throw ControlHTTPError(
                status: .unauthorized, reason: "missing or wrong bearer token",
                headers: [.wwwAuthenticate: "Bearer"])
        }
        return try await next(request, context)
    }

    /// The credentials of a `Bearer` authorization value (scheme case-insensitive), or nil.
    static func bearerCredentials(_ value: String) -> [UInt8]? {
        let bytes = Array(value.utf8)
        let scheme = Array("bearer".utf8)
        guard bytes.count > scheme.count, bytes[scheme.count] == UInt8(ascii: " ") else {
            return nil
        }
        for index in scheme.indices where bytes[index] | 0x20 != scheme[index] {
            return nil
        }
        let credentials = bytes[(scheme.count + 1)...].drop { $0 == UInt8(ascii: " ") }
        return credentials.isEmpty ? nil : Array(credentials)
    }

    /// Compares without an early exit, so the time taken says nothing about where the first
    /// difference is (only, at most, the expected length).
    static func constantTimeEqual(_ presented: [UInt8], _ expected: [UInt8]) -> Bool {
        var difference: UInt8 = presented.count == expected.count ? 0 : 1
        for index in expected.indices {
            let byte = index < presented.count ? presented[index] : 0
            difference |= byte ^ expected[index]
        }
        return difference == 0
    }
}
