import Synchronization

/// An `AsyncStream` of events that exists only once someone reads it.
///
/// An `AsyncStream` made up front keeps every element yielded to it until it is iterated, and
/// one that nobody iterates keeps them all: an application that follows a ``SIPUserAgent``
/// through its `onEvent` callback (as `intercom` does) would hold every event, with the message
/// bytes each carries, for as long as the agent runs (about 5 kB per call). Here the stream is
/// made by the first read of ``stream``; until then, yielded events are dropped, and after
/// ``finish()`` a read gets a finished stream.
///
/// Thread-safe: events are yielded on the owner's event loop, the stream is read from any task.
final class OnDemandEventStream<Element: Sendable>: Sendable {
    private enum State {
        case unread
        case read(AsyncStream<Element>, AsyncStream<Element>.Continuation)
        case finished
    }

    private let state = Mutex(State.unread)

    init() {}

    /// The stream, made on the first read; every later read returns the same stream (an
    /// `AsyncStream` has one consumer).
    var stream: AsyncStream<Element> {
        state.withLock { state in
            switch state {
            case .read(let stream, _):
                return stream
            case .unread:
                let (stream, continuation) = AsyncStream.makeStream(of: Element.self)
                state = .read(stream, continuation)
                return stream
            case .finished:
                let (stream, continuation) = AsyncStream.makeStream(of: Element.self)
                continuation.finish()
                return stream
            }
        }
    }

    /// Hands `element` to the stream if it has been read, else drops it.
    func yield(_ element: Element) {
        let continuation: AsyncStream<Element>.Continuation? = state.withLock { state in
            if case .read(_, let continuation) = state { continuation } else { nil }
        }
        continuation?.yield(element)
    }

    /// Ends the stream: its reader's iteration ends after the elements already yielded.
    func finish() {
        let continuation: AsyncStream<Element>.Continuation? = state.withLock { state in
            defer { state = .finished }
            if case .read(_, let continuation) = state { return continuation }
            return nil
        }
        continuation?.finish()
    }
}
