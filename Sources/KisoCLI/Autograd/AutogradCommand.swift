import ArgumentParser

/// `kiso autograd`: the sequel's experiments (Deep Learning from Scratch 3, DeZero) on Kiso's
/// define-by-run automatic differentiation.
public struct AutogradCommand: ParsableCommand {
    public static let configuration = CommandConfiguration(
        commandName: "autograd",
        abstract: "The sequel's experiments on define-by-run automatic differentiation (DeZero).",
        subcommands: [
            NewtonCommand.self,
            TanhGraphCommand.self,
            RosenbrockCommand.self,
            SinRegressionCommand.self,
            SpiralCommand.self,
        ]
    )

    public init() {}
}

/// Throws a validation error when the rate `value` is not a positive finite number.
func requirePositiveRate(_ value: Float, _ option: String) throws {
    if !(value > 0 && value.isFinite) { throw ValidationError("\(option) must be a positive number, got \(value)") }
}
