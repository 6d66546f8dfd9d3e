import CSRTP

/// libsrtp's one-time set-up (`srtp_init`), run by the first context made in the process.
///
/// The outcome is a `static let`: Swift runs its initialiser exactly once, thread-safely, on
/// first use, so no lock and no mutable global state is needed. libsrtp is never shut down
/// (`srtp_shutdown`): contexts may live until the process ends.
enum SRTPLibrary {
    /// The status `srtp_init` returned (0 for success).
    private static let initializationStatus: Int32 = Int32(truncatingIfNeeded: srtp_init().rawValue)

    /// Runs `srtp_init` if no one has yet.
    ///
    /// - Throws: ``SRTPError/Code/initialization`` if it failed.
    static func initialize() throws(SRTPError) {
        let status = initializationStatus
        if status != 0 { throw SRTPError(.initialization, status: status) }
    }
}
