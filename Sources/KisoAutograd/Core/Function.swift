import Kiso

/// One differentiable operation of the graph (DeZero's `Function`): ``forward(_:)`` maps
/// input tensors to output tensors; ``backward(_:)`` maps the gradients of the outputs to
/// the gradients of the inputs, written with variables so that it can itself be
/// differentiated (``Variable/backward(retainGrad:createGraph:)`` with `createGraph`).
///
/// Subclass it to add an operation: keep the forward and backward rules side by side, and
/// keep anything that is not a differentiable input (axes, masks, labels) in stored
/// properties. Call an instance on variables with ``apply(_:)`` (or ``callAsFunction(_:)``).
///
/// The function holds its inputs strongly and its outputs weakly, so dropping the last
/// output of a graph frees the whole graph.
open class Function {
    /// The variables this function was applied to (empty when no graph was recorded).
    public private(set) var inputs: [Variable] = []
    private var outputReferences: [WeakVariable] = []
    private var outputShapes: [[Int]] = []
    /// The largest generation among the inputs.
    public private(set) var generation = 0

    /// A function not yet applied.
    public init() {}

    /// The outputs that are still alive.
    public var outputs: [Variable] { outputReferences.compactMap(\.variable) }

    /// Whether backward needs the gradient of input `index`: the input was computed by a
    /// function, or asks for one (``Variable/requiresGrad``). Backward rules may skip the
    /// work for the others and return nil.
    public func needsGradient(_ index: Int) -> Bool {
        inputs[index].creator != nil || inputs[index].requiresGrad
    }

    /// The gradient of each output, in order: its ``Variable/grad``, or zeros for an output that
    /// has none or is no longer alive (one output of several may be unused).
    func outputGradients() -> [Variable] {
        zip(outputReferences, outputShapes).map { reference, shape in
            reference.variable?.grad ?? Variable(Tensor.zeros(shape))
        }
    }

    /// The name shown in graphs: the class name (`Add`, `Tanh`, …).
    open var name: String { String(describing: type(of: self)) }

    /// The output tensors for input tensors `xs`. Subclasses must override it.
    open func forward(_ xs: [Tensor]) -> [Tensor] {
        fatalError("\(name) does not override forward(_:)")
    }

    /// The gradients of the inputs (one per input, `nil` for an input that gets none) for
    /// the gradients `gys` of the outputs. Subclasses must override it.
    open func backward(_ gys: [Variable]) -> [Variable?] {
        fatalError("\(name) does not override backward(_:)")
    }

    /// Computes the outputs for `inputs` and, when backprop is enabled (see ``withNoGrad(_:)``),
    /// records this function as their creator.
    /// - Precondition: a function object is applied once; make a new one for each call.
    public func apply(_ inputs: [Variable]) -> [Variable] {
        kisoPrecondition(outputReferences.isEmpty, "\(name): a Function object is applied only once")
        let outputs = forward(inputs.map(\.data)).map { Variable($0) }
        if Autograd.isBackpropEnabled {
            generation = inputs.map(\.generation).max() ?? 0
            for output in outputs { output.setCreator(self) }
            self.inputs = inputs
            outputReferences = outputs.map(WeakVariable.init)
            outputShapes = outputs.map(\.shape)
        }
        return outputs
    }

    /// The only output of this function applied to `inputs`.
    /// - Precondition: ``forward(_:)`` returns one tensor.
    public func callAsFunction(_ inputs: Variable...) -> Variable {
        let outputs = apply(inputs)
        kisoPrecondition(outputs.count == 1, "\(name): has \(outputs.count) outputs; use apply(_:)")
        return outputs[0]
    }
}

/// A reference to a variable that does not keep it alive (a function's view of its outputs).
struct WeakVariable {
    weak var variable: Variable?
    init(_ variable: Variable) { self.variable = variable }
}
