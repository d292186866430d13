import Kiso

/// Chapter 6's weight-initialisation experiments, as computations returning numbers.
public enum WeightInitExperiments {
    /// The activations of each layer when `samples` standard-normal inputs of `nodes`
    /// features pass through `layers` fully connected layers of `nodes` nodes (no bias) with
    /// weights drawn by `weightInit` and the given activation (the book: 1000 × 100, 5 layers;
    /// std 1, std 0.01, Xavier, He with sigmoid / ReLU / tanh). One [samples, nodes] tensor per layer.
    public static func activations(activation: ActivationKind, weightInit: WeightInit, samples: Int = 1000,
                                   nodes: Int = 100, layers: Int = 5, seed: UInt64 = 0) -> [Tensor] {
        var rng = RandomGenerator(seed: seed)
        var x = Tensor.randn([samples, nodes], using: &rng)
        var result: [Tensor] = []
        for _ in 0..<layers {
            x = activation.apply(matmul(x, weightInit.weights(nodes, nodes, using: &rng)))
            result.append(x)
        }
        return result
    }

    /// Counts of `values` in `bins` equal bins over `range` (the book's `plt.hist(a, 30,
    /// range=(0, 1))`); values outside the range are not counted.
    public static func histogram(_ values: Tensor, bins: Int = 30, range: ClosedRange<Float> = 0...1) -> [Int] {
        kisoPrecondition(bins > 0 && range.upperBound > range.lowerBound, "histogram: \(bins) bins over \(range)")
        var counts = [Int](repeating: 0, count: bins)
        let width = (range.upperBound - range.lowerBound) / Float(bins)
        values.withUnsafeBufferPointer { p in
            for v in p where range.contains(v) {
                counts[Swift.min(Int((v - range.lowerBound) / width), bins - 1)] += 1
            }
        }
        return counts
    }

    /// The book's initialisation comparison on data: a 5-layer ReLU net (hidden [100, 100,
    /// 100, 100]) per initialisation (std 0.01, Xavier, He), SGD lr 0.01, batch 128, 2000
    /// iterations, the same batches for all. Returns each initialisation's loss per iteration.
    public static func compareOnData(xTrain: Tensor, tTrain: ClassLabels, inits: [WeightInit] = [.std(0.01), .xavier, .he],
                                     hiddenSizes: [Int] = [100, 100, 100, 100], miniBatchSize: Int = 128,
                                     iterations: Int = 2000, learningRate: Float = 0.01,
                                     recordsLossWithExtraForward: Bool = false, seed: UInt64 = 0,
                                     onIteration: ((Int) -> Void)? = nil) -> [(weightInit: WeightInit, losses: [Float])] {
        let classes = tTrain.minimumClassCount
        let runs = inits.map { w in
            (name: w.description,
             network: MultiLayerNet(inputSize: xTrain.count / xTrain.shape[0], hiddenSizes: hiddenSizes, outputSize: classes,
                                    weightInit: w, seed: seed) as Network,
             optimizer: SGD(learningRate: learningRate) as Optimizer)
        }
        let result = OptimizerComparison.trainSideBySide(runs: runs, xTrain: xTrain, tTrain: tTrain, miniBatchSize: miniBatchSize,
                                                         iterations: iterations, recordsLossWithExtraForward: recordsLossWithExtraForward,
                                                         seed: seed &+ 1, onIteration: onIteration)
        return zip(inits, result).map { ($0, $1.losses) }
    }
}
