import Kiso

// Numerical differentiation of chapter 4: central differences, gradients of scalar
// functions of a tensor, and gradient descent.

/// The central difference `(f(x + h) − f(x − h)) / 2h` (the book's `numerical_diff`, h = 1e-4).
public func numericalDiff(_ f: (Double) -> Double, _ x: Double, h: Double = 1e-4) -> Double {
    (f(x + h) - f(x - h)) / (2 * h)
}

/// The gradient of the scalar function `f` at `x` by central differences, shaped like `x`
/// (any shape): for each element, `x[i]` is set to `x[i] ± h`, `f(x)` evaluated, and the
/// element restored — `x` holds its original values again on return. `f` may return `Float`
/// or `Double` (a loss summed in double precision has less rounding to amplify).
///
/// The difference is divided by the step float32 actually took, `(x+h) − (x−h)`, not by 2h,
/// so a function linear in `x[i]` gives its exact slope up to the rounding of `f` itself.
/// In float32 the rounding error of the estimate is about ε·|f| / h (ε ≈ 6e-8), so with the
/// book's h = 1e-4 a loss near 2.3 gives errors near 1e-3; gradient checks of networks in
/// float32 use h = 1e-2 (see ``Network/numericalGradient(_:_:h:)``).
/// - Parameters:
///   - f: the function; it reads the current `x` it is given.
///   - x: the point; perturbed in place during the call and restored.
///   - h: the step (the book's 1e-4).
public func numericalGradient<Value: BinaryFloatingPoint>(_ f: (Tensor) -> Value, _ x: inout Tensor,
                                                          h: Float = 1e-4) -> Tensor {
    var grad = Tensor.zeros(like: x)
    for i in 0..<x.count {
        let original = x.withUnsafeBufferPointer { $0[i] }
        let (plus, minus) = (original + h, original - h)
        x.withUnsafeMutableBufferPointer { $0[i] = plus }
        let fPlus = Double(f(x))
        x.withUnsafeMutableBufferPointer { $0[i] = minus }
        let fMinus = Double(f(x))
        x.withUnsafeMutableBufferPointer { $0[i] = original }
        grad.withUnsafeMutableBufferPointer { $0[i] = Float((fPlus - fMinus) / (Double(plus) - Double(minus))) }
    }
    return grad
}

/// Gradient descent `x ← x − lr · ∇f(x)` for `stepNum` steps from `initX`, with numerical
/// gradients (the book's `gradient_descent`, lr 0.01, 100 steps by default).
/// - Returns: the final point and the history of points *before* each step
///   (`stepNum` entries, the first being `initX`), as the book records them.
public func gradientDescent(_ f: (Tensor) -> Float, initX: Tensor, learningRate lr: Float = 0.01,
                            stepNum: Int = 100) -> (x: Tensor, history: [Tensor]) {
    var x = initX
    var history: [Tensor] = []
    for _ in 0..<stepNum {
        history.append(x)
        let grad = numericalGradient(f, &x)
        x.addScaled(grad, -lr)
    }
    return (x, history)
}

/// The book's `numerical_gradient` in float64, as its NumPy code computes it: central
/// differences `(f(x + h·eᵢ) − f(x − h·eᵢ)) / 2h` for each element i of `x`. Chapter 4's
/// demonstrations use it so their printed digits are the book's; in float32 the rounding
/// (about ε·|f|/h ≈ 1e-2 there) would hide the point being made.
public func numericalGradient(_ f: ([Double]) -> Double, at x: [Double], h: Double = 1e-4) -> [Double] {
    var x = x
    return x.indices.map { i in
        let original = x[i]
        x[i] = original + h
        let plus = f(x)
        x[i] = original - h
        let minus = f(x)
        x[i] = original
        return (plus - minus) / (2 * h)
    }
}

/// The book's `gradient_descent` in float64: `x ← x − lr·∇f(x)` for `steps` steps from `start`,
/// with ``numericalGradient(_:at:h:)``.
/// - Returns: the final point and the points before each step (`steps` entries, the first `start`).
public func gradientDescent(_ f: ([Double]) -> Double, from start: [Double], learningRate lr: Double,
                            steps: Int) -> (x: [Double], history: [[Double]]) {
    var x = start
    var history: [[Double]] = []
    for _ in 0..<steps {
        history.append(x)
        let grad = numericalGradient(f, at: x)
        for i in x.indices { x[i] -= lr * grad[i] }
    }
    return (x, history)
}
