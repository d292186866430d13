// swift-tools-version: 6.1
// Kiso: the system of "Deep Learning from Scratch", in Swift, with float32 kernels.
import PackageDescription

let package = Package(
    name: "Kiso",
    platforms: [.macOS(.v13)],
    products: [
        .library(name: "Kiso", targets: ["Kiso"]),
        .library(name: "KisoNN", targets: ["KisoNN"]),
        .library(name: "KisoData", targets: ["KisoData"]),
        .library(name: "KisoPlot", targets: ["KisoPlot"]),
        .library(name: "KisoAutograd", targets: ["KisoAutograd"]),
        .executable(name: "kiso", targets: ["kiso"]),
    ],
    traits: [
        .trait(name: "OpenBLAS", description: "Matrix multiply by the system OpenBLAS (cblas_sgemm) instead of Kiso's own kernels. Linux; needs libopenblas-dev. Off by default."),
        .trait(name: "MPI", description: "Data-parallel training over Open MPI (`mpirun -np N kiso train --distributed`). Needs libopenmpi-dev or Homebrew's open-mpi. Off by default."),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.5.0"),
        .package(url: "https://github.com/apple/swift-docc-plugin", from: "1.4.0"),
        .package(url: "https://github.com/hummingbird-project/hummingbird", from: "2.28.1"),
    ],
    targets: [
        // C micro-kernels: sgemm, vector exp, flush-to-zero, runtime CPU dispatch.
        .target(name: "CKisoKernels"),
        // The system zlib (gzip for IDX files, deflate for PNG and .npz).
        .systemLibrary(
            name: "CZlib",
            pkgConfig: "zlib",
            providers: [.apt(["zlib1g-dev"]), .brew(["zlib"])]
        ),
        // The float32 Tensor and the GEMM driver.
        .target(name: "Kiso", dependencies: [
            "CKisoKernels",
            .target(name: "COpenBLAS", condition: .when(traits: ["OpenBLAS"])),
        ]),
        // The system OpenBLAS, only with the `OpenBLAS` trait.
        .systemLibrary(
            name: "COpenBLAS",
            pkgConfig: "openblas",
            providers: [.apt(["libopenblas-dev"])]
        ),
        // The book: functions, layers, networks, optimizers, Trainer, search; the model catalogue and checkpoints.
        .target(name: "KisoNN", dependencies: ["Kiso", "KisoData"]),
        // The system Open MPI, only with the `MPI` trait.
        .systemLibrary(
            name: "CMPI",
            pkgConfig: "ompi-c",
            providers: [.apt(["libopenmpi-dev"]), .brew(["open-mpi"])]
        ),
        // Data-parallel training: the MPI communicator and the Trainer's gradient averager.
        .target(name: "KisoDistributed", dependencies: [
            "Kiso", "KisoNN",
            .target(name: "CMPI", condition: .when(traits: ["MPI"])),
        ]),
        // Data sets and file formats: IDX/MNIST, safetensors, npy/npz, pickles, PNG.
        .target(name: "KisoData", dependencies: ["Kiso", "CZlib"]),
        // SVG charts and PNG image grids.
        .target(name: "KisoPlot", dependencies: ["Kiso", "KisoData"]),
        // `kiso serve`: the HTTP API and the drawing page, on Hummingbird.
        .target(
            name: "KisoServe",
            dependencies: [
                "Kiso", "KisoNN", "KisoData",
                .product(name: "Hummingbird", package: "hummingbird"),
            ],
            resources: [.copy("Page")]
        ),
        // Define-by-run automatic differentiation on Kiso tensors (the sequel, DeZero).
        .target(name: "KisoAutograd", dependencies: ["Kiso", "KisoNN", "KisoData", "KisoPlot"]),
        // The commands of the `kiso` tool, as a library so tests can drive them.
        .target(
            name: "KisoCLI",
            dependencies: [
                "Kiso", "KisoNN", "KisoData", "KisoPlot", "KisoServe", "KisoAutograd", "KisoDistributed",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ]
        ),
        .executableTarget(name: "kiso", dependencies: ["KisoCLI"]),
        // The README's library example: train, save, load back and evaluate a SimpleConvNet.
        .executableTarget(name: "train-simple-convnet", dependencies: ["KisoNN", "KisoData"], path: "Examples/TrainSimpleConvNet"),
        // The libFuzzer targets' checks and seeds for the file parsers (built with the sanitizers
        // and linked by Scripts/fuzz.sh; see FUZZING.md).
        .target(name: "KisoFuzz", dependencies: ["Kiso", "KisoData"]),

        .testTarget(name: "KisoTests", dependencies: ["Kiso", "CKisoKernels"]),
        .testTarget(name: "KisoNNTests", dependencies: ["KisoNN"]),
        .testTarget(name: "KisoDataTests", dependencies: ["KisoData", "KisoNN", "KisoFuzz"]),
        .testTarget(name: "KisoPlotTests", dependencies: ["KisoPlot", "KisoData"]),
        .testTarget(name: "KisoServeTests", dependencies: [
            "KisoServe", "KisoNN", "KisoData",
            .product(name: "HummingbirdTesting", package: "hummingbird"),
        ]),
        .testTarget(name: "KisoAutogradTests", dependencies: ["KisoAutograd", "KisoNN"]),
        .testTarget(name: "KisoCLITests", dependencies: ["KisoCLI", "kiso", "train-simple-convnet"]),
        .testTarget(name: "KisoDistributedTests", dependencies: ["KisoDistributed"]),
    ],
    swiftLanguageModes: [.v6]
)
