// What every libFuzzer target of SwiftSIP shares: property checks that name the target, the
// hash sink that keeps the optimizer from dropping calls whose results look unused, and the
// start of libFuzzer's driver from the entry point SwiftPM gives an executable.
//
// Built only by Tests/Fuzz/run-fuzzers.sh (SWIFTSIP_FUZZ=1); see Tests/Fuzz/README.md.

/// Fails the input with "TARGET property violated: message" unless `condition` holds. The
/// target's name is the module of the caller.
@inline(__always)
public func check(_ condition: @autoclosure () -> Bool, _ message: @autoclosure () -> String, fileID: String = #fileID) {
    if !condition() { fail(message(), fileID: fileID) }
}

/// Stops on a broken property, with a message libFuzzer keeps in its log.
public func fail(_ message: String, fileID: String = #fileID) -> Never {
    let target = fileID.split(separator: "/").first.map(String.init) ?? "fuzzer"
    fatalError("\(target) property violated: \(message)")
}

/// What the decoders returned for the current input, hashed (an empty function would not do:
/// the optimizer sees that it has no effect and drops the calls that feed it).
nonisolated(unsafe) public var sink = Hasher()

/// Hashes `value` into ``sink``, which reads every byte of it and keeps its computation.
@inline(never)
public func blackHole<T: Hashable>(_ value: T) {
    sink.combine(value)
}

/// Ends one input: makes every value fed to ``blackHole(_:)`` needed, and starts a new sink.
@inline(never)
public func finishInput() {
    if sink.finalize() == 0x5EED { print("fuzzer: digest 0x5EED") }
    sink = Hasher()
}

@_silgen_name("LLVMFuzzerRunDriver")
func LLVMFuzzerRunDriver(
    _ argc: UnsafeMutablePointer<CInt>,
    _ argv: UnsafeMutablePointer<UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?>,
    _ callback: @convention(c) (UnsafePointer<UInt8>, Int) -> CInt
) -> CInt

/// Runs libFuzzer with the program's arguments and `callback` (the target's
/// `LLVMFuzzerTestOneInput`). SwiftPM links an executable with `--defsym main=TARGET_main`,
/// so that symbol, not libFuzzer's `main`, starts the program: call this from it.
public func runLibFuzzer(
    _ argc: CInt, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?,
    _ callback: @convention(c) (UnsafePointer<UInt8>, Int) -> CInt
) -> CInt {
    var argc = argc
    var argv = argv
    return LLVMFuzzerRunDriver(&argc, &argv, callback)
}

@_silgen_name("__lsan_disable")
func __lsan_disable()

@_silgen_name("__lsan_enable")
func __lsan_enable()

/// Runs `body` with LeakSanitizer ignoring what it allocates. For a target's warm-up before
/// libFuzzer starts: Swift allocates a global (`static let`) once, on first use, and can keep
/// its pointers in tagged enum payloads that LeakSanitizer does not see, so a global first used
/// during an input would be reported as that input's leak.
public func withoutLeakChecks(_ body: () -> Void) {
    __lsan_disable()
    body()
    __lsan_enable()
}
