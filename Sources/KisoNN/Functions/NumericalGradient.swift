import Kiso

// Numerical differentiation of chapter 4: central differences, gradients of scalar
// functions of a tensor, and gradient descent.

/// The central difference `(f(x + h) − f(x − h)) / 2h` (the book's `numerical_diff`, h = 1e-4).
public func numericalDiff(_ f: (Double) -> Double, _ x: Double, h: Double = 1e-4) -> Double {
    var point = [x]
    return centralDifferences(&point, h: h, dividingByTwiceH: true) { f($0[0]) }[0]
}

/// The gradient of the scalar function `f` at `x` by central differences, shaped like `x`
/// (any shape): `centralDifferences` over the elements of `x`, which holds its
/// original values again on return. `f` may return `Float` or `Double` (a loss summed in double
/// precision has less rounding to amplify).
///
/// In float32 the rounding error of the estimate is about ε·|f| / h (ε ≈ 6e-8), so with the
/// book's h = 1e-4 a loss near 2.3 gives errors near 1e-3; gradient checks of networks in
/// float32 use h = 1e-2 (see ``Network/numericalGradient(_:_:h:)-(Tensor,ClassLabels,_)``).
/// - Parameters:
///   - f: the function, evaluated at `x` with one element moved by ±h.
///   - x: the point.
///   - h: the step (the book's 1e-4).
public func numericalGradient<Value: BinaryFloatingPoint>(_ f: (Tensor) -> Value, _ x: inout Tensor,
                                                          h: Float = 1e-4) -> Tensor {
    let shape = x.shape
    var values = x.scalars
    let grad = centralDifferences(&values, h: h) { Double(f(Tensor(shape: shape, scalars: $0))) }
    return Tensor(shape: shape, doubles: grad)
}

/// The central difference of `f` along each coordinate of `x`, the one rule behind the
/// numerical gradients of this file:
///
///     ∂f/∂xᵢ ≈ (f(x + h·eᵢ) − f(x − h·eᵢ)) / ((xᵢ + h) − (xᵢ − h))
///
/// Dividing by the step the arithmetic actually took rather than by 2h makes a function linear
/// in xᵢ give its exact slope up to the rounding of `f` itself (in float32 the two differ by up to
/// ε·|xᵢ|/h). With `twiceH` the divisor is 2h, as in the book's NumPy code, which the float64
/// demonstrations keep so that all their digits are the book's (also where |xᵢ| is so large in a
/// diverging run that the step is lost to rounding). `x` is moved one element at a time and restored.
func centralDifferences<Scalar: BinaryFloatingPoint>(_ x: inout [Scalar], h: Scalar, dividingByTwiceH twiceH: Bool = false,
                                                     _ f: ([Scalar]) -> Double) -> [Double] {
    x.indices.map { i in
        let original = x[i]
        let (plus, minus) = (original + h, original - h)
        x[i] = plus
        let fPlus = f(x)
        x[i] = minus
        let fMinus = f(x)
        x[i] = original
        return (fPlus - fMinus) / (twiceH ? 2 * Double(h) : Double(plus) - Double(minus))
    }
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
/// differences (f(x + h·eᵢ) − f(x − h·eᵢ)) / 2h for each element i of `x` (see
/// `centralDifferences`). Chapter 4's demonstrations use it so their printed digits are
/// the book's; in float32 the rounding (about ε·|f|/h ≈ 1e-2 there) would hide the point being made.
public func numericalGradient(_ f: ([Double]) -> Double, at x: [Double], h: Double = 1e-4) -> [Double] {
    var x = x
    return centralDifferences(&x, h: h, dividingByTwiceH: true, f)
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
