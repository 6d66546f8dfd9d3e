import Foundation
import InteropSupport

/// The SIP stack's interop tests start a Kamailio with TLS and WebSocket listeners on the test
/// certificate of Fixtures/tls (``TLSFixtures``).
extension KamailioInterop {
    /// ``withKamailio(tlsCertificateDirectory:_:)`` with Fixtures/tls when `secure`.
    static func withKamailio(secure: Bool, _ body: (KamailioInterop) async throws -> Void) async throws {
        try await withKamailio(tlsCertificateDirectory: secure ? TLSFixtures.directory : nil, body)
    }
}
