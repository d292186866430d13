import Kiso
import KisoNN

/// Step 48: a two-layer MLP learns the three-class ``Spiral`` with plain SGD.
///
/// DeZero's settings: 300 epochs, batches of 30, 10 hidden sigmoid units, learning rate 1.
/// Each epoch reports the mean loss over the data set (DeZero prints `epoch 300, loss 0.11`).
public struct SpiralTraining {
    /// Passes over the data set (300).
    public var epochs = 300
    /// Samples per batch (30).
    public var batchSize = 30
    /// Hidden units (10).
    public var hiddenSize = 10
    /// SGD's learning rate (1.0).
    public var learningRate: Float = 1
    /// Seeds the weights and the batch order.
    public var seed: UInt64 = 0

    /// DeZero's settings.
    public init() {}

    /// What training produced.
    public struct Result {
        /// The trained network.
        public let model: MLP
        /// The mean training loss of each epoch.
        public let losses: [Float]
        /// The fraction of training points classified correctly at the end.
        public let accuracy: Float
        /// The training points and their classes.
        public let x: Tensor, labels: ClassLabels
    }

    /// Trains on the spiral, calling `onEpoch(epoch, loss)` after each epoch (epochs from 1).
    public func run(onEpoch: (Int, Float) -> Void = { _, _ in }) -> Result {
        let (x, labels) = Spiral.make()
        var generator = RandomGenerator(seed: seed)
        let model = MLP(inputSize: 2, sizes: [hiddenSize, Spiral.classCount], generator: &generator)
        let optimizer = SGD(learningRate: learningRate)
        let loader = DataLoader(inputs: x, labels: labels, batchSize: batchSize, seed: seed &+ 1)
        var losses: [Float] = []
        for epoch in 1...Swift.max(epochs, 1) where epoch <= epochs {
            var sum = 0.0
            for batch in loader {
                let loss = softmaxCrossEntropy(model(Variable(batch.x)), batch.labels)
                model.clearGrads()
                loss.backward()
                optimizer.update(model)
                sum += Double(loss.data.scalar) * Double(batch.labels.count)
            }
            losses.append(Float(sum / Double(loader.count)))
            onEpoch(epoch, losses.last!)
        }
        let scores = withNoGrad { model(Variable(x)) }
        return Result(model: model, losses: losses, accuracy: accuracy(scores, labels), x: x, labels: labels)
    }

    /// The class the model predicts at each point of a `resolution × resolution` grid over
    /// `range` × `range` (rows bottom to top), for the decision-boundary figure.
    public static func decisionRegions(of model: Module, range: ClosedRange<Float>, resolution: Int) -> [[Int]] {
        let step = (range.upperBound - range.lowerBound) / Float(Swift.max(resolution - 1, 1))
        var points: [Float] = []
        for row in 0..<resolution {
            for column in 0..<resolution {
                points += [range.lowerBound + Float(column) * step, range.lowerBound + Float(row) * step]
            }
        }
        let scores = withNoGrad { model(Variable(Tensor(shape: [resolution * resolution, 2], scalars: points))) }
        let classes = scores.data.argmax(axis: 1)
        return (0..<resolution).map { Array(classes[($0 * resolution)..<(($0 + 1) * resolution)]) }
    }
}
