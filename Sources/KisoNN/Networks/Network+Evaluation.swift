import Kiso

extension Network {
    /// Class scores in inference mode, computed `batchSize` rows at a time so a whole test
    /// set does not need one huge activation buffer. Shape [N, classes].
    public func predict(_ x: Tensor, batchSize: Int) -> Tensor {
        kisoPrecondition(batchSize > 0, "predict: batch size \(batchSize) must be positive")
        let n = x.shape[0]
        if n <= batchSize { return predict(x, training: false) }
        let parts = stride(from: 0, to: n, by: batchSize).map { start in
            predict(x[start..<Swift.min(start + batchSize, n)], training: false)
        }
        return Tensor.concatenate(parts, axis: 0)
    }

    /// The class probabilities `softmax(predict(x))` in inference mode, [N, classes].
    public func probabilities(_ x: Tensor) -> Tensor { softmax(predict(x, training: false)) }

    /// The fraction of samples of `x` whose highest score is their label, in inference mode,
    /// evaluated `batchSize` samples at a time. `x` is a float32 tensor [N, …] or any other
    /// `MiniBatchSource` (e.g. a `ByteTensor`, converted batch by batch).
    /// - Precondition: N labels, each in `0..<classes`; `batchSize` > 0.
    public func accuracy(_ x: some MiniBatchSource, _ labels: ClassLabels, batchSize: Int = 1000) -> Float {
        accuracy(x, labels, samples: x.sampleCount, batchSize: batchSize)
    }

    /// ``accuracy(_:_:batchSize:)-(_,ClassLabels,_)`` against the book's targets `t`: one-hot
    /// rows `[N, classes]` or label indices `[N]` as floats.
    /// - Precondition: `t` is one of these forms, with N rows; `batchSize` > 0.
    public func accuracy(_ x: some MiniBatchSource, _ t: Tensor, batchSize: Int = 1000) -> Float {
        accuracy(x, ClassLabels(targets: t), batchSize: batchSize)
    }

    /// ``accuracy(_:_:batchSize:)-(_,ClassLabels,_)`` on the first `samples` samples of `x` and `labels`.
    func accuracy(_ x: some MiniBatchSource, _ labels: ClassLabels, samples n: Int, batchSize: Int) -> Float {
        n == 0 ? 0 : Float(correctCount(x, labels, range: 0..<n, batchSize: batchSize)) / Float(n)
    }

    /// How many samples in `range` of `x` the network classifies as their label, in
    /// inference mode, `batchSize` samples at a time.
    /// - Precondition: `range` lies within both `x`'s samples and `labels`; every label is in
    ///   `0..<classes`; `batchSize` > 0.
    public func correctCount(_ x: some MiniBatchSource, _ labels: ClassLabels, range: Range<Int>, batchSize: Int = 1000) -> Int {
        kisoPrecondition(batchSize > 0, "accuracy: batch size \(batchSize) must be positive")
        kisoPrecondition(labels.count >= range.upperBound && x.sampleCount >= range.upperBound,
                         "accuracy: \(x.sampleCount) samples and \(labels.count) labels do not hold range \(range)")
        var correct = 0
        for start in stride(from: range.lowerBound, to: range.upperBound, by: batchSize) {
            let end = Swift.min(start + batchSize, range.upperBound)
            correct += countCorrect(predict(x.batch(start..<end), training: false), labels[start..<end])
        }
        return correct
    }

    /// ``correctCount(_:_:range:batchSize:)-(_,ClassLabels,_,_)`` against the book's targets
    /// `t` (one-hot rows or label indices as floats).
    /// - Precondition: `t` is one of these forms; as for the labels.
    public func correctCount(_ x: some MiniBatchSource, _ t: Tensor, range: Range<Int>, batchSize: Int = 1000) -> Int {
        correctCount(x, ClassLabels(targets: t), range: range, batchSize: batchSize)
    }

    /// The gradient of `loss(x, labels, training: true)` with respect to every parameter, by
    /// central differences (see ``KisoNN/numericalGradient(_:_:h:)``), keyed by parameter name.
    ///
    /// The random generators are reset before every evaluation, so dropout uses one fixed
    /// mask — the same one a following ``gradient(_:_:)-(Tensor,ClassLabels)`` uses if they are reset again —
    /// and batch normalization's running statistics are restored afterwards.
    ///
    /// The default h = 1e-2 (not the book's 1e-4) suits float32: the estimate's rounding
    /// error is about ε·|L|/h with ε ≈ 6e-8, i.e. ~1e-5 for L ≈ 2.3, while the truncation
    /// error h²·|L'''|/6 stays near 1e-5 for these smooth losses.
    public func numericalGradient(_ x: Tensor, _ labels: ClassLabels, h: Float = 1e-2) -> [String: Tensor] {
        let generators = randomGenerators
        let savedBuffers = buffers.map { $0.parameter.value }
        var grads: [String: Tensor] = [:]
        for (name, parameter) in parameters {
            var value = parameter.value
            grads[name] = KisoNN.numericalGradient({ v in
                parameter.value = v
                randomGenerators = generators
                return loss(x, labels, training: true)
            }, &value, h: h)
            parameter.value = value
        }
        randomGenerators = generators
        for (saved, buffer) in zip(savedBuffers, buffers) { buffer.parameter.value = saved }
        return grads
    }

    /// ``numericalGradient(_:_:h:)-(Tensor,ClassLabels,_)`` against the book's targets `t`
    /// (one-hot rows or label indices as floats), as the book's gradient check writes it.
    /// - Precondition: `t` is one of these forms, with one label per sample of `x`.
    public func numericalGradient(_ x: Tensor, _ t: Tensor, h: Float = 1e-2) -> [String: Tensor] {
        numericalGradient(x, ClassLabels(targets: t, samples: Self.sampleCount(x)), h: h)
    }
}

/// How many rows of `scores` [B, classes] have their highest score at their label.
/// - Precondition: B labels, each in `0..<classes`.
func countCorrect(_ scores: Tensor, _ labels: ClassLabels) -> Int {
    kisoPrecondition(scores.ndim == 2 && scores.shape[0] == labels.count,
                     "accuracy: scores \(scores.shape) for \(labels.count) labels")
    labels.check(classes: scores.shape[1], operation: "accuracy")
    return zip(scores.argmax(axis: 1), labels).filter { $0 == $1 }.count
}
