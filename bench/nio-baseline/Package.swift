// swift-tools-version:6.1
// The smallest WebSocket server SwiftNIO can make: what accepting a connection costs in NIO's own HTTP pipeline
// and WebSocket upgrader, with nothing of chatkit's around it. bench/run.py --nio-baseline builds and measures
// it beside chatserver (its own package, so chatkit's build never compiles it).
import PackageDescription

let package = Package(
    name: "nio-baseline",
    dependencies: [.package(url: "https://github.com/apple/swift-nio", from: "2.101.0")],
    targets: [
        .executableTarget(
            name: "nio-baseline",
            dependencies: [
                .product(name: "NIOCore", package: "swift-nio"), .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"), .product(name: "NIOWebSocket", package: "swift-nio"),
            ])
    ]
)
