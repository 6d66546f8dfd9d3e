/// One press of a call button: the targets it calls, in parallel or in turn, and where it
/// stands.
final class ButtonAttempt: @unchecked Sendable {
    let button: ButtonConfiguration
    /// The next target to try (sequential).
    var nextTarget = 0
    /// Calls placed by this press still ringing.
    var ringing: Set<String> = []
    /// Whether a target answered (the others are cancelled).
    var answered = false
    var finished = false

    init(button: ButtonConfiguration) {
        self.button = button
    }
}
