/// The multiplication node of chapter 5's computational graphs (scalars):
/// `out = x · y`, with `∂out/∂x = y` and `∂out/∂y = x`.
public final class MulLayer {
    private var x: Double = 0, y: Double = 0

    /// A multiplication node with no inputs seen yet.
    public init() {}

    /// `x · y`, remembering both inputs for ``backward(_:)``.
    public func forward(_ x: Double, _ y: Double) -> Double {
        self.x = x
        self.y = y
        return x * y
    }

    /// `(dout · y, dout · x)`: the upstream gradient times the *other* input.
    public func backward(_ dout: Double) -> (dx: Double, dy: Double) { (dout * y, dout * x) }
}

/// The addition node of chapter 5's computational graphs (scalars): `out = x + y`; the
/// upstream gradient passes unchanged to both inputs.
public final class AddLayer {
    /// An addition node.
    public init() {}

    /// `x + y`.
    public func forward(_ x: Double, _ y: Double) -> Double { x + y }

    /// `(dout, dout)`.
    public func backward(_ dout: Double) -> (dx: Double, dy: Double) { (dout, dout) }
}
