/// Samples stacked along axis 0 that a training loop draws float32 mini-batches from: a
/// float32 ``Tensor``, or a ``ByteTensor`` that converts only the samples asked for.
///
/// Sample i is entry i along axis 0; a batch has shape `[B] + sampleShape`.
public protocol MiniBatchSource {
    /// The number of samples N (the size of axis 0).
    var sampleCount: Int { get }
    /// The shape of one sample (the source's shape without axis 0), e.g. `[1, 28, 28]` or `[784]`.
    var sampleShape: [Int] { get }
    /// The samples at `indices`, in that order (repeats allowed), as float32
    /// `[indices.count] + sampleShape`.
    /// - Precondition: every index is in `0..<sampleCount` (negative ones count from the end).
    func batch(_ indices: [Int]) -> Tensor
    /// The samples in `range` as float32 `[range.count] + sampleShape`.
    /// - Precondition: `range` lies within `0..<sampleCount`.
    func batch(_ range: Range<Int>) -> Tensor
}

extension Tensor: MiniBatchSource {
    /// The size of axis 0; 0 for a scalar (0-d) tensor, which holds no samples.
    public var sampleCount: Int { ndim == 0 ? 0 : shape[0] }

    /// `shape` without axis 0.
    public var sampleShape: [Int] { Array(shape.dropFirst()) }

    /// `self[indices]`: the rows at `indices`, copied, `[indices.count] + shape[1...]`.
    public func batch(_ indices: [Int]) -> Tensor { self[indices] }

    /// `self[range]`: the rows in `range`, copied, `[range.count] + shape[1...]`.
    public func batch(_ range: Range<Int>) -> Tensor { self[range] }
}
