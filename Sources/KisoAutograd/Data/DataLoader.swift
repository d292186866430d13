import Kiso
import KisoData

/// One mini-batch: inputs `[B, …]` and their class labels.
public struct Batch {
    /// The inputs, the data set's sample shape with a leading batch axis.
    public var x: Tensor
    /// The class of each input, in `0..<classCount`.
    public var labels: ClassLabels
}

/// Mini-batches over a labelled data set, one epoch per iteration (DeZero's `DataLoader`,
/// step 50): each pass over the loader draws a fresh order when `shuffle` is on, and yields
/// ⌈N / batchSize⌉ batches, the last one shorter when N is not a multiple.
///
/// ```swift
/// let loader = DataLoader(Spiral.make(), batchSize: 30)
/// for epoch in 0..<300 { for batch in loader { … } }
/// ```
public final class DataLoader: Sequence {
    /// All inputs, [N, …].
    public let inputs: Tensor
    /// All labels, N of them.
    public let labels: ClassLabels
    /// The batch size.
    public let batchSize: Int
    /// Whether each epoch visits the samples in a new random order.
    public let shuffle: Bool
    private var generator: RandomGenerator

    /// A loader over `inputs` [N, …] and `labels` (N).
    /// - Precondition: as many labels as inputs; `batchSize` ≥ 1.
    public init(inputs: Tensor, labels: ClassLabels, batchSize: Int, shuffle: Bool = true, seed: UInt64 = 0) {
        kisoPrecondition(inputs.ndim >= 1 && inputs.shape[0] == labels.count,
                         "DataLoader: \(labels.count) labels for inputs of shape \(inputs.shape)")
        kisoPrecondition(batchSize >= 1, "DataLoader: batch size \(batchSize) must be at least 1")
        self.inputs = inputs
        self.labels = labels
        self.batchSize = batchSize
        self.shuffle = shuffle
        generator = RandomGenerator(seed: seed)
    }

    /// A loader over a data set of KisoData (MNIST, Fashion-MNIST).
    public convenience init(_ data: LabeledImages, batchSize: Int, shuffle: Bool = true, seed: UInt64 = 0) {
        self.init(inputs: data.images, labels: data.labels, batchSize: batchSize, shuffle: shuffle, seed: seed)
    }

    /// The number of samples, N.
    public var count: Int { labels.count }

    /// The batches of one epoch (a new order each time when shuffling).
    public func makeIterator() -> AnyIterator<Batch> {
        let order = shuffle ? generator.permutation(count) : Array(0..<count)
        var start = 0
        let (inputs, labels, size) = (self.inputs, self.labels, batchSize)
        return AnyIterator {
            guard start < order.count else { return nil }
            let indices = Array(order[start..<Swift.min(start + size, order.count)])
            start += size
            return Batch(x: inputs[indices], labels: labels[indices])
        }
    }
}
