// swift-tools-version:6.1
import PackageDescription

// Every target opts into the same upcoming features, so code reads the same everywhere.
let swiftSettings: [SwiftSetting] = [
    .enableUpcomingFeature("ExistentialAny"),
    .enableUpcomingFeature("MemberImportVisibility"),
]

let package = Package(
    name: "creneau",
    platforms: [.macOS(.v15)],
    products: [
        .executable(name: "creneau", targets: ["creneau"]),
    ],
    dependencies: [
        .package(url: "https://github.com/hummingbird-project/hummingbird", from: "2.28.1"),
        .package(url: "https://github.com/hummingbird-project/swift-mustache", from: "2.1.1"),
        .package(url: "https://github.com/swift-server/swift-prometheus", from: "2.4.1"),
        .package(url: "https://github.com/swift-server/swift-service-lifecycle", from: "2.13.0"),
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
        .package(url: "https://github.com/apple/swift-log", from: "1.16.2"),
        .package(url: "https://github.com/apple/swift-metrics", from: "2.13.0"),
        .package(url: "https://github.com/apple/swift-nio", from: "2.101.2"),
        .package(url: "https://github.com/apple/swift-async-algorithms", from: "1.1.4"),
        .package(url: "https://github.com/hummingbird-project/hummingbird-auth", from: "2.5.0"),
        .package(url: "https://github.com/apple/swift-collections", from: "1.6.0"),
    ],
    targets: [
        .systemLibrary(
            name: "CLibPQ",
            pkgConfig: "libpq",
            providers: [.apt(["libpq-dev"])]
        ),
        .systemLibrary(
            name: "CQREncode",
            pkgConfig: "libqrencode",
            providers: [.apt(["libqrencode-dev"])]
        ),
        .target(
            name: "Postgres",
            dependencies: [
                "Domain",
                "CLibPQ",
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "Metrics", package: "swift-metrics"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ],
            swiftSettings: swiftSettings
        ),
        .target(name: "Domain", swiftSettings: swiftSettings),
        .target(name: "Forecast", swiftSettings: swiftSettings),
        // Customer notices: the outbox written inside other modules' transactions, and its
        // delivery by SMTP. Depends on nothing of theirs, so Slots and Picking can call it.
        .target(
            name: "Notices",
            dependencies: [
                "Postgres", "Domain",
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: swiftSettings
        ),
        .target(
            name: "Shelf",
            dependencies: ["CQREncode", "Postgres", "Domain"],
            swiftSettings: swiftSettings
        ),
        .target(
            name: "Slots",
            dependencies: ["Postgres", "Forecast", "Domain", "Notices"],
            swiftSettings: swiftSettings
        ),
        .target(
            name: "Orders",
            dependencies: ["Postgres", "Shelf", "Slots", "Domain", "Notices"],
            swiftSettings: swiftSettings
        ),
        .target(
            name: "Picking",
            dependencies: ["Postgres", "Domain", "Shelf", "Slots", "Orders", "Notices"],
            swiftSettings: swiftSettings
        ),
        .target(
            name: "Reports",
            dependencies: ["Postgres", "Forecast", "Domain", "Slots"],
            swiftSettings: swiftSettings
        ),
        .target(
            name: "Staff",
            dependencies: [
                "Postgres", "Domain",
                .product(name: "HummingbirdBcrypt", package: "hummingbird-auth"),
                .product(name: "NIOPosix", package: "swift-nio"),
            ],
            swiftSettings: swiftSettings
        ),
        .target(
            name: "Web",
            dependencies: [
                "Postgres", "Domain", "Shelf", "Slots", "Orders", "Picking", "Forecast", "Staff", "Notices", "Reports",
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "Mustache", package: "swift-mustache"),
                .product(name: "Prometheus", package: "swift-prometheus"),
                .product(name: "AsyncAlgorithms", package: "swift-async-algorithms"),
            ],
            resources: [.copy("Resources")],
            swiftSettings: swiftSettings
        ),
        // `creneau simulate`: whole store days played over HTTP against a server on its own clock.
        .target(
            name: "Simulator",
            dependencies: [
                "Domain", "Forecast", "Postgres", "Shelf", "Slots", "Orders", "Picking", "Staff", "Web",
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "HeapModule", package: "swift-collections"),
            ],
            swiftSettings: swiftSettings
        ),
        .executableTarget(
            name: "creneau",
            dependencies: [
                "Web", "Simulator", "Domain",
                "Postgres",
                "Forecast",
                "Shelf", "Slots", "Orders", "Staff", "Notices", "Reports",
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ],
            swiftSettings: swiftSettings
        ),
        // Starts one private PostgreSQL per test run and hands each test its own schema.
        .target(
            name: "TestSupport",
            dependencies: ["Postgres", "Domain"],
            path: "Tests/TestSupport",
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "DomainTests",
            dependencies: ["Domain"],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "PostgresTests",
            dependencies: ["Postgres", "TestSupport"],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "ShelfTests",
            dependencies: ["Shelf", "TestSupport"],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "SlotsTests",
            dependencies: ["Slots", "TestSupport"],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "OrdersTests",
            dependencies: ["Orders", "Slots", "Shelf", "Notices", "TestSupport"],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "PickingTests",
            dependencies: ["Picking", "Orders", "Slots", "Shelf", "Notices", "TestSupport"],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "NoticesTests",
            dependencies: ["Notices", "TestSupport"],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "ReportsTests",
            dependencies: ["Reports", "Slots", "Forecast", "TestSupport"],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "StaffTests",
            dependencies: ["Staff", "Postgres", "TestSupport"],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "ForecastTests",
            dependencies: ["Forecast", "Domain"],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "SimulatorTests",
            dependencies: ["Simulator", "Web", "Slots", "Shelf", "Forecast", "Postgres", "TestSupport"],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "WebTests",
            dependencies: [
                "Web", "Orders", "Slots", "Shelf", "Notices", "TestSupport",
                .product(name: "HummingbirdTesting", package: "hummingbird"),
                .product(name: "Mustache", package: "swift-mustache"),
                .product(name: "Prometheus", package: "swift-prometheus"),
            ],
            swiftSettings: swiftSettings
        ),
    ]
)
