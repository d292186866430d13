import Foundation
import Kiso

// Element-wise elementary functions (steps 27–35). Each backward is written with
// variables, so derivatives of any order follow.

/// `y = eˣ`; `∂x = gy · y`.
public final class Exp: Function {
    override public func forward(_ xs: [Tensor]) -> [Tensor] { [exp(xs[0])] }
    override public func backward(_ gys: [Variable]) -> [Variable?] { [gys[0] * outputs[0]] }
}

/// `y = ln x`; `∂x = gy / x`.
public final class Log: Function {
    override public func forward(_ xs: [Tensor]) -> [Tensor] { [log(xs[0])] }
    override public func backward(_ gys: [Variable]) -> [Variable?] { [gys[0] / inputs[0]] }
}

/// `y = sin x`; `∂x = gy · cos x`.
public final class Sin: Function {
    override public func forward(_ xs: [Tensor]) -> [Tensor] { [xs[0].map { Foundation.sin($0) }] }
    override public func backward(_ gys: [Variable]) -> [Variable?] { [gys[0] * cos(inputs[0])] }
}

/// `y = cos x`; `∂x = gy · (−sin x)`.
public final class Cos: Function {
    override public func forward(_ xs: [Tensor]) -> [Tensor] { [xs[0].map { Foundation.cos($0) }] }
    override public func backward(_ gys: [Variable]) -> [Variable?] { [gys[0] * -sin(inputs[0])] }
}

/// `y = tanh x`; `∂x = gy · (1 − y²)`, written `gy * (1 - y * y)` as DeZero does, so that
/// the graphs of its higher derivatives are DeZero's (step 35).
public final class Tanh: Function {
    override public func forward(_ xs: [Tensor]) -> [Tensor] { [tanh(xs[0])] }
    override public func backward(_ gys: [Variable]) -> [Variable?] {
        let y = outputs[0]
        return [gys[0] * (1 - y * y)]
    }
}

/// eˣ, element-wise.
public func exp(_ x: Variable) -> Variable { Exp()(x) }
/// The natural logarithm, element-wise.
public func log(_ x: Variable) -> Variable { Log()(x) }
/// The sine, element-wise.
public func sin(_ x: Variable) -> Variable { Sin()(x) }
/// The cosine, element-wise.
public func cos(_ x: Variable) -> Variable { Cos()(x) }
/// The hyperbolic tangent, element-wise.
public func tanh(_ x: Variable) -> Variable { Tanh()(x) }
