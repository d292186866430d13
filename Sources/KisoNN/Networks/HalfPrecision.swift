import Kiso

/// How inference stores weights and activations.
public enum StoragePrecision: String, Codable, Sendable, CaseIterable {
    /// Ordinary float32.
    case float32
    /// Every weight, the input and every layer's output rounded to the nearest float16
    /// (IEEE binary16) value — what storing them as half precision does — while the
    /// arithmetic stays float32. The book's chapter 8 experiment: accuracy does not change.
    case float16
}

/// A network that can run inference with its weights and activations stored at a chosen
/// precision (SimpleConvNet, DeepConvNet).
public protocol ReducedPrecisionInference: Network {
    /// Class scores in inference mode with weights and activations stored at `storage`.
    func predict(_ x: Tensor, storage: StoragePrecision) -> Tensor
    /// Test accuracy against `labels` (N of them) with weights and activations stored at
    /// `storage`, `batchSize` images at a time. The images `x` [N, C, H, W] are a float32
    /// tensor or any other `MiniBatchSource` (a `ByteTensor` is converted batch by batch).
    func accuracy(_ x: some MiniBatchSource, _ labels: ClassLabels, batchSize: Int, storage: StoragePrecision) -> Float
}

extension SimpleConvNet: ReducedPrecisionInference {
    /// Class scores in inference mode with weights and activations stored at `storage`.
    public func predict(_ x: Tensor, storage: StoragePrecision) -> Tensor {
        chain.withStorage(storage) { chain.predict(x, storage: storage) }
    }

    /// Test accuracy with weights and activations stored at `storage`, `batchSize` images at a time
    /// (`x`: [N, C, H, W] images as a float32 tensor or a `ByteTensor`).
    public func accuracy(_ x: some MiniBatchSource, _ labels: ClassLabels, batchSize: Int = 100, storage: StoragePrecision) -> Float {
        chain.accuracy(x, labels, batchSize: batchSize, storage: storage)
    }
}

extension DeepConvNet: ReducedPrecisionInference {
    /// Class scores in inference mode with weights and activations stored at `storage`.
    public func predict(_ x: Tensor, storage: StoragePrecision) -> Tensor {
        chain.withStorage(storage) { chain.predict(x, storage: storage) }
    }

    /// Test accuracy with weights and activations stored at `storage`, `batchSize` images at a time
    /// (`x`: [N, C, H, W] images as a float32 tensor or a `ByteTensor`).
    public func accuracy(_ x: some MiniBatchSource, _ labels: ClassLabels, batchSize: Int = 100, storage: StoragePrecision) -> Float {
        chain.accuracy(x, labels, batchSize: batchSize, storage: storage)
    }
}

extension LayerChain {
    /// Runs `body` with every parameter's value rounded to `storage` (float16: the nearest
    /// half-precision value), restoring the float32 values afterwards.
    func withStorage<R>(_ storage: StoragePrecision, _ body: () -> R) -> R {
        guard storage == .float16 else { return body() }
        let saved = parameters.map { $0.parameter.value }
        for (_, p) in parameters { p.value = p.value.roundedToFloat16() }
        defer { for ((_, p), value) in zip(parameters, saved) { p.value = value } }
        return body()
    }

    /// Inference with the input and every layer's output rounded to `storage` (the weights
    /// are rounded by ``withStorage(_:_:)``).
    func predict(_ x: Tensor, storage: StoragePrecision) -> Tensor {
        guard storage == .float16 else { return predict(x, training: false) }
        return layers.reduce(x.roundedToFloat16()) { $1.layer.forward($0, training: false).roundedToFloat16() }
    }

    /// The fraction of images classified as their label.
    func accuracy(_ x: some MiniBatchSource, _ labels: ClassLabels, batchSize: Int, storage: StoragePrecision) -> Float {
        kisoPrecondition(batchSize > 0, "accuracy: batch size \(batchSize) must be positive")
        kisoPrecondition(labels.count == x.sampleCount, "accuracy: \(x.sampleCount) images but \(labels.count) labels")
        let n = x.sampleCount
        if n == 0 { return 0 }
        var correct = 0
        withStorage(storage) {
            for start in stride(from: 0, to: n, by: batchSize) {
                let end = Swift.min(start + batchSize, n)
                correct += countCorrect(predict(x.batch(start..<end), storage: storage), labels[start..<end])
            }
        }
        return Float(correct) / Float(n)
    }
}
