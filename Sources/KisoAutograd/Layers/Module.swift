import Kiso

/// A layer of the sequel (DeZero's `Layer`): it owns parameters — variables an optimizer
/// updates — and sub-modules, and maps inputs to outputs with ``callAsFunction(_:)``.
///
/// Subclasses list their own parameters in ``ownParameters`` and their sub-modules in
/// ``children``, each under a name; ``parameters`` gathers them all, names joined with `.`
/// (`"l0.W"`), unless a subclass gives other names (``MLP`` uses the first book's `W1`, `b1`, …).
open class Module {
    /// A module with nothing yet.
    public init() {}

    /// This module's own parameters by name (not those of sub-modules).
    open var ownParameters: [(name: String, variable: Variable)] { [] }

    /// The sub-modules by name.
    open var children: [(name: String, module: Module)] { [] }

    /// Every parameter of this module and its sub-modules, by unique name, in a fixed order.
    open var parameters: [(name: String, variable: Variable)] {
        ownParameters + children.flatMap { child in
            child.module.parameters.map { (name: child.name + "." + $0.name, variable: $0.variable) }
        }
    }

    /// State that is saved but not learned (batch normalization's running statistics), by name.
    open var buffers: [(name: String, variable: Variable)] {
        children.flatMap { child in
            child.module.buffers.map { (name: child.name + "." + $0.name, variable: $0.variable) }
        }
    }

    /// Whether the module is in training mode (batch statistics, dropout masks). Set it on
    /// the top module; it reaches every sub-module.
    public var isTraining = true {
        didSet { for child in children { child.module.isTraining = isTraining } }
    }

    /// The output for `x`. Subclasses must override it.
    open func forward(_ x: Variable) -> Variable {
        fatalError("\(type(of: self)) does not override forward(_:)")
    }

    /// The output for `x` (``forward(_:)``).
    public func callAsFunction(_ x: Variable) -> Variable { forward(x) }

    /// Forgets the gradient of every parameter (DeZero's `cleargrads`), before a new backward pass.
    public func clearGrads() {
        for p in parameters { p.variable.clearGrad() }
    }
}
