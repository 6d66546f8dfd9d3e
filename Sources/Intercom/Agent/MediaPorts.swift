import NIOCore
import RTP

/// Binds RTP sessions on even ports of the configured range, going round the range so that a
/// port just closed is not reused at once.
final class MediaPorts: @unchecked Sendable {
    private let lower: Int
    private let upper: Int
    private var next: Int

    init(minimum: Int, maximum: Int) {
        lower = minimum + (minimum & 1)
        upper = max(lower, maximum - 1)
        next = lower
    }

    /// A session on `host` at the first free even port (its RTCP on the port above), with a
    /// provisional codec (set again from the answer).
    func bind(host: String, on loop: any EventLoop, router: RTPEventRouter) async throws -> RTPSession {
        let count = max(1, (upper - lower) / 2 + 1)
        var lastError: (any Error)?
        for _ in 0..<min(count, 64) {
            let port = take()
            do {
                return try await RTPSession.start(
                    configuration: RTPSession.Configuration(
                        host: host, port: port, payloadType: 0, clockRate: 8_000, telephoneEventPayloadType: 101),
                    on: loop, handler: { event in router.handle(event) })
            } catch {
                lastError = error
            }
        }
        throw AgentError("no free RTP port in \(lower)-\(upper + 1): \(lastError.map { "\($0)" } ?? "none tried")")
    }

    private func take() -> Int {
        let port = next
        next += 2
        if next > upper { next = lower }
        return port
    }
}
