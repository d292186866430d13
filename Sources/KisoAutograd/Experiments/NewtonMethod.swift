import Kiso

/// Newton's method with the second derivative found by double backprop (step 33):
/// to minimise y = f(x), iterate `x ← x − f′(x) / f″(x)`, where `f′` comes from
/// `y.backward(createGraph: true)` and `f″` from differentiating that gradient again.
public enum NewtonMethod {
    /// The sequel's example, y = x⁴ − 2x², whose minima are at x = ±1.
    public static func quartic(_ x: Variable) -> Variable { x ** 4 - 2 * x ** 2 }

    /// The iterates x₀ = `start`, x₁, …, x_`iterations − 1` (DeZero prints each before
    /// updating, so `iterations` values are returned). From 2 on ``quartic(_:)`` they are
    /// 2, 1.4545…, 1.1510…, 1.0253…, 1.0009…, 1.0000012…, then 1 within float32.
    public static func iterates(of f: (Variable) -> Variable = quartic, from start: Float = 2,
                                iterations: Int = 10) -> [Float] {
        let x = Variable(start)
        var values: [Float] = []
        for _ in 0..<iterations {
            values.append(x.data.scalar)
            let y = f(x)
            x.clearGrad()
            y.backward(createGraph: true)
            guard let gx = x.grad else { break }
            x.clearGrad()
            gx.backward()
            guard let gx2 = x.grad else { break }
            x.data = x.data - gx.data / gx2.data
        }
        return values
    }
}
