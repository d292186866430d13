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
            for i in 0..<out.count { out[i] = generator.nextUniform() > r ? 1 : 0 }
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
