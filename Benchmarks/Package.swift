// swift-tools-version:6.1
import PackageDescription

// Benchmarks live in their own package (swift-nio's layout) so that building Shootdown itself
// stays fast. Run from this folder: `swift package benchmark`.
let package = Package(
    name: "ShootdownBenchmarks",
    platforms: [.macOS(.v13)],
    dependencies: [
        .package(name: "shootdown", path: "../"),
        .package(url: "https://github.com/ordo-one/benchmark", from: "1.38.0", traits: ["MallocInterposer"]),
    ],
    targets: [
        .executableTarget(
            name: "FlushRingBenchmark",
            dependencies: [
                .product(name: "Benchmark", package: "benchmark"),
                .product(name: "FlushRing", package: "shootdown"),
            ],
            path: "Benchmarks/FlushRingBenchmark",
            plugins: [.plugin(name: "BenchmarkPlugin", package: "benchmark")]
        ),
        .executableTarget(
            name: "CheckerBenchmark",
            dependencies: [
                .product(name: "Benchmark", package: "benchmark"),
                .product(name: "ShootdownChecker", package: "shootdown"),
                .product(name: "ShootdownModel", package: "shootdown"),
            ],
            path: "Benchmarks/CheckerBenchmark",
            plugins: [.plugin(name: "BenchmarkPlugin", package: "benchmark")]
        ),
        .executableTarget(
            name: "SimulatorBenchmark",
            dependencies: [
                .product(name: "Benchmark", package: "benchmark"),
                .product(name: "ShootdownSimulator", package: "shootdown"),
                .product(name: "ShootdownModel", package: "shootdown"),
            ],
            path: "Benchmarks/SimulatorBenchmark",
            plugins: [.plugin(name: "BenchmarkPlugin", package: "benchmark")]
        ),
    ]
)
