import Kiso

/// Step 28: gradient descent on the Rosenbrock function
/// `y = 100 (x1 − x0²)² + (1 − x0)²`, whose minimum is at (1, 1), from (0, 2) with
/// learning rate 0.001 (DeZero prints x0 and x1 at each of its 1000 iterations).
public enum Rosenbrock {
    /// The function, on variables.
    public static func value(_ x0: Variable, _ x1: Variable) -> Variable {
        100 * (x1 - x0 ** 2) ** 2 + (1 - x0) ** 2
    }

    /// The points visited: the start and each iterate before its update (`iterations` of them).
    public static func descend(from start: (Float, Float) = (0, 2), learningRate: Float = 0.001,
                               iterations: Int = 1000) -> [(x0: Float, x1: Float)] {
        let x0 = Variable(start.0), x1 = Variable(start.1)
        var path: [(x0: Float, x1: Float)] = []
        for _ in 0..<iterations {
            path.append((x0.data.scalar, x1.data.scalar))
            let y = value(x0, x1)
            x0.clearGrad()
            x1.clearGrad()
            y.backward()
            x0.data = x0.data - learningRate * x0.grad!.data
            x1.data = x1.data - learningRate * x1.grad!.data
        }
        return path
    }
}
