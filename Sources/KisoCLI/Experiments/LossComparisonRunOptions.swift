import ArgumentParser

/// The run length shared by chapter 6's loss-comparison experiments on data
/// (`optimizers-mnist`, `init-mnist`): the book's 2000 iterations, optionally on fewer images.
public struct LossComparisonRunOptions: ParsableArguments {
    @Option(help: "Number of iterations.")
    var iterations = 2000

    @Option(help: ArgumentHelp("Use only the first N training images.", valueName: "n"))
    var trainLimit: Int?

    public init() {}

    public func validate() throws {
        try requirePositive(iterations, "--iterations")
        try requirePositive(trainLimit, "--train-limit")
    }
}
