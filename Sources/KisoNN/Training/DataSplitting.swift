import Kiso

/// The rows of `x` and `t` in one random order (the book's `shuffle_dataset`), drawn from `rng`.
/// - Precondition: `x` and `t` have the same number of rows.
public func shuffleDataset(_ x: Tensor, _ t: Tensor, using rng: inout RandomGenerator) -> (x: Tensor, t: Tensor) {
    kisoPrecondition(x.ndim >= 1 && t.ndim >= 1 && x.shape[0] == t.shape[0],
                     "shuffleDataset: x \(x.shape) and t \(t.shape) must have the same number of rows")
    let order = rng.permutation(x.shape[0])
    return (x[order], t[order])
}

/// Shuffles the data, then splits off the first `⌊fraction · N⌋` rows as the validation set
/// and keeps the rest for training, like the book's chapter 6 hyper-parameter example.
/// - Precondition: 0 ≤ fraction < 1 and `x`, `t` have the same number of rows.
public func splitValidation(_ x: Tensor, _ t: Tensor, fraction: Double = 0.2, using rng: inout RandomGenerator)
    -> (xTrain: Tensor, tTrain: Tensor, xValidation: Tensor, tValidation: Tensor) {
    kisoPrecondition(fraction >= 0 && fraction < 1, "splitValidation: fraction \(fraction) must be in [0, 1)")
    let (xs, ts) = shuffleDataset(x, t, using: &rng)
    let n = x.shape[0], v = Int(Double(n) * fraction)
    return (xs[v..<n], ts[v..<n], xs[0..<v], ts[0..<v])
}
