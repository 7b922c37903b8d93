// swift-tools-version:6.1
// SwiftNIO with nothing of chatkit's around it, for bench/run.py --nio-baseline (its own package, so chatkit's
// build never compiles it): nio-baseline is the smallest WebSocket server NIO can make (what accepting a
// connection costs in NIO's HTTP pipeline and WebSocket upgrader); nio-read-baseline reads server frames the
// way chatctl does, with NIO's frame decoder or from the bytes (what chatctl's read path costs without chatkit);
// nio-write-baseline writes them the way chatserver does at light load (its write path without chatkit).
import PackageDescription

let package = Package(
    name: "nio-baseline",
    dependencies: [.package(url: "https://github.com/apple/swift-nio", from: "2.101.0")],
    targets: [
        .target(name: "BaselineSupport"),
        .executableTarget(
            name: "nio-baseline",
            dependencies: [
                "BaselineSupport",
                .product(name: "NIOCore", package: "swift-nio"), .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"), .product(name: "NIOWebSocket", package: "swift-nio"),
            ]),
        .executableTarget(
            name: "nio-write-baseline",
            dependencies: [
                "BaselineSupport", .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
            ]),
        .executableTarget(
            name: "nio-read-baseline",
            dependencies: [
                "BaselineSupport",
                .product(name: "NIOCore", package: "swift-nio"), .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOWebSocket", package: "swift-nio"),
            ]),
    ]
)
