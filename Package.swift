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
    .library(name: "SRTP", targets: ["SRTP"]),
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
            "CResolv",
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
    // Secure RTP (RFC 3711) through libsrtp2: contexts, keys and the RTP session's protector.
    .target(
        name: "SRTP",
        dependencies: ["CSRTP", "RTP", .product(name: "NIOCore", package: "swift-nio")],
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
    .systemLibrary(
        name: "CSRTP",
        path: "CSupport/CSRTP",
        pkgConfig: "libsrtp2",
        providers: [.apt(["libsrtp2-dev"])]
    ),
    // glibc's dl_iterate_phdr and elf.h, which the Glibc module leaves out: the agent reads
    // its own program headers to give start-up pages back (Intercom's ReadOnlyPages).
    .target(
        name: "CDynamicLinker",
        path: "CSupport/CDynamicLinker"
    ),
    // The kernel's GPIO character device (linux/gpio.h uAPI v2): the agent's GPIO buttons and
    // door outputs (Intercom's GPIOLine, ButtonGPIO). ioctl is variadic, so Swift needs a shim.
    .target(
        name: "CGPIO",
        path: "CSupport/CGPIO"
    ),
    // The kernel's userfaultfd: a code range registered with one faults in page by page, not
    // in 64 KB windows (Intercom's SinglePageFaults). Creating one and its requests are variadic
    // syscall/ioctl calls, so Swift needs a shim.
    .target(
        name: "CUserfaultfd",
        path: "CSupport/CUserfaultfd"
    ),
    // glibc's stub resolver (libresolv): SRV, A and AAAA queries for locating SIP servers
    // (SIPStack's DNSResolver). struct __res_state and the record accessors (macros) need C.
    .target(
        name: "CResolv",
        path: "CSupport/CResolv",
        linkerSettings: [.linkedLibrary("resolv")]
    ),
    .systemLibrary(
        name: "CALSA",
        path: "CSupport/CALSA",
        pkgConfig: "alsa",
        providers: [.apt(["libasound2-dev"])]
    ),
    // Codecs, resampling, echo cancellation, devices and the audio engine: the only user of the
    // shims.
    .target(
        name: "Audio",
        dependencies: ["CALSA", "COpus", "CSpeexDSP", "RTP", .product(name: "NIOCore", package: "swift-nio")],
        // The echo canceller and the engine run in real time even in debug builds (the tests
        // make real-time calls): the DSP code is optimised in every configuration.
        swiftSettings: swiftSettings + [.unsafeFlags(["-O"], .when(configuration: .debug))]
    ),
    // The agent library: everything `intercom` does, testable without a process.
    .target(
        name: "Intercom",
        dependencies: [
            "SIPMessage",
            "SIPStack",
            "SDP",
            "RTP",
            "SRTP",
            "Audio",
            "CDynamicLinker",
            "CGPIO",
            "CUserfaultfd",
            .product(name: "Yams", package: "Yams"),
            .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            .product(name: "UnixSignals", package: "swift-service-lifecycle"),
            .product(name: "Hummingbird", package: "hummingbird"),
            .product(name: "HTTPTypes", package: "swift-http-types"),
            .product(name: "Metrics", package: "swift-metrics"),
            .product(name: "Prometheus", package: "swift-prometheus"),
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
            .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            .product(name: "UnixSignals", package: "swift-service-lifecycle"),
            .product(name: "Prometheus", package: "swift-prometheus"),
            .product(name: "ArgumentParser", package: "swift-argument-parser"),
            .product(name: "Logging", package: "swift-log"),
        ],
        exclude: ["rodata.ld"],
        swiftSettings: swiftSettings,
        // Release builds link the Swift runtime, Foundation and Dispatch statically, with lld,
        // packed relative relocations and unused sections dropped: the shared libraries were
        // about 18 MB of the idle agent's resident memory (docs/benchmarks.md, "Agent footprint").
        // rodata.ld keeps the constants in the read-only segment (why: in the file).
        linkerSettings: [
            .unsafeFlags(
                ["-static-stdlib", "-lCoreFoundation", "-l_FoundationCollections", "-l_FoundationCShims", "-l_FoundationICU", "-use-ld=lld", "-Xlinker", "-z", "-Xlinker", "pack-relative-relocs", "-Xlinker", "--gc-sections", "-Xlinker", "--no-export-dynamic", "-Xlinker", "-T", "-Xlinker", Context.packageDirectory + "/Sources/IntercomCLI/rodata.ld"],
                .when(configuration: .release))
        ]
    ),
    // `swift run -c release Benchmarks parser|...`
    .executableTarget(
        name: "Benchmarks",
        dependencies: [
            "SIPMessage",
            "SIPStack",
            "SDP",
            "RTP",
            "Audio",
            "SRTP",
            // `Benchmarks srtp` times libsrtp alone as the baseline of the SRTP contexts.
            "CSRTP",
            "Intercom",
            .product(name: "NIOCore", package: "swift-nio"),
            .product(name: "NIOPosix", package: "swift-nio"),
            .product(name: "Logging", package: "swift-log"),
            .product(name: "MallocInterposerSwift", package: "malloc-interposer"),
        ],
        path: "Benchmarks",
        exclude: ["corpus", "c-parsers", "aec-rooms", "agent"],
        swiftSettings: swiftSettings
    ),
    // What the interop and end-to-end tests of several test targets share: Kamailio and baresip
    // started on loopback from Tests/Interop, baresip's ctrl_tcp client, free loopback ports.
    .target(
        name: "InteropSupport",
        dependencies: [
            .product(name: "NIOCore", package: "swift-nio"),
            .product(name: "NIOPosix", package: "swift-nio"),
        ],
        path: "Tests/InteropSupport",
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
            "SIPStack", "SIPMessage", "InteropSupport",
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
        name: "SRTPTests",
        dependencies: [
            "SRTP", "RTP",
            .product(name: "NIOCore", package: "swift-nio"),
            .product(name: "NIOEmbedded", package: "swift-nio"),
            .product(name: "Crypto", package: "swift-crypto"),
            .product(name: "_CryptoExtras", package: "swift-crypto"),
        ],
        swiftSettings: swiftSettings
    ),
    .testTarget(
        name: "AudioTests",
        dependencies: [
            "Audio", "RTP",
            .product(name: "NIOCore", package: "swift-nio"),
            .product(name: "NIOPosix", package: "swift-nio"),
        ],
        swiftSettings: swiftSettings
    ),
    .testTarget(
        name: "IntercomTests",
        dependencies: [
            "Intercom", "SIPMessage", "SIPStack", "SDP", "RTP", "SRTP", "Audio", "InteropSupport",
            .product(name: "HummingbirdTesting", package: "hummingbird"),
            .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            .product(name: "Yams", package: "Yams"),
            .product(name: "NIOCore", package: "swift-nio"),
            .product(name: "NIOEmbedded", package: "swift-nio"),
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
    products.append(.executable(name: "DigestFuzzer", targets: ["DigestFuzzer"]))
    products.append(.executable(name: "ConfigFuzzer", targets: ["ConfigFuzzer"]))
    products.append(.executable(name: "DNSFuzzer", targets: ["DNSFuzzer"]))
    products.append(.executable(name: "UserAgentFuzzer", targets: ["UserAgentFuzzer"]))
    // The user agent's dialogs, transactions and timers under a scripted hostile peer (SIPStack on
    // NIO's embedded loop).
    targets.append(
        .executableTarget(
            name: "UserAgentFuzzer",
            dependencies: [
                "SIPMessage", "SIPStack", "FuzzSupport", .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOEmbedded", package: "swift-nio"), .product(name: "Logging", package: "swift-log"),
            ],
            path: "Tests/Fuzz/UserAgentFuzzer",
            swiftSettings: swiftSettings + [.unsafeFlags(["-parse-as-library"])]
        )
    )
    // DNS answers from a name server (SIPStack's DNSResolver over libresolv's parser).
    targets.append(
        .executableTarget(
            name: "DNSFuzzer",
            dependencies: ["SIPStack", "FuzzSupport", .product(name: "NIOCore", package: "swift-nio")],
            path: "Tests/Fuzz/DNSFuzzer",
            swiftSettings: swiftSettings + [.unsafeFlags(["-parse-as-library"])]
        )
    )
    // Digest challenges and credentials: the header grammar (SIPMessage) and our computation and
    // verification (SIPStack's Auth).
    targets.append(
        .executableTarget(
            name: "DigestFuzzer",
            dependencies: [
                "SIPMessage", "SIPStack", "FuzzSupport", .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "Crypto", package: "swift-crypto"),
            ],
            path: "Tests/Fuzz/DigestFuzzer",
            swiftSettings: swiftSettings + [.unsafeFlags(["-parse-as-library"])]
        )
    )
    // The agent's YAML configuration file and its environment overrides (Intercom's Configuration).
    targets.append(
        .executableTarget(
            name: "ConfigFuzzer",
            dependencies: ["Intercom", "FuzzSupport"],
            path: "Tests/Fuzz/ConfigFuzzer",
            swiftSettings: swiftSettings + [.unsafeFlags(["-parse-as-library"])]
        )
    )
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
        .package(url: "https://github.com/jpsim/Yams.git", from: "6.2.2"),
        .package(url: "https://github.com/swift-server/swift-service-lifecycle.git", from: "2.13.0"),
        .package(url: "https://github.com/hummingbird-project/hummingbird.git", from: "2.28.1"),
        .package(url: "https://github.com/apple/swift-metrics.git", from: "2.13.0"),
        .package(url: "https://github.com/swift-server/swift-prometheus.git", from: "2.4.1"),
        .package(url: "https://github.com/apple/swift-http-types.git", from: "1.8.0"),
    ],
    targets: targets
)
