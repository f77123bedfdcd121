// swift-tools-version:6.0
import PackageDescription

// The libFuzzer harness exists only in the fuzz build (`make fuzz`: CORKBOARD_FUZZ=1, its own
// build path, -sanitize=fuzzer,address), since it has no `main` of its own.
let fuzzTargets: [Target] = Context.environment["CORKBOARD_FUZZ"] == nil ? [] : [
    .target(name: "CFuzzDriver"),
    .executableTarget(name: "CorkboardFuzz", dependencies: ["Corkboard", "CFuzzDriver"]),
]

let package = Package(
    name: "Corkboard",
    platforms: [.macOS(.v14)],
    products: [
        .executable(name: "corkboard", targets: ["corkboard"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
        .package(url: "https://github.com/apple/swift-log", from: "1.16.2"),
    ],
    targets: [
        // C libraries from Debian's -dev packages.
        .systemLibrary(name: "CFastCGI", pkgConfig: "fcgi", providers: [.apt(["libfcgi-dev"])]),
        .systemLibrary(name: "CMariaDB", pkgConfig: "libmariadb", providers: [.apt(["libmariadb-dev"])]),
        .systemLibrary(name: "COpenSSL", pkgConfig: "openssl", providers: [.apt(["libssl-dev"])]),
        .systemLibrary(name: "CArgon2", pkgConfig: "libargon2", providers: [.apt(["libargon2-dev"])]),
        .systemLibrary(name: "CCurl", pkgConfig: "libcurl", providers: [.apt(["libcurl4-openssl-dev"])]),
        .systemLibrary(name: "CVips", pkgConfig: "vips", providers: [.apt(["libvips-dev"])]),
        // Fixed-argument wrappers for variadic C calls Swift cannot make (curl_easy_setopt, libvips).
        .target(name: "CCurlShim", dependencies: ["CCurl"]),
        .target(name: "CVipsShim", dependencies: ["CVips"]),
        // Fixed-argument C helpers for calls Swift cannot make (variadic prctl, signal flags, atomics on shared memory).
        .target(name: "CSupport"),

        .target(name: "FastCGI", dependencies: ["CFastCGI", "CSupport",
                                                .product(name: "Logging", package: "swift-log")]),
        .target(name: "MariaDB", dependencies: ["CMariaDB", "CSupport",
                                                .product(name: "Logging", package: "swift-log")]),
        .target(name: "Corkboard", dependencies: ["FastCGI", "MariaDB", "COpenSSL", "CSupport", "CArgon2",
                                                  "CCurl", "CCurlShim", "CVips", "CVipsShim",
                                                  .product(name: "Logging", package: "swift-log")]),
        .executableTarget(name: "corkboard", dependencies: [
            "Corkboard", "FastCGI", "MariaDB",
            .product(name: "ArgumentParser", package: "swift-argument-parser"),
            .product(name: "Logging", package: "swift-log"),
        ]),

        .testTarget(name: "FastCGITests", dependencies: ["FastCGI"]),
        .testTarget(name: "MariaDBTests", dependencies: ["MariaDB"]),
        .testTarget(name: "CorkboardTests", dependencies: ["Corkboard", "MariaDB", "FastCGI"]),
    ] + fuzzTargets
)
