import HTTPTypes
import Hummingbird
import Logging
import NIOCore

/// The outermost middleware of the control interface: turns every error below it (the
/// agent's ``ControlError``, Hummingbird's not-found, body limits, anything unexpected) into
/// a JSON `{"error": reason}` response with the right status.
struct ControlErrorMiddleware<Context: RequestContext>: RouterMiddleware {
    /// The body limit, for the 413 message [bytes].
    let maximumBodySize: Int

    func handle(
        _ request: Request,
        context: Context,
        next: (Request, Context) async throws -> Response
    ) async throws -> Response {
        do {
            return try await next(request, context)
        } catch let error as ControlHTTPError {
            return error.response()
        } catch let error as ControlError {
            context.logger.notice(
                "control request refused",
                metadata: ["path": "\(request.uri.path)", "status": "\(error.status)", "reason": "\(error.reason)"])
            return ControlHTTPError(error).response()
        } catch is NIOTooManyBytesError {
            return ControlHTTPError(
                status: .contentTooLarge, reason: "request body larger than \(maximumBodySize) bytes"
            ).response()
        } catch let error as HTTPError {
            return ControlHTTPError(
                status: error.status, reason: error.body ?? Self.reason(error.status, request), headers: error.headers
            ).response()
        } catch let error as any HTTPResponseError {
            return ControlHTTPError(status: error.status, reason: Self.reason(error.status, request)).response()
        } catch {
            context.logger.error("control request failed", metadata: ["path": "\(request.uri.path)", "error": "\(error)"])
            return ControlHTTPError(status: .internalServerError, reason: "internal error").response()
        }
    }

    private static func reason(_ status: HTTPResponse.Status, _ request: Request) -> String {
        if status == .notFound {
            return "no route \(request.method) \(request.uri.path.prefix(200))"
        }
        return status.reasonPhrase.lowercased()
    }
}
