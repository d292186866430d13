import Foundation
import Kiso

// + − × ÷, negation and powers (steps 20–22). Operands broadcast as NumPy's do; the
// backward rules sum each gradient back to its operand's shape (`sumTo`, step 40).

/// `y = x0 + x1`; `∂x0 = gy`, `∂x1 = gy` (each summed to its operand's shape).
public final class Add: Function {
    override public func forward(_ xs: [Tensor]) -> [Tensor] { [xs[0] + xs[1]] }
    override public func backward(_ gys: [Variable]) -> [Variable?] {
        [sumTo(gys[0], inputs[0].shape), sumTo(gys[0], inputs[1].shape)]
    }
}

/// `y = x0 − x1`; `∂x0 = gy`, `∂x1 = −gy`.
public final class Sub: Function {
    override public func forward(_ xs: [Tensor]) -> [Tensor] { [xs[0] - xs[1]] }
    override public func backward(_ gys: [Variable]) -> [Variable?] {
        [sumTo(gys[0], inputs[0].shape), sumTo(-gys[0], inputs[1].shape)]
    }
}

/// `y = x0 · x1` element-wise; `∂x0 = gy · x1`, `∂x1 = gy · x0`.
public final class Mul: Function {
    override public func forward(_ xs: [Tensor]) -> [Tensor] { [xs[0] * xs[1]] }
    override public func backward(_ gys: [Variable]) -> [Variable?] {
        let (x0, x1, gy) = (inputs[0], inputs[1], gys[0])
        return [sumTo(gy * x1, x0.shape), sumTo(gy * x0, x1.shape)]
    }
}

/// `y = x0 / x1` element-wise; `∂x0 = gy / x1`, `∂x1 = gy · (−x0 / x1²)`.
public final class Div: Function {
    override public func forward(_ xs: [Tensor]) -> [Tensor] { [xs[0] / xs[1]] }
    override public func backward(_ gys: [Variable]) -> [Variable?] {
        let (x0, x1, gy) = (inputs[0], inputs[1], gys[0])
        return [sumTo(gy / x1, x0.shape), sumTo(gy * (-x0 / x1 ** 2), x1.shape)]
    }
}

/// `y = −x`; `∂x = −gy`.
public final class Neg: Function {
    override public func forward(_ xs: [Tensor]) -> [Tensor] { [-xs[0]] }
    override public func backward(_ gys: [Variable]) -> [Variable?] { [-gys[0]] }
}

/// `y = xᶜ` for a constant exponent c; `∂x = c · xᶜ⁻¹ · gy`.
public final class Pow: Function {
    /// The exponent c.
    public let exponent: Float
    /// The power with exponent `c`.
    public init(_ c: Float) { exponent = c }
    override public func forward(_ xs: [Tensor]) -> [Tensor] { [pow(xs[0], exponent)] }
    override public func backward(_ gys: [Variable]) -> [Variable?] {
        let c = exponent
        return [c * inputs[0] ** (c - 1) * gys[0]]
    }
}

precedencegroup ExponentiationPrecedence {
    associativity: right
    higherThan: MultiplicationPrecedence
}

infix operator ** : ExponentiationPrecedence

extension Variable {
    /// The element-wise sum (broadcasting).
    public static func + (a: Variable, b: Variable) -> Variable { Add()(a, b) }
    /// The element-wise difference (broadcasting).
    public static func - (a: Variable, b: Variable) -> Variable { Sub()(a, b) }
    /// The element-wise product (broadcasting).
    public static func * (a: Variable, b: Variable) -> Variable { Mul()(a, b) }
    /// The element-wise quotient (broadcasting).
    public static func / (a: Variable, b: Variable) -> Variable { Div()(a, b) }
    /// The negation.
    public static prefix func - (a: Variable) -> Variable { Neg()(a) }
    /// `a` to the constant power `c`, element-wise.
    public static func ** (a: Variable, c: Float) -> Variable { Pow(c)(a) }

    // A number is turned into a 0-d constant variable, as DeZero's `as_array` does.
    /// `a + s`.
    public static func + (a: Variable, s: Float) -> Variable { a + Variable(s) }
    /// `s + a`.
    public static func + (s: Float, a: Variable) -> Variable { a + Variable(s) }
    /// `a − s`.
    public static func - (a: Variable, s: Float) -> Variable { a - Variable(s) }
    /// `s − a`.
    public static func - (s: Float, a: Variable) -> Variable { Variable(s) - a }
    /// `a · s`.
    public static func * (a: Variable, s: Float) -> Variable { a * Variable(s) }
    /// `s · a`.
    public static func * (s: Float, a: Variable) -> Variable { a * Variable(s) }
    /// `a / s`.
    public static func / (a: Variable, s: Float) -> Variable { a / Variable(s) }
    /// `s / a`.
    public static func / (s: Float, a: Variable) -> Variable { Variable(s) / a }
}
