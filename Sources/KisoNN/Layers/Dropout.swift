import Kiso

/// Dropout (chapter 6): in training, each element is kept where a fresh uniform draw
/// exceeds `ratio` and zeroed elsewhere; at test time every element is scaled by `1 − ratio`
/// (the book's non-inverted dropout). Backward passes `dout` through the same mask. Any shape.
///
/// The masks come from the layer's own seeded ``generator``; saving and restoring it (see
/// ``Network/randomGenerators``) replays the same masks, which gives exact resumption and
/// lets a gradient check hold the mask fixed.
public final class Dropout: Layer {
    /// The probability of dropping an element, in [0, 1).
    public let ratio: Float
    /// The generator of the masks.
    public var generator: RandomGenerator
    /// The mask of the last training forward pass (1 = kept, 0 = dropped).
    public private(set) var mask: Tensor?
    /// Data-parallel training: the input holds rows `slice.range` of a global batch of
    /// `slice.globalCount`; the mask of the whole global batch is drawn and these rows kept,
    /// so every rank's generator stays in step and each sample gets the mask it would get
    /// in one process. `nil`: the input is the whole batch.
    public var slice: BatchSlice?

    /// A dropout layer dropping with probability `ratio` (the book's default 0.5).
    /// - Precondition: 0 ≤ ratio < 1.
    public init(ratio: Float = 0.5, seed: UInt64 = 0) {
        kisoPrecondition(ratio >= 0 && ratio < 1, "Dropout: ratio \(ratio) must be in [0, 1)")
        self.ratio = ratio
        generator = RandomGenerator(seed: seed)
    }

    public func forward(_ x: Tensor, training: Bool) -> Tensor {
        guard training else {
            mask = nil
            return x * (1 - ratio)
        }
        let r = Double(ratio)
        let m = Tensor(shape: x.shape, unsafeUninitialized: { out in
            guard let slice else {
                for i in 0..<out.count { out[i] = generator.nextUniform() > r ? 1 : 0 }
                return
            }
            kisoPrecondition(x.ndim > 0 && x.shape[0] == slice.range.count,
                             "Dropout.forward: input of shape \(x.shape) for rows \(slice.range) of the global batch")
            let perRow = x.shape[0] == 0 ? 0 : x.count / x.shape[0]
            let kept = (slice.range.lowerBound * perRow)..<(slice.range.upperBound * perRow)
            for i in 0..<(slice.globalCount * perRow) {
                let keep: Float = generator.nextUniform() > r ? 1 : 0
                if kept.contains(i) { out[i - kept.lowerBound] = keep }
            }
        })
        mask = m
        return x * m
    }

    /// `dout · mask` after a training pass; `dout · (1 − ratio)` after a test pass.
    public func backward(_ dout: Tensor) -> Tensor {
        guard let mask else { return dout * (1 - ratio) }
        kisoPrecondition(dout.shape == mask.shape, "Dropout.backward: dout has shape \(dout.shape), the mask \(mask.shape)")
        return dout * mask
    }
}
