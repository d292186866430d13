import Kiso

/// The graph of tanh's higher derivatives (step 35): y = tanh x at x = 1, then
/// differentiated `order` times with `createGraph`, the last gradient named `gx<order>`.
public enum TanhGraph {
    /// The `order`-th derivative of tanh at 1, still attached to the graph that computed it.
    /// - Precondition: order ≥ 1.
    public static func derivative(order: Int) -> Variable {
        kisoPrecondition(order >= 1, "TanhGraph: order \(order) must be at least 1")
        let x = Variable(1, name: "x")
        let y = tanh(x)
        y.name = "y"
        y.backward(createGraph: true)
        for _ in 1..<order {
            let gx = x.grad!
            x.clearGrad()
            gx.backward(createGraph: true)
        }
        let gx = x.grad!
        gx.name = "gx\(order)"
        return gx
    }
}
