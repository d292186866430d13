import Kiso

/// A trainable classifier of the book (TwoLayerNet, MultiLayerNet, SimpleConvNet, …).
///
/// The targets of a batch are `ClassLabels`, one integer class per sample. The book's
/// float targets `t` — one-hot rows `[N, classes]` or label indices `[N]` stored as floats,
/// its `t.ndim != 1` convention — are accepted too by the overloads taking a `Tensor`, which
/// convert them once with `ClassLabels(targets:samples:)`.
public protocol Network: AnyObject {
    /// The learnable parameters under the book's names (`W1`, `b1`, `gamma1`, `beta1`, …),
    /// in a fixed order.
    var parameters: [(name: String, parameter: Parameter)] { get }
    /// Class scores (before softmax) for the input batch `x`; `training` turns on dropout
    /// masks and batch statistics.
    func predict(_ x: Tensor, training: Bool) -> Tensor
    /// The loss (cross-entropy, plus any weight decay) of batch `x` against its `labels`.
    func loss(_ x: Tensor, _ labels: ClassLabels, training: Bool) -> Float
    /// Backpropagation: runs forward (in training mode) and backward on batch `x` against its
    /// `labels`, writes every parameter's gradient, and returns the loss of that forward pass.
    @discardableResult
    func gradient(_ x: Tensor, _ labels: ClassLabels) -> Float
    /// ``gradient(_:_:)-(Tensor,ClassLabels)``, calling `onParameterGradient` with each
    /// parameter's name as soon as its gradient is final (data-parallel training starts
    /// reducing it then). The default runs the whole backward pass, then reports every
    /// parameter, last first.
    @discardableResult
    func gradient(_ x: Tensor, _ labels: ClassLabels, onParameterGradient: ((String, Parameter) -> Void)?) -> Float
    /// Non-learned state saved with the parameters (batch normalization's `running_mean1`,
    /// `running_var1`, …). Empty by default.
    var buffers: [(name: String, parameter: Parameter)] { get }
    /// The generators behind the network's randomness in training (one per dropout layer),
    /// in a fixed order. Restoring them replays the same dropout masks. Empty by default.
    var randomGenerators: [RandomGenerator] { get set }
    /// Data-parallel training: the following training-mode forward passes get rows
    /// `slice.range` of a global batch of `slice.globalCount` samples (`nil`: the whole batch).
    /// Dropout then draws the masks of the whole global batch and keeps these rows, so each
    /// sample's mask depends on its position in the global batch, not on the rank. The
    /// default ignores it (networks without randomness).
    func setTrainingSlice(_ slice: BatchSlice?)
    /// How to rebuild this network (kind, sizes, activation, initialisation, …) for a
    /// checkpoint, or `nil` when the network has no such description.
    var configuration: NetworkConfiguration? { get }
}

extension Network {
    public var buffers: [(name: String, parameter: Parameter)] { [] }
    public var randomGenerators: [RandomGenerator] {
        get { [] }
        set {}
    }
    public var configuration: NetworkConfiguration? { nil }
    public func setTrainingSlice(_ slice: BatchSlice?) {}

    @discardableResult
    public func gradient(_ x: Tensor, _ labels: ClassLabels, onParameterGradient: ((String, Parameter) -> Void)?) -> Float {
        let loss = gradient(x, labels)
        if let onParameterGradient {
            for (name, parameter) in parameters.reversed() { onParameterGradient(name, parameter) }
        }
        return loss
    }

    /// ``loss(_:_:training:)-(Tensor,ClassLabels,Bool)`` against the book's targets `t`:
    /// one-hot rows `[N, classes]` or label indices `[N]` as floats (for a single sample
    /// `x` of one axis, `t` may be its one-hot row `[classes]`).
    /// - Precondition: `t` is one of these forms, with one label per sample of `x`.
    public func loss(_ x: Tensor, _ t: Tensor, training: Bool) -> Float {
        loss(x, ClassLabels(targets: t, samples: Self.sampleCount(x)), training: training)
    }

    /// ``gradient(_:_:)-(Tensor,ClassLabels)`` against the book's targets `t` (one-hot rows
    /// or label indices as floats; see ``loss(_:_:training:)-(Tensor,Tensor,Bool)``).
    /// - Precondition: `t` is one of these forms, with one label per sample of `x`.
    @discardableResult
    public func gradient(_ x: Tensor, _ t: Tensor) -> Float {
        gradient(x, ClassLabels(targets: t, samples: Self.sampleCount(x)))
    }

    /// The samples in batch `x`: its first axis, or 1 for a single sample of one axis.
    static func sampleCount(_ x: Tensor) -> Int { x.ndim <= 1 ? 1 : x.shape[0] }

    /// The parameter called `name` (e.g. `"W1"`), or `nil`.
    public func parameter(named name: String) -> Parameter? {
        parameters.first { $0.name == name }?.parameter
    }
}
