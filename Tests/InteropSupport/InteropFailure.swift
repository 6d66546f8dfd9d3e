/// An interop test could not set up or talk to its peer.
public struct InteropFailure: Error, CustomStringConvertible {
    public let description: String

    public init(_ description: String) {
        self.description = description
    }
}
