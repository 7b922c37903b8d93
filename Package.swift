// swift-tools-version:6.1
import PackageDescription

/// What every test tier may use.
let testDependencies: [Target.Dependency] = [
    "ChatKit",
    "ChatKitWebSocket",
    "ChatKitChat",
    "ChatKitCluster",
    "ChatKitServer",
    "ChatKitLoad",
    "ChatKitTLS",
    "ChatKitTestSupport",
    .product(name: "NIOCore", package: "swift-nio"),
    .product(name: "NIOPosix", package: "swift-nio"),
    .product(name: "NIOEmbedded", package: "swift-nio"),
    .product(name: "NIOWebSocket", package: "swift-nio"),
    .product(name: "NIOHTTP1", package: "swift-nio"),
]

let package = Package(
    name: "chatkit",
    platforms: [.macOS(.v14)],
    products: [
        .library(name: "ChatKit", targets: ["ChatKit"]),
        .library(name: "ChatKitWebSocket", targets: ["ChatKitWebSocket"]),
        .library(name: "ChatKitChat", targets: ["ChatKitChat"]),
        .library(name: "ChatKitCluster", targets: ["ChatKitCluster"]),
        .library(name: "ChatKitServer", targets: ["ChatKitServer"]),
        .library(name: "ChatKitTLS", targets: ["ChatKitTLS"]),
        .library(name: "ChatKitLoad", targets: ["ChatKitLoad"]),
        .executable(name: "chatserver", targets: ["chatserver"]),
        .executable(name: "chatctl", targets: ["chatctl"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-nio.git", from: "2.101.0"),
        .package(url: "https://github.com/apple/swift-argument-parser.git", from: "1.8.0"),
        .package(url: "https://github.com/apple/swift-log.git", from: "1.16.0"),
        .package(url: "https://github.com/apple/swift-atomics.git", from: "1.3.0"),
        .package(url: "https://github.com/HdrHistogram/hdrhistogram-swift.git", from: "0.2.0"),
        .package(url: "https://github.com/apple/swift-metrics.git", from: "2.13.0"),
        .package(url: "https://github.com/swift-server/swift-prometheus.git", from: "2.4.0"),
        .package(url: "https://github.com/apple/swift-nio-ssl.git", from: "2.37.0"),
        .package(url: "https://github.com/swift-server/swift-service-lifecycle.git", from: "2.13.0"),
    ],
    targets: [
        // The layers (docs/architecture.md, "Modules"): each target depends only on the layers below it, so an
        // arrow the design does not draw is a compile error.
        // Transport: the WebSocket server and client on SwiftNIO, and the TLS seams (protocols only); no chat.
        .target(
            name: "ChatKitWebSocket",
            dependencies: [
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
                .product(name: "NIOWebSocket", package: "swift-nio"),
                .product(name: "NIOConcurrencyHelpers", package: "swift-nio"),
                // TLS's user events only (no TLS implementation: that is ChatKitTLS).
                .product(name: "NIOTLS", package: "swift-nio"),
            ]
        ),
        // Chat: frames, the hub, rooms, names, history, the RoomBackend seam with its local backend, and the chat
        // client (ChatClient) over the transport's client.
        .target(
            name: "ChatKitChat",
            dependencies: [
                "ChatKitWebSocket",
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOConcurrencyHelpers", package: "swift-nio"),
                .product(name: "Atomics", package: "swift-atomics"),
                // The delivery probe records into a swift-metrics timer it is given.
                .product(name: "CoreMetrics", package: "swift-metrics"),
            ]
        ),
        // Cluster: the Redis client and the cluster node, the hub's RoomBackend over Redis. Chat does not depend on
        // it.
        .target(
            name: "ChatKitCluster",
            dependencies: [
                "ChatKitChat",
                "ChatKitWebSocket",
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOConcurrencyHelpers", package: "swift-nio"),
                .product(name: "Atomics", package: "swift-atomics"),
                .product(name: "Logging", package: "swift-log"),
            ]
        ),
        // Server: HTTP routes, admin, metrics, the page, the upgrade into chat; wires chat, cluster and transport.
        .target(
            name: "ChatKitServer",
            dependencies: [
                "ChatKitWebSocket",
                "ChatKitChat",
                "ChatKitCluster",
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
                .product(name: "NIOWebSocket", package: "swift-nio"),
                .product(name: "NIOConcurrencyHelpers", package: "swift-nio"),
                .product(name: "Atomics", package: "swift-atomics"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "CoreMetrics", package: "swift-metrics"),
                .product(name: "Prometheus", package: "swift-prometheus"),
                // The server's life cycle (ChatServer is a Service), as Hummingbird and Vapor do it.
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ]
        ),
        // What users import: every layer re-exported, and the small utilities the executables share.
        .target(
            name: "ChatKit",
            dependencies: [
                "ChatKitWebSocket",
                "ChatKitChat",
                "ChatKitCluster",
                "ChatKitServer",
                .product(name: "NIOConcurrencyHelpers", package: "swift-nio"),
            ]
        ),
        // The load engine (scenario, plan, runner, simulated users, accounting, checks, reports) over ChatKit's
        // client and, for runs without a target, its server. The only user of hdrhistogram; chatserver does not
        // link it.
        .target(
            name: "ChatKitLoad",
            dependencies: [
                "ChatKit",
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
                .product(name: "NIOConcurrencyHelpers", package: "swift-nio"),
                .product(name: "Atomics", package: "swift-atomics"),
                .product(name: "Histogram", package: "hdrhistogram-swift"),
            ]
        ),
        // wss:// and https:// on swift-nio-ssl (BoringSSL), apart from ChatKit so that targets that need no TLS
        // (the fuzz targets) do not compile BoringSSL; ChatKit reaches it through its TLS provider protocols.
        .target(
            name: "ChatKitTLS",
            dependencies: [
                "ChatKitWebSocket",
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOSSL", package: "swift-nio-ssl"),
            ]
        ),
        .executableTarget(
            name: "chatserver",
            dependencies: [
                "ChatKit",
                "ChatKitTLS",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ]
        ),
        // libcurl for chatctl's HTTP calls (health, admin); ChatKit itself stays free of it.
        .systemLibrary(
            name: "CCurl",
            pkgConfig: "libcurl",
            providers: [.apt(["libcurl4-openssl-dev"])]
        ),
        .executableTarget(
            name: "chatctl",
            dependencies: [
                "ChatKit",
                "ChatKitLoad",
                "ChatKitTLS",
                "CCurl",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "NIOConcurrencyHelpers", package: "swift-nio"),
            ]
        ),
        // The hub without sockets, for `make bench` (bench/run.py's hub case).
        .executableTarget(
            name: "HubBench",
            dependencies: ["ChatKitServer"],
            path: "Sources/Bench/HubBench"
        ),
        // libFuzzer targets (docs/fuzzing.md). Built normally, each is a replayer of its corpus; built by
        // .ci/fuzz with -DFUZZING and -sanitize=fuzzer, it is the fuzzer.
        .target(name: "FuzzSupport", path: "Sources/Fuzz/FuzzSupport"),
        .executableTarget(
            name: "FuzzChatFrames",
            dependencies: ["ChatKitChat", "FuzzSupport", .product(name: "NIOCore", package: "swift-nio")],
            path: "Sources/Fuzz/FuzzChatFrames"
        ),
        .executableTarget(
            name: "FuzzScenario",
            dependencies: ["ChatKit", "ChatKitLoad", "FuzzSupport"],
            path: "Sources/Fuzz/FuzzScenario"
        ),
        .executableTarget(
            name: "FuzzHTTP",
            dependencies: [
                "ChatKit",
                "ChatKitServer",
                "FuzzSupport",
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOEmbedded", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
                .product(name: "Logging", package: "swift-log"),
            ],
            path: "Sources/Fuzz/FuzzHTTP"
        ),
        // Tests, in tiers that run on their own (`swift test --filter '^ChatKitUnitTests\.'`): unit (no sockets),
        // loopback (ChatKitTests: live servers and clients on 127.0.0.1 in the test process), processes (the
        // built chatctl, chatserver and fuzz replayers as child processes), browser (headless Chromium) and
        // interop (peers from outside: Python's websockets and kosoku, redis-server, openssl's certificates).
        // A test that lacks what it needs skips, naming it (fails under CI=true).
        // The helpers every tier shares: a test target, so that it may use @testable imports and release builds
        // skip it.
        .testTarget(
            name: "ChatKitTestSupport",
            dependencies: [
                "ChatKit",
                "ChatKitWebSocket",
                "ChatKitChat",
                "ChatKitCluster",
                "ChatKitServer",
                "ChatKitLoad",
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOConcurrencyHelpers", package: "swift-nio"),
            ],
            path: "Tests/ChatKitTestSupport"
        ),
        .testTarget(name: "ChatKitUnitTests", dependencies: testDependencies),
        .testTarget(name: "ChatKitTests", dependencies: testDependencies),
        .testTarget(name: "ChatKitProcessTests", dependencies: testDependencies),
        .testTarget(name: "ChatKitBrowserTests", dependencies: testDependencies),
        .testTarget(name: "ChatKitInteropTests", dependencies: testDependencies),
    ],
    swiftLanguageModes: [.v6]
)
