import Foundation
import Kiso
import KisoNN

/// Steps 43–45: a 1-10-1 network with a sigmoid learns y = sin(2πx) + noise from 100
/// points, x uniform in [0, 1), noise uniform in [0, 1), by gradient descent on the mean
/// squared error (DeZero: learning rate 0.2, 10000 iterations, the loss printed every 1000).
public struct SinRegression {
    /// Gradient-descent iterations (10000).
    public var iterations = 10_000
    /// The learning rate (0.2).
    public var learningRate: Float = 0.2
    /// Hidden units (10).
    public var hiddenSize = 10
    /// Seeds the data and the weights.
    public var seed: UInt64 = 0

    /// DeZero's settings.
    public init() {}

    /// What training produced.
    public struct Result {
        /// The data, x and y [100, 1].
        public let x: Tensor, y: Tensor
        /// The trained network.
        public let model: MLP
        /// The loss after each report (every 1000 iterations, from iteration 0).
        public let reportedLosses: [Float]
    }

    /// Trains, calling `onReport(iteration, loss)` every 1000 iterations from the first.
    public func run(onReport: (Int, Variable) -> Void = { _, _ in }) -> Result {
        var generator = RandomGenerator(seed: seed)
        let x = Tensor.rand([100, 1], using: &generator)
        let y = (2 * Float.pi * x).map { Foundation.sin($0) } + Tensor.rand([100, 1], using: &generator)
        // DeZero's step 43 draws W1 and W2 as 0.01·N(0, 1).
        let model = MLP(inputSize: 1, sizes: [hiddenSize, 1], weightScale: 0.01, generator: &generator)
        let optimizer = SGD(learningRate: learningRate)
        var reported: [Float] = []
        let (input, target) = (Variable(x), Variable(y))
        for i in 0..<iterations {
            let loss = meanSquaredError(model(input), target)
            model.clearGrads()
            loss.backward()
            optimizer.update(model)
            if i % 1000 == 0 {
                reported.append(loss.data.scalar)
                onReport(i, loss)
            }
        }
        return Result(x: x, y: y, model: model, reportedLosses: reported)
    }
}
