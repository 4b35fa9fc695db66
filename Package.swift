// swift-tools-version: 6.1
import PackageDescription

let strict: [SwiftSetting] = [.swiftLanguageMode(.v6)]

let package = Package(
    name: "Komar",
    platforms: [.macOS(.v14)],
    products: [
        .executable(name: "komar", targets: ["komar"]),
    ],
    dependencies: [
        .package(url: "https://github.com/groue/GRDB.swift", from: "7.10.0"),
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
        .package(url: "https://github.com/apple/swift-crypto", from: "4.5.2"),
        .package(url: "https://github.com/x-sheep/swift-property-based", from: "2.0.1"),
        .package(url: "https://github.com/weichsel/ZIPFoundation", from: "0.9.20"),
        .package(url: "https://github.com/swiftcsv/SwiftCSV", from: "0.10.0"),
    ],
    targets: [
        .systemLibrary(name: "CNcursesw", path: "Sources/CNcursesw"),
        .systemLibrary(name: "CSQLiteSession", path: "Sources/CSQLiteSession"),
        .target(name: "KhmerText", dependencies: ["CNcursesw"], swiftSettings: strict),
        .target(
            name: "Localization",
            dependencies: ["KhmerText"],
            resources: [.copy("../../Resources/strings")],
            swiftSettings: strict),
        .target(name: "CaseDomain", dependencies: ["KhmerText"], swiftSettings: strict),
        .target(
            name: "CaseStore",
            dependencies: [
                "CaseDomain", "KhmerText", "CSQLiteSession",
                .product(name: "GRDB", package: "GRDB.swift"),
                .product(name: "GRDBSQLite", package: "GRDB.swift"),
                .product(name: "CryptoExtras", package: "swift-crypto"),
                .product(name: "Crypto", package: "swift-crypto"),
            ],
            resources: [.copy("../../Resources/gazetteer"), .copy("../../Resources/passwords")],
            swiftSettings: strict),
        .target(name: "Terminal", dependencies: ["CNcursesw", "KhmerText"], swiftSettings: strict),
        .target(
            name: "ReportWriters",
            dependencies: ["CaseDomain", "CaseStore", "Localization", "KhmerText", "ZIPFoundation"],
            swiftSettings: strict),
        .target(
            name: "Imports",
            dependencies: ["CaseDomain", "CaseStore", "Localization", "KhmerText", "SwiftCSV"],
            swiftSettings: strict),
        .target(
            name: "KomarApp",
            dependencies: ["Terminal", "Localization", "CaseDomain", "CaseStore", "KhmerText", "ReportWriters"],
            swiftSettings: strict),
        .executableTarget(
            name: "komar",
            dependencies: [
                "KomarApp", "CaseStore", "CaseDomain", "Terminal", "Localization", "ReportWriters", "Imports", "KhmerText",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ],
            swiftSettings: strict),
        .testTarget(
            name: "KhmerTextTests",
            dependencies: ["KhmerText", "Terminal", .product(name: "PropertyBased", package: "swift-property-based")],
            swiftSettings: strict),
        .testTarget(name: "LocalizationTests", dependencies: ["Localization"], swiftSettings: strict),
        .testTarget(name: "CaseDomainTests", dependencies: ["CaseDomain", "KhmerText"], swiftSettings: strict),
        .testTarget(
            name: "CaseStoreTests",
            dependencies: ["CaseStore", "CaseDomain", "KhmerText", .product(name: "Crypto", package: "swift-crypto")],
            swiftSettings: strict),
        .testTarget(name: "TerminalTests", dependencies: ["Terminal"], swiftSettings: strict),
        .testTarget(
            name: "ImportsTests",
            dependencies: ["Imports", "CaseStore", "CaseDomain", "Localization",
                           .product(name: "GRDB", package: "GRDB.swift")],
            swiftSettings: strict),
        .testTarget(
            name: "ReportWritersTests",
            dependencies: ["ReportWriters", "CaseDomain", "Localization", "ZIPFoundation"],
            swiftSettings: strict),
        .testTarget(
            name: "KomarAppTests",
            dependencies: ["KomarApp", "Terminal", "CaseStore", "CaseDomain", "Localization", "KhmerText"],
            swiftSettings: strict),
        .testTarget(name: "EndToEndTests", dependencies: ["komar", "CaseStore", "CaseDomain"], swiftSettings: strict),
    ]
)
