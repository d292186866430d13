import Kiso

/// The rows of `x` and their `labels` in one random order (the book's `shuffle_dataset`),
/// drawn from `rng`.
/// - Precondition: `x` has one row per label.
public func shuffleDataset(_ x: Tensor, _ labels: ClassLabels, using rng: inout RandomGenerator) -> (x: Tensor, t: ClassLabels) {
    kisoPrecondition(x.ndim >= 1 && x.shape[0] == labels.count,
                     "shuffleDataset: x \(x.shape) and \(labels.count) labels must have the same number of rows")
    let order = rng.permutation(x.shape[0])
    return (x[order], labels[order])
}

/// Shuffles the data, then splits off the first `⌊fraction · N⌋` rows as the validation set
/// and keeps the rest for training, like the book's chapter 6 hyper-parameter example.
/// - Precondition: 0 ≤ fraction < 1 and `x` has one row per label.
public func splitValidation(_ x: Tensor, _ labels: ClassLabels, fraction: Double = 0.2, using rng: inout RandomGenerator)
    -> (xTrain: Tensor, tTrain: ClassLabels, xValidation: Tensor, tValidation: ClassLabels) {
    kisoPrecondition(fraction >= 0 && fraction < 1, "splitValidation: fraction \(fraction) must be in [0, 1)")
    let (xs, ts) = shuffleDataset(x, labels, using: &rng)
    let n = x.shape[0], v = Int(Double(n) * fraction)
    return (xs[v..<n], ts[v..<n], xs[0..<v], ts[0..<v])
}
