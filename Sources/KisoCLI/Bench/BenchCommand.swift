import ArgumentParser

/// `kiso bench …`: speed measurements (benchmarks, not tests). Each workload is one subcommand.
public struct BenchCommand: ParsableCommand {
    public static let configuration = CommandConfiguration(
        commandName: "bench",
        abstract: "Measure the speed of Kiso's kernels and networks.",
        subcommands: [
            KernelsBenchmark.self,
            TwoLayerBenchmark.self,
            OptimizersBenchmark.self,
            InitBenchmark.self,
            ConvNetBenchmark.self,
        ]
    )

    public init() {}
}
