import Kiso

// Functions that move, gather or sum elements without arithmetic on them (steps 38–40, 47).

/// `y = x` reshaped to `shape`; `∂x = gy` reshaped back.
public final class Reshape: Function {
    /// The output shape (one entry may be −1).
    public let shape: [Int]
    /// A reshape to `shape`.
    public init(_ shape: [Int]) { self.shape = shape }
    override public func forward(_ xs: [Tensor]) -> [Tensor] { [xs[0].reshaped(shape)] }
    override public func backward(_ gys: [Variable]) -> [Variable?] { [reshape(gys[0], inputs[0].shape)] }
}

/// `y = x` with its axes permuted (reversed when `axes` is nil); `∂x = gy` permuted back.
public final class Transpose: Function {
    /// The permutation: output axis i is input axis `axes[i]`.
    public let axes: [Int]?
    /// A transpose by `axes` (nil: reverse the axes).
    public init(_ axes: [Int]? = nil) { self.axes = axes }
    override public func forward(_ xs: [Tensor]) -> [Tensor] {
        [xs[0].transposed(axes ?? Array((0..<xs[0].ndim).reversed()))]
    }
    override public func backward(_ gys: [Variable]) -> [Variable?] {
        guard let axes else { return [transpose(gys[0])] }
        var inverse = [Int](repeating: 0, count: axes.count)
        for (i, a) in axes.enumerated() { inverse[(a + axes.count) % axes.count] = i }
        return [transpose(gys[0], axes: inverse)]
    }
}

/// `y` = the sum of `x` over `axes` (all when nil); `∂x = gy` broadcast back to `x`'s shape.
public final class Sum: Function {
    /// The summed axes (nil: all).
    public let axes: [Int]?
    /// Whether the summed axes stay with size 1.
    public let keepDims: Bool
    /// A sum over `axes`.
    public init(axes: [Int]?, keepDims: Bool) { self.axes = axes; self.keepDims = keepDims }
    override public func forward(_ xs: [Tensor]) -> [Tensor] { [xs[0].summed(axes: axes, keepDims: keepDims)] }
    override public func backward(_ gys: [Variable]) -> [Variable?] {
        let x = inputs[0]
        return [broadcastTo(reshape(gys[0], x.data.keptShape(summingAxes: axes)), x.shape)]
    }
}

/// `y = x` repeated to `shape` (NumPy's broadcasting); `∂x = sumTo(gy, x.shape)`.
public final class BroadcastTo: Function {
    /// The output shape.
    public let shape: [Int]
    /// A broadcast to `shape`.
    public init(_ shape: [Int]) { self.shape = shape }
    override public func forward(_ xs: [Tensor]) -> [Tensor] { [xs[0].broadcast(to: shape)] }
    override public func backward(_ gys: [Variable]) -> [Variable?] { [sumTo(gys[0], inputs[0].shape)] }
}

/// `y` = `x` summed down to `shape` (the reverse of broadcasting); `∂x = broadcastTo(gy, x.shape)`.
public final class SumTo: Function {
    /// The output shape.
    public let shape: [Int]
    /// A sum down to `shape`.
    public init(_ shape: [Int]) { self.shape = shape }
    override public func forward(_ xs: [Tensor]) -> [Tensor] { [xs[0].summed(to: shape)] }
    override public func backward(_ gys: [Variable]) -> [Variable?] { [broadcastTo(gys[0], inputs[0].shape)] }
}

/// `y = x[indices]`, entries along the first axis (repeats allowed); `∂x` scatters `gy`
/// back, summing repeats (DeZero's `GetItem` with an index array).
public final class GetItem: Function {
    /// The gathered entries.
    public let indices: [Int]
    /// A gather of `indices`.
    public init(_ indices: [Int]) { self.indices = indices }
    override public func forward(_ xs: [Tensor]) -> [Tensor] { [xs[0][indices]] }
    override public func backward(_ gys: [Variable]) -> [Variable?] {
        [GetItemGrad(indices, inputShape: inputs[0].shape)(gys[0])]
    }
}

/// The backward of ``GetItem``: `gy` rows added into zeros of the input's shape; its own
/// backward gathers again.
public final class GetItemGrad: Function {
    /// The gathered entries.
    public let indices: [Int]
    /// The shape of ``GetItem``'s input.
    public let inputShape: [Int]
    /// The scatter of `indices` into `inputShape`.
    public init(_ indices: [Int], inputShape: [Int]) { self.indices = indices; self.inputShape = inputShape }
    override public func forward(_ xs: [Tensor]) -> [Tensor] {
        [Tensor.scatteringRows(xs[0], at: indices, into: inputShape)]
    }
    override public func backward(_ gys: [Variable]) -> [Variable?] { [getItem(gys[0], indices)] }
}

/// `x` reshaped to `shape` (itself when the shape is already `shape`).
public func reshape(_ x: Variable, _ shape: [Int]) -> Variable {
    x.shape == shape ? x : Reshape(shape)(x)
}

/// `x` with its axes permuted by `axes`, reversed when nil (`x.T` for a matrix).
public func transpose(_ x: Variable, axes: [Int]? = nil) -> Variable { Transpose(axes)(x) }

/// The sum of `x` over `axes` (all when nil); `keepDims` keeps them with size 1.
public func sum(_ x: Variable, axes: [Int]? = nil, keepDims: Bool = false) -> Variable {
    Sum(axes: axes, keepDims: keepDims)(x)
}

/// The mean of `x` over `axes` (all when nil): the sum divided by the number of elements summed.
public func mean(_ x: Variable, axes: [Int]? = nil, keepDims: Bool = false) -> Variable {
    let kept = x.data.keptShape(summingAxes: axes)
    return sum(x, axes: axes, keepDims: keepDims) / Float(x.count / Swift.max(kept.reduce(1, *), 1))
}

/// `x` broadcast to `shape` (itself when it already has it).
public func broadcastTo(_ x: Variable, _ shape: [Int]) -> Variable {
    x.shape == shape ? x : BroadcastTo(shape)(x)
}

/// `x` summed down to `shape` (itself when it already has it).
public func sumTo(_ x: Variable, _ shape: [Int]) -> Variable {
    x.shape == shape ? x : SumTo(shape)(x)
}

/// The entries of `x` at `indices` along its first axis (`x[indices]`).
public func getItem(_ x: Variable, _ indices: [Int]) -> Variable { GetItem(indices)(x) }

extension Variable {
    /// This variable reshaped to `shape`.
    public func reshaped(_ shape: [Int]) -> Variable { reshape(self, shape) }
    /// This variable reshaped to `sizes`.
    public func reshaped(_ sizes: Int...) -> Variable { reshape(self, sizes) }
    /// The transpose (axes reversed).
    public var T: Variable { transpose(self) }
    /// The sum of all elements, or over `axes`.
    public func sum(axes: [Int]? = nil, keepDims: Bool = false) -> Variable {
        KisoAutograd.sum(self, axes: axes, keepDims: keepDims)
    }
    /// The entries at `indices` along the first axis.
    public subscript(_ indices: [Int]) -> Variable { getItem(self, indices) }
}
