import Foundation
import Kiso

// The activation functions of chapter 3, element-wise on tensors of any shape, and the
// softmax along the last axis. (`relu`, `sigmoid` and `tanh` come from the Kiso module.)

/// The step function: 1 where `x > 0`, else 0 (shape unchanged).
public func stepFunction(_ x: Tensor) -> Tensor { x.map { $0 > 0 ? 1 : 0 } }

/// The identity function, the output activation of regression: returns `x`.
public func identityFunction(_ x: Tensor) -> Tensor { x }

/// The derivative of the sigmoid, `(1 − σ(x)) · σ(x)` element-wise (chapter 4's `sigmoid_grad`).
public func sigmoidGrad(_ x: Tensor) -> Tensor {
    let y = sigmoid(x)
    return sigmoidBackward(Tensor.ones(y.shape), output: y)
}

/// Softmax along the last axis, overflow-safe:
///
///     y_k = exp(a_k − max a) / Σ_i exp(a_i − max a)
///
/// A 1-d input is one vector; an input of shape [N, …, K] gives a probability vector per
/// row of the last axis. Subtracting the row maximum keeps `exp` finite for inputs like
/// [1010, 1000, 990], and does not change the result.
public func softmax(_ x: Tensor) -> Tensor {
    kisoPrecondition(x.ndim >= 1, "softmax: needs at least one axis, got a 0-d tensor")
    let k = x.shape[x.ndim - 1]
    var y = x
    y.withUnsafeMutableBufferPointer { p in
        guard k > 0 else { return }
        for row in 0..<(p.count / k) {
            SoftmaxKernel.row(p.baseAddress! + row * k, k)
        }
    }
    return y
}

/// Softmax of one row in place (shared by `softmax` and ``SoftmaxWithLoss``).
enum SoftmaxKernel {
    @inline(__always)
    static func row(_ r: UnsafeMutablePointer<Float>, _ k: Int) {
        var m = r[0]
        for j in 1..<k where r[j] > m { m = r[j] }
        for j in 0..<k { r[j] -= m }
        Kernels.exp(r, r, count: k)
        var s: Float = 0
        for j in 0..<k { s += r[j] }
        let inv = 1 / s
        for j in 0..<k { r[j] *= inv }
    }
}
