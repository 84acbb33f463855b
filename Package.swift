// swift-tools-version:6.0
import PackageDescription

// One-way dependencies: CImageCodecs <- ImageIO; CBLAS, CDirectConvolution <- DepthNet; HTTPServer stands alone;
// DepthService joins them (CMalloc: glibc's malloc tuning); the depthd executable is a thin
// command line over DepthService.
let package = Package(
    name: "depthd",
    // Linux only, so no Apple platform is declared: the socket layer is glibc's (HTTPServer/Sockets/Syscall.swift),
    // as are the malloc tuning (CMalloc) and Debian's OpenBLAS (CBLAS).
    products: [
        .executable(name: "depthd", targets: ["depthd"]),
        .library(name: "ImageIO", targets: ["ImageIO"]),
        .library(name: "DepthNet", targets: ["DepthNet"]),
        .library(name: "HTTPServer", targets: ["HTTPServer"]),
        .library(name: "DepthService", targets: ["DepthService"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.5.0"),
        .package(url: "https://github.com/apple/swift-log", from: "1.6.0"),
    ],
    targets: [
        // Thin C layer: every libjpeg/libpng call that can longjmp lives here, behind its own setjmp.
        .target(
            name: "CImageCodecs",
            linkerSettings: [.linkedLibrary("jpeg"), .linkedLibrary("png16")]
        ),
        // OpenBLAS through its CBLAS header (Debian: libopenblas-dev).
        .systemLibrary(name: "CBLAS", path: "Sources/CBLAS"),
        // The engine's direct convolution kernels (AVX-512F / AVX2 + FMA, chosen at run time).
        // Always optimised: at -O0 (debug builds, the test suite) they would run many times slower.
        .target(name: "CDirectConvolution", cSettings: [.unsafeFlags(["-O2"])]),
        // glibc's <malloc.h> (mallopt), header only.
        .systemLibrary(name: "CMalloc", path: "Sources/CMalloc"),
        .target(name: "ImageIO", dependencies: ["CImageCodecs"]),
        .target(name: "DepthNet", dependencies: ["CBLAS", "CDirectConvolution"]),
        .target(name: "HTTPServer"),
        .target(
            name: "DepthService",
            dependencies: [
                "ImageIO", "DepthNet", "HTTPServer", "CMalloc",
                .product(name: "Logging", package: "swift-log"),
            ],
            // The one copy of the API description; /openapi.yaml at the root is a symlink to it.
            resources: [.copy("Resources/openapi.yaml")]
        ),
        .executableTarget(
            name: "depthd",
            dependencies: [
                "DepthService", "DepthNet", "HTTPServer",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Logging", package: "swift-log"),
            ]
        ),
        // Benchmarks that print figures (engine vs PyTorch, DCT-scaled decode vs full decode).
        .executableTarget(name: "depthd-bench", dependencies: ["ImageIO", "DepthNet", "DepthService"]),
        // Reads raw bytes on stdin, prints what HTTPRequestParser made of them as JSON (differential tests).
        .executableTarget(name: "http-parse-probe", dependencies: ["HTTPServer"]),
        // What every test target shares, depending on nothing: the seeded generator, the synthetic
        // photo's pixels, bounded polling, the repository root.
        .target(name: "TestSupport", path: "Tests/TestSupport"),
        // The raw-socket client both live suites drive their servers with.
        .target(name: "LiveTestSupport", dependencies: ["HTTPServer"], path: "Tests/LiveTestSupport"),
        .testTarget(name: "ImageIOTests", dependencies: ["ImageIO", "TestSupport"], exclude: ["Fixtures"]),
        .testTarget(name: "DepthNetTests", dependencies: ["DepthNet", "TestSupport"], exclude: ["Golden"]),
        .testTarget(name: "HTTPServerTests", dependencies: ["HTTPServer", "LiveTestSupport", "TestSupport"]),
        .testTarget(name: "DepthServiceTests",
                    dependencies: ["DepthService", "ImageIO", "DepthNet", "HTTPServer", "CMalloc", "LiveTestSupport",
                                   "TestSupport"],
                    exclude: ["Fixtures"]),
    ],
    swiftLanguageModes: [.v6]
)
