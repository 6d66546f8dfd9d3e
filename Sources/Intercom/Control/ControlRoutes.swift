import Foundation
import HTTPTypes
import Hummingbird
import Logging
import NIOCore

/// The control interface's routes: each one checks the request, calls the agent once and
/// encodes the answer. Errors are thrown for ``ControlErrorMiddleware`` to render.
struct ControlRoutes: Sendable {
    let agent: any IntercomControlling
    let metrics: IntercomMetrics?
    let maximumBodySize: Int

    func add(to router: Router<BasicRequestContext>) {
        router.get("/health") { _, _ in
            Response(
                status: .ok, headers: [.contentType: "text/plain; charset=utf-8"],
                body: ResponseBody(byteBuffer: ByteBuffer(string: "ok")))
        }
        router.get("/status") { _, _ in
            let status = await agent.status()
            return try Self.json(status, status: .ok)
        }
        router.post("/calls") { request, context in
            let body = try await request.body.collect(upTo: maximumBodySize)
            let dial = try DialRequest.decode(body)
            context.logger.info("control: dial", metadata: ["target": "\(dial.target)", "account": "\(dial.account ?? "-")"])
            let id = try await agent.dial(dial.target, account: dial.account)
            return try Self.json(["id": id], status: .created)
        }
        router.delete("/calls") { _, context in
            context.logger.info("control: hang up every call")
            try await agent.hangUp(callID: nil)
            return Response(status: .noContent)
        }
        router.delete("/calls/:id") { _, context in
            let id = try Self.parameter("id", context)
            context.logger.info("control: hang up", metadata: ["call": "\(id)"])
            try await agent.hangUp(callID: id)
            return Response(status: .noContent)
        }
        router.post("/buttons/:name/press") { _, context in
            let name = try Self.parameter("name", context)
            context.logger.info("control: press", metadata: ["button": "\(name)"])
            try await agent.press(button: name)
            return Response(status: .accepted)
        }
        router.post("/doors/:name/open") { _, context in
            let name = try Self.parameter("name", context)
            context.logger.info("control: open door", metadata: ["door": "\(name)"])
            try await agent.openDoor(name)
            return Response(status: .accepted)
        }
        if let metrics {
            router.get("/metrics") { _, _ in
                Response(
                    status: .ok, headers: [.contentType: "text/plain; version=0.0.4; charset=utf-8"],
                    body: ResponseBody(byteBuffer: ByteBuffer(bytes: metrics.exposition())))
            }
        }
    }

    /// A path parameter, percent-decoded; 400 when the encoding is broken.
    private static func parameter(_ name: String, _ context: BasicRequestContext) throws(ControlHTTPError) -> String {
        guard let raw = context.parameters.get(name), let decoded = raw.removingPercentEncoding, !decoded.isEmpty else {
            throw ControlHTTPError(status: .badRequest, reason: "bad \(name) in path")
        }
        return decoded
    }

    /// Sorted keys, so that the output is stable; NaN and infinities, which JSON lacks, become
    /// the strings "NaN", "Infinity", "-Infinity" rather than failing the request.
    private static func json(_ value: some Encodable, status: HTTPResponse.Status) throws -> Response {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        encoder.nonConformingFloatEncodingStrategy = .convertToString(
            positiveInfinity: "Infinity", negativeInfinity: "-Infinity", nan: "NaN")
        let data = try encoder.encode(value)
        return Response(
            status: status, headers: [.contentType: "application/json; charset=utf-8"],
            body: ResponseBody(byteBuffer: ByteBuffer(bytes: data)))
    }
}
