import Kiso

/// Chapter 6's optimizer experiments, as computations returning numbers (no plotting).
public enum OptimizerComparison {
    /// The book's test function `f(x, y) = x²/20 + y²` and its gradient `(x/10, 2y)`.
    public static func bowl(_ x: Float, _ y: Float) -> Float { x * x / 20 + y * y }

    /// The settings of the book's trajectory figure: SGD lr 0.95, Momentum 0.1, AdaGrad 1.5, Adam 0.3.
    public static let bookTrajectorySettings: [OptimizerSettings] = [
        OptimizerSettings(kind: .sgd, learningRate: 0.95), OptimizerSettings(kind: .momentum, learningRate: 0.1),
        OptimizerSettings(kind: .adagrad, learningRate: 1.5), OptimizerSettings(kind: .adam, learningRate: 0.3),
    ]

    /// The path of each optimizer minimising ``bowl(_:_:)`` from `start` (the book: (−7, 2),
    /// 30 steps), with exact gradients. Each path has `steps + 1` points, the start first.
    public static func trajectories(settings: [OptimizerSettings] = bookTrajectorySettings,
                                    start: (x: Float, y: Float) = (-7, 2), steps: Int = 30)
        -> [(kind: OptimizerKind, path: [(x: Float, y: Float)])] {
        settings.map { setting in
            let optimizer = setting.makeOptimizer()
            let px = Parameter(Tensor([start.x])), py = Parameter(Tensor([start.y]))
            var path = [(px.value.scalar, py.value.scalar)]
            for _ in 0..<steps {
                px.gradient = Tensor([px.value.scalar / 10])
                py.gradient = Tensor([2 * py.value.scalar])
                optimizer.update([("x", px), ("y", py)])
                path.append((px.value.scalar, py.value.scalar))
            }
            return (setting.kind, path.map { (x: $0.0, y: $0.1) })
        }
    }

    /// Trains one network per entry of `runs` on the *same* mini-batch each iteration (drawn
    /// with replacement, like the book) and returns each run's loss per iteration. The loss is
    /// that of the backprop forward pass (before the update), or with
    /// `recordsLossWithExtraForward` the book's extra pass after it.
    /// - Parameters:
    ///   - runs: a name, a fresh network and its optimizer per curve.
    ///   - xTrain: training inputs, one row (or image) per sample.
    ///   - tTrain: the class of each training sample.
    ///   - miniBatchSize: samples per mini-batch (128, the book's).
    ///   - iterations: updates per network (2000).
    ///   - recordsLossWithExtraForward: record the loss after the update, like the book.
    ///   - seed: seed of the mini-batch sampling.
    ///   - onIteration: called after each iteration with its index.
    public static func trainSideBySide(runs: [(name: String, network: Network, optimizer: Optimizer)],
                                       xTrain: Tensor, tTrain: ClassLabels, miniBatchSize: Int = 128, iterations: Int = 2000,
                                       recordsLossWithExtraForward: Bool = false, seed: UInt64 = 0,
                                       onIteration: ((Int) -> Void)? = nil) -> [(name: String, losses: [Float])] {
        var rng = RandomGenerator(seed: seed)
        var losses = [[Float]](repeating: [], count: runs.count)
        for i in 0..<iterations {
            let indices = rng.choice(xTrain.shape[0], miniBatchSize)
            let x = xTrain[indices], t = tTrain[indices]
            for (r, run) in runs.enumerated() {
                var loss = run.network.gradient(x, t)
                run.optimizer.update(run.network.parameters)
                if recordsLossWithExtraForward { loss = run.network.loss(x, t, training: false) }
                losses[r].append(loss)
            }
            onIteration?(i + 1)
        }
        return zip(runs, losses).map { ($0.name, $1) }
    }

    /// The book's optimizer comparison on data: a 5-layer ReLU net (hidden [100, 100, 100,
    /// 100], He init) per optimizer, batch 128, 2000 iterations, the optimizers' default
    /// learning rates. Returns each optimizer's loss per iteration.
    public static func onData(xTrain: Tensor, tTrain: ClassLabels, kinds: [OptimizerKind] = [.sgd, .momentum, .adagrad, .adam],
                              hiddenSizes: [Int] = [100, 100, 100, 100], miniBatchSize: Int = 128, iterations: Int = 2000,
                              recordsLossWithExtraForward: Bool = false, seed: UInt64 = 0,
                              onIteration: ((Int) -> Void)? = nil) -> [(kind: OptimizerKind, losses: [Float])] {
        let classes = tTrain.minimumClassCount
        let runs = kinds.map { kind in
            (name: kind.rawValue,
             network: MultiLayerNet(inputSize: xTrain.count / xTrain.shape[0], hiddenSizes: hiddenSizes, outputSize: classes,
                                    seed: seed) as Network,
             optimizer: OptimizerSettings(kind: kind).makeOptimizer())
        }
        let result = trainSideBySide(runs: runs, xTrain: xTrain, tTrain: tTrain, miniBatchSize: miniBatchSize,
                                     iterations: iterations, recordsLossWithExtraForward: recordsLossWithExtraForward,
                                     seed: seed &+ 1, onIteration: onIteration)
        return zip(kinds, result).map { ($0, $1.losses) }
    }
}
