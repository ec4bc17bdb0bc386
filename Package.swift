// swift-tools-version:6.1
import PackageDescription

let package = Package(
    name: "shootdown",
    products: [
        .library(name: "ShootdownModel", targets: ["ShootdownModel"]),
        .library(name: "ShootdownReport", targets: ["ShootdownReport"]),
        .library(name: "ShootdownChecker", targets: ["ShootdownChecker"]),
        .library(name: "ShootdownSimulator", targets: ["ShootdownSimulator"]),
        .executable(name: "shootdown", targets: ["ShootdownCLI"]),
        .library(name: "FlushRing", targets: ["FlushRing"]),
        .library(name: "ShootdownTrace", targets: ["ShootdownTrace"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.5.0")
    ],
    targets: [
        .target(
            name: "ShootdownModel",
            swiftSettings: [.define("SHOOTDOWN_INTERNAL_CHECKS", .when(configuration: .debug))]
        ),
        .target(name: "ShootdownChecker", dependencies: ["ShootdownModel", "CachePrefetch"]),
        .target(name: "CachePrefetch"),
        .target(name: "ShootdownSimulator", dependencies: ["ShootdownModel"]),
        .target(
            name: "ShootdownReport",
            dependencies: ["ShootdownModel", "ShootdownChecker", "ShootdownSimulator", "ShootdownTrace"]
        ),
        .executableTarget(
            name: "ShootdownCLI",
            dependencies: [
                "ShootdownModel", "ShootdownReport", "ShootdownChecker", "ShootdownSimulator", "ShootdownTrace",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ]
        ),
        .target(name: "FlushRing"),
        .target(name: "ShootdownTrace", dependencies: ["ShootdownModel"]),
        .testTarget(name: "ShootdownModelTests", dependencies: ["ShootdownModel"]),
        .testTarget(name: "ShootdownCheckerTests", dependencies: ["ShootdownModel", "ShootdownChecker"]),
        .testTarget(name: "FlushRingTests", dependencies: ["FlushRing"]),
        .testTarget(name: "ShootdownTraceTests", dependencies: ["ShootdownTrace", "ShootdownModel"]),
        .testTarget(name: "ShootdownSimulatorTests", dependencies: ["ShootdownModel", "ShootdownSimulator"]),
        .testTarget(
            name: "ShootdownCLITests",
            dependencies: [
                "ShootdownModel", "ShootdownReport", "ShootdownChecker", "ShootdownSimulator", "ShootdownCLI",
            ],
            exclude: ["Fixtures"]
        ),
    ],
    swiftLanguageModes: [.v6]
)
