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

    /// The fraction of samples of `x` whose highest score is the target class (targets one-hot
    /// or labels), in inference mode, evaluated `batchSize` samples at a time. `x` is a float32
    /// tensor [N, …] or any other `MiniBatchSource` (e.g. a `ByteTensor`, converted batch by batch).
    /// - Precondition: `t` has N rows and `batchSize` > 0.
    public func accuracy(_ x: some MiniBatchSource, _ t: Tensor, batchSize: Int = 1000) -> Float {
        accuracy(x, t, samples: x.sampleCount, batchSize: batchSize)
    }

    /// ``accuracy(_:_:batchSize:)`` on the first `samples` samples of `x` and `t`.
    func accuracy(_ x: some MiniBatchSource, _ t: Tensor, samples n: Int, batchSize: Int) -> Float {
        n == 0 ? 0 : Float(correctCount(x, t, range: 0..<n, batchSize: batchSize)) / Float(n)
    }

    /// How many samples in `range` of `x` the network classifies as their target in `t`
    /// (one-hot rows or labels), in inference mode, `batchSize` samples at a time.
    /// - Precondition: `range` lies within both `x`'s and `t`'s samples; `batchSize` > 0.
    public func correctCount(_ x: some MiniBatchSource, _ t: Tensor, range: Range<Int>, batchSize: Int = 1000) -> Int {
        kisoPrecondition(batchSize > 0, "accuracy: batch size \(batchSize) must be positive")
        kisoPrecondition(t.ndim >= 1 && t.shape[0] >= range.upperBound && x.sampleCount >= range.upperBound,
                         "accuracy: \(x.sampleCount) samples but targets of shape \(t.shape)")
        var correct = 0
        for start in stride(from: range.lowerBound, to: range.upperBound, by: batchSize) {
            let end = Swift.min(start + batchSize, range.upperBound)
            let y = predict(x.batch(start..<end), training: false)
            let labels = classLabels(t[start..<end], predictions: y, operation: "accuracy")
            correct += zip(y.argmax(axis: 1), labels).filter { $0 == $1 }.count
        }
        return correct
    }

    /// The gradient of `loss(x, t, training: true)` with respect to every parameter, by
    /// central differences (see ``numericalGradient(_:_:h:)``), keyed by parameter name.
    ///
    /// The random generators are reset before every evaluation, so dropout uses one fixed
    /// mask — the same one a following ``gradient(_:_:)`` uses if they are reset again —
    /// and batch normalization's running statistics are restored afterwards.
    ///
    /// The default h = 1e-2 (not the book's 1e-4) suits float32: the estimate's rounding
    /// error is about ε·|L|/h with ε ≈ 6e-8, i.e. ~1e-5 for L ≈ 2.3, while the truncation
    /// error h²·|L'''|/6 stays near 1e-5 for these smooth losses.
    public func numericalGradient(_ x: Tensor, _ t: Tensor, h: Float = 1e-2) -> [String: Tensor] {
        let generators = randomGenerators
        let savedBuffers = buffers.map { $0.parameter.value }
        var grads: [String: Tensor] = [:]
        for (name, parameter) in parameters {
            var value = parameter.value
            grads[name] = KisoNN.numericalGradient({ v in
                parameter.value = v
                randomGenerators = generators
                return loss(x, t, training: true)
            }, &value, h: h)
            parameter.value = value
        }
        randomGenerators = generators
        for (saved, buffer) in zip(savedBuffers, buffers) { buffer.parameter.value = saved }
        return grads
    }
}
