import NIOCore
import SIPMessage

/// The agent's operations for Swift concurrency: each hops to the event loop, runs the
/// on-loop method of the same name and returns its result.
extension SIPUserAgent {
    /// Runs `body` on the event loop.
    private func onLoop<T: Sendable>(
        _ body: @escaping @Sendable () throws(SIPUserAgentError) -> T
    ) async throws(SIPUserAgentError) -> T {
        let result: Result<T, SIPUserAgentError>
        do {
            result = try await eventLoop.submit { () -> Result<T, SIPUserAgentError> in
                do throws(SIPUserAgentError) { return .success(try body()) } catch { return .failure(error) }
            }.get()
        } catch {
            throw SIPUserAgentError(.shutDown, "the event loop is shut down")
        }
        return try result.get()
    }

    /// Calls `target` with `offer`; see ``call(_:offer:headers:)``.
    public func call(_ target: String, offer: SIPBody?, headers: [(SIPHeaderName, String)] = []) async throws(SIPUserAgentError) -> SIPCallHandle {
        try await onLoop { () throws(SIPUserAgentError) in try self.call(target, offer: offer, headers: headers) }
    }

    /// Answers the incoming call or the peer's re-INVITE; see ``answer(_:body:)``.
    public func answer(_ handle: SIPCallHandle, body: SIPBody?) async throws(SIPUserAgentError) {
        try await onLoop { () throws(SIPUserAgentError) in try self.answer(handle, body: body) }
    }

    /// Sends 180 for the incoming call; see ``ring(_:)``.
    public func ring(_ handle: SIPCallHandle) async throws(SIPUserAgentError) {
        try await onLoop { () throws(SIPUserAgentError) in try self.ring(handle) }
    }

    /// Refuses the incoming call or re-INVITE; see ``reject(_:status:reason:)``.
    public func reject(_ handle: SIPCallHandle, status: Int, reason: String? = nil) async throws(SIPUserAgentError) {
        try await onLoop { () throws(SIPUserAgentError) in try self.reject(handle, status: status, reason: reason) }
    }

    /// Ends the call; see ``hangUp(_:)``.
    public func hangUp(_ handle: SIPCallHandle) async throws(SIPUserAgentError) {
        try await onLoop { () throws(SIPUserAgentError) in try self.hangUp(handle) }
    }

    /// Sends a re-INVITE; see ``reinvite(_:offer:)``.
    public func reinvite(_ handle: SIPCallHandle, offer: SIPBody) async throws(SIPUserAgentError) {
        try await onLoop { () throws(SIPUserAgentError) in try self.reinvite(handle, offer: offer) }
    }

    /// Sends INFO and returns its final status; see ``sendInfo(_:body:)``.
    public func sendInfo(_ handle: SIPCallHandle, body: SIPBody) async throws(SIPUserAgentError) -> Int {
        let future = try await onLoop { () throws(SIPUserAgentError) in try self.sendInfo(handle, body: body) }
        return await Self.status(of: future)
    }

    /// Sends MESSAGE outside a dialog and returns its final status; see
    /// ``sendMessage(to:body:)``.
    public func sendMessage(to target: String, body: SIPBody) async throws(SIPUserAgentError) -> Int {
        let future = try await onLoop { () throws(SIPUserAgentError) in try self.sendMessage(to: target, body: body) }
        return await Self.status(of: future)
    }

    /// Sends OPTIONS and returns its final status; see ``sendOptions(to:)``.
    public func sendOptions(to target: String) async throws(SIPUserAgentError) -> Int {
        let future = try await onLoop { () throws(SIPUserAgentError) in try self.sendOptions(to: target) }
        return await Self.status(of: future)
    }

    /// The state of a call; see ``state(of:)``.
    public func callState(_ handle: SIPCallHandle) async -> SIPCallState? {
        try? await onLoop { self.state(of: handle) }
    }

    /// Ends every call and finishes ``events``; see ``shutdown()``.
    public func shutdownGracefully() async {
        _ = try? await onLoop { self.shutdown() }
    }

    private static func status(of future: EventLoopFuture<Int>) async -> Int {
        (try? await future.get()) ?? 503
    }
}
