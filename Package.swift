// swift-tools-version: 6.2
//
// SwiftSIP: a SIP stack in Swift and `intercom`, an unattended door-phone agent built on it.
// One target per concern; lower layers never import higher ones (see README.md, "Architecture").

import PackageDescription

/// Settings every SwiftSIP target shares: Swift 6 language mode (strict concurrency) and
/// warnings about implicit existential use, so that hot paths stay generic-free.
let swiftSettings: [SwiftSetting] = [
    .enableUpcomingFeature("ExistentialAny"),
    .enableUpcomingFeature("MemberImportVisibility"),
]

var products: [Product] = [
    .library(name: "SIPMessage", targets: ["SIPMessage"]),
    .library(name: "SIPStack", targets: ["SIPStack"]),
    .library(name: "SDP", targets: ["SDP"]),
    .library(name: "RTP", targets: ["RTP"]),
    .library(name: "Audio", targets: ["Audio"]),
    .library(name: "Intercom", targets: ["Intercom"]),
    .executable(name: "intercom", targets: ["IntercomCLI"]),
    .executable(name: "Benchmarks", targets: ["Benchmarks"]),
]

var targets: [Target] = [
    // Bytes to message views, URIs, header grammar, message building. NIOCore only.
    .target(
        name: "SIPMessage",
        dependencies: [.product(name: "NIOCore", package: "swift-nio")],
        swiftSettings: swiftSettings
    ),
    // Transports, transactions, dialogs, digest auth, registration, UA core.
    .target(
        name: "SIPStack",
        dependencies: [
            "SIPMessage",
            .product(name: "NIOCore", package: "swift-nio"),
            .product(name: "NIOPosix", package: "swift-nio"),
            .product(name: "NIOHTTP1", package: "swift-nio"),
            .product(name: "NIOWebSocket", package: "swift-nio"),
            .product(name: "NIOTLS", package: "swift-nio"),
            .product(name: "NIOSSL", package: "swift-nio-ssl"),
            .product(name: "Crypto", package: "swift-crypto"),
            .product(name: "Logging", package: "swift-log"),
        ],
        swiftSettings: swiftSettings
    ),
    // Session descriptions (RFC 8866) and offer/answer (RFC 3264).
    .target(
        name: "SDP",
        dependencies: [.product(name: "NIOCore", package: "swift-nio")],
        swiftSettings: swiftSettings
    ),
    // RTP/RTCP (RFC 3550), RFC 4733 events, the jitter buffer, G.711.
    .target(
        name: "RTP",
        dependencies: [
            .product(name: "NIOCore", package: "swift-nio"),
            .product(name: "NIOPosix", package: "swift-nio"),
            .product(name: "Atomics", package: "swift-atomics"),
        ],
        swiftSettings: swiftSettings
    ),
    // C shims (CSupport/): one per C library, the thinnest layer Swift needs.
    .target(
        name: "COpus",
        path: "CSupport/COpus",
        linkerSettings: [.linkedLibrary("opus")]
    ),
    .systemLibrary(
        name: "CSpeexDSP",
        path: "CSupport/CSpeexDSP",
        pkgConfig: "speexdsp",
        providers: [.apt(["libspeexdsp-dev"])]
    ),
    // Codecs, resampling, echo cancellation, devices and the audio engine: the only user of the
    // shims.
    .target(
        name: "Audio",
        dependencies: ["COpus", "CSpeexDSP", "RTP"],
        swiftSettings: swiftSettings
    ),
    // The agent library: everything `intercom` does, testable without a process.
    .target(
        name: "Intercom",
        dependencies: [
            "SIPMessage",
            "SIPStack",
            .product(name: "NIOCore", package: "swift-nio"),
            .product(name: "NIOPosix", package: "swift-nio"),
            .product(name: "Logging", package: "swift-log"),
        ],
        swiftSettings: swiftSettings
    ),
    // The thin executable whose product is `intercom`.
    .executableTarget(
        name: "IntercomCLI",
        dependencies: [
            "Intercom",
            .product(name: "ArgumentParser", package: "swift-argument-parser"),
            .product(name: "Logging", package: "swift-log"),
        ],
        swiftSettings: swiftSettings
    ),
    // `swift run -c release Benchmarks parser|...`
    .executableTarget(
        name: "Benchmarks",
        dependencies: [
            "SIPMessage",
            "SIPStack",
            "SDP",
            "RTP",
            "Intercom",
            "Audio",
            .product(name: "NIOCore", package: "swift-nio"),
            .product(name: "NIOPosix", package: "swift-nio"),
            .product(name: "Logging", package: "swift-log"),
            .product(name: "MallocInterposerSwift", package: "malloc-interposer"),
        ],
        path: "Benchmarks",
        exclude: ["corpus", "c-parsers"],
        swiftSettings: swiftSettings
    ),
    .testTarget(
        name: "SIPMessageTests",
        dependencies: ["SIPMessage", .product(name: "NIOCore", package: "swift-nio")],
        exclude: ["Fixtures"],
        swiftSettings: swiftSettings
    ),
    .testTarget(
        name: "SIPStackTests",
        dependencies: [
            "SIPStack", "SIPMessage",
            // The media interop test with baresip runs SDP, RTP and Opus over the SIP stack.
            "SDP", "RTP", "Audio",
            .product(name: "NIOCore", package: "swift-nio"),
            .product(name: "NIOEmbedded", package: "swift-nio"),
            .product(name: "NIOPosix", package: "swift-nio"),
            .product(name: "NIOHTTP1", package: "swift-nio"),
            .product(name: "NIOWebSocket", package: "swift-nio"),
            .product(name: "NIOSSL", package: "swift-nio-ssl"),
        ],
        exclude: ["Fixtures"],
        swiftSettings: swiftSettings
    ),
    .testTarget(
        name: "SDPTests",
        dependencies: ["SDP", .product(name: "NIOCore", package: "swift-nio")],
        swiftSettings: swiftSettings
    ),
    .testTarget(
        name: "RTPTests",
        dependencies: [
            "RTP",
            .product(name: "NIOCore", package: "swift-nio"),
            .product(name: "NIOEmbedded", package: "swift-nio"),
            .product(name: "NIOPosix", package: "swift-nio"),
        ],
        swiftSettings: swiftSettings
    ),
    .testTarget(
        name: "AudioTests",
        dependencies: ["Audio"],
        swiftSettings: swiftSettings
    ),
    .testTarget(
        name: "IntercomTests",
        dependencies: [
            "Intercom", "SIPMessage",
            .product(name: "NIOCore", package: "swift-nio"),
            .product(name: "NIOPosix", package: "swift-nio"),
            .product(name: "Logging", package: "swift-log"),
        ],
        swiftSettings: swiftSettings
    ),
]

// libFuzzer targets: built only by Tests/Fuzz/run-fuzzers.sh (SWIFTSIP_FUZZ=1 with
// -sanitize=fuzzer,address), because libFuzzer brings its own `main`.
if Context.environment["SWIFTSIP_FUZZ"] != nil {
    targets.append(.target(name: "FuzzSupport", path: "Tests/Fuzz/FuzzSupport", swiftSettings: swiftSettings))
    products.append(.executable(name: "SIPMessageFuzzer", targets: ["SIPMessageFuzzer"]))
    products.append(.executable(name: "MediaFuzzer", targets: ["MediaFuzzer"]))
    targets.append(
        .executableTarget(
            name: "MediaFuzzer",
            dependencies: ["SDP", "RTP", "Audio", "FuzzSupport", .product(name: "NIOCore", package: "swift-nio")],
            path: "Tests/Fuzz/MediaFuzzer",
            swiftSettings: swiftSettings + [.unsafeFlags(["-parse-as-library"])]
        )
    )
    targets.append(
        .executableTarget(
            name: "SIPMessageFuzzer",
            dependencies: ["SIPMessage", "FuzzSupport", .product(name: "NIOCore", package: "swift-nio")],
            path: "Tests/Fuzz/SIPMessageFuzzer",
            swiftSettings: swiftSettings + [.unsafeFlags(["-parse-as-library"])]
        )
    )
}

let package = Package(
    name: "SwiftSIP",
    platforms: [.macOS(.v15)],
    products: products,
    dependencies: [
        .package(url: "https://github.com/apple/swift-nio.git", from: "2.101.2"),
        .package(url: "https://github.com/apple/swift-nio-ssl.git", from: "2.37.6"),
        .package(url: "https://github.com/apple/swift-argument-parser.git", from: "1.8.2"),
        .package(url: "https://github.com/apple/swift-log.git", from: "1.16.2"),
        .package(url: "https://github.com/apple/swift-crypto.git", from: "3.12.3"),
        .package(url: "https://github.com/ordo-one/malloc-interposer.git", from: "1.6.1"),
        .package(url: "https://github.com/apple/swift-atomics.git", from: "1.3.0"),
    ],
    targets: targets
)
