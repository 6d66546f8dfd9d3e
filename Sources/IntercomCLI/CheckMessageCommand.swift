import ArgumentParser
import Foundation
import Intercom
import NIOCore
import SIPMessage

/// `intercom check-message FILE...`: parses each file as one SIP message (a UDP datagram) and
/// prints one JSON line per file.
struct CheckMessageCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "check-message",
        abstract: "Check files that each hold one SIP message; print one JSON line per file.",
        discussion: """
            Each line: {"file","valid","error","offset","kind","method","status","request_uri",
            "call_id","cseq","cseq_method","via_branch","via_count","from_tag","to_tag",
            "content_length","reject_status"}. "valid" is false when the message does not parse or
            breaks the grammar of a header; "offset" is the byte offset of the problem;
            "reject_status" is the status a user agent answers a request with (null when it would
            process it, and for responses).
            Exit status: 0 when every file is valid, 1 when any is invalid, 2 on a usage error
            (no file, or a file that cannot be read).
            """
    )

    /// The roles whose checks can be applied.
    enum Role: String, ExpressibleByArgument, CaseIterable {
        case ua, registrar
    }

    @Option(help: "Check as this element: ua (the intercom; REGISTER gets 405) or registrar.")
    var role: Role = .ua

    @Argument(help: "Files that each hold one SIP message, byte for byte.")
    var files: [String] = []

    func validate() throws {
        if files.isEmpty { throw ValidationError("give at least one FILE") }
    }

    func run() throws {
        let profile: SIPEndpointProfile = role == .ua ? .userAgent : .registrar
        var anyInvalid = false
        var unreadable = false
        for file in files {
            guard let data = FileManager.default.contents(atPath: file) else {
                FileHandle.standardError.write(Data("intercom check-message: cannot read \(file)\n".utf8))
                unreadable = true
                continue
            }
            var buffer = ByteBufferAllocator().buffer(capacity: data.count)
            buffer.writeBytes(data)
            let report = MessageReport(file: file, bytes: buffer, profile: profile)
            print(report.jsonLine)
            if !report.valid { anyInvalid = true }
        }
        if unreadable { throw ExitCode(2) }
        if anyInvalid { throw ExitCode(1) }
    }
}
