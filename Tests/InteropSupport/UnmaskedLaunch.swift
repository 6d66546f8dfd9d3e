import Foundation

/// Starts a child through perl with an empty signal mask. The test runner may block signals,
/// and a child inherits the mask, which would leave the child deaf to SIGTERM (and SIGHUP):
/// stopping it by PID would then do nothing and leave it running after the test. perl clears
/// the mask and execs the program in the same process (same PID), as
/// `Tests/Interop/peer-process.sh` does for the peers it starts.
public enum UnmaskedLaunch {
    /// Sets `process` to run `executable` with `arguments` that way.
    public static func configure(_ process: Process, executable: String, arguments: [String]) {
        process.executableURL = URL(fileURLWithPath: "/usr/bin/perl")
        process.arguments = [
            "-MPOSIX", "-e",
            "sigprocmask(SIG_SETMASK, POSIX::SigSet->new) or die \"sigprocmask: $!\\n\"; exec { $ARGV[0] } @ARGV or die \"exec $ARGV[0]: $!\\n\"",
            executable,
        ] + arguments
    }
}
