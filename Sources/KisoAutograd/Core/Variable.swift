import Kiso

/// A tensor that remembers how it was computed, so that gradients can flow back to it
/// (DeZero's `Variable`, steps 1–24).
///
/// Every differentiable operation on variables records the ``Function`` that produced its
/// result as the result's ``creator``; ``backward(retainGrad:createGraph:)`` then walks
/// those functions from the last one to the first and leaves ∂y/∂x in each input's
/// ``grad``.
///
/// ```swift
/// let x = Variable(Tensor(3))
/// let y = x * x + 2 * x     // y = x² + 2x
/// y.backward()
/// print(x.grad!.data)        // 8.0 = 2x + 2
/// ```
///
/// A variable is a reference: the graph holds it by identity, and its gradient is set in place.
public final class Variable {
    /// The value.
    public var data: Tensor
    /// An optional name, shown in graphs (``DotGraph``).
    public var name: String?
    /// ∂(output)/∂self after ``backward(retainGrad:createGraph:)``, shaped like ``data``;
    /// itself a variable, so that it can be differentiated again (backward with `createGraph`).
    public var grad: Variable?
    /// The function whose output this variable is; `nil` for inputs and parameters.
    public private(set) var creator: Function?
    /// Whether backward computes a gradient for this variable when it is an input of the
    /// graph (no creator). True by default, as in DeZero; turn it off for data (the images
    /// of a batch) so that functions skip work nothing will use — the first layer's ∂x.
    public var requiresGrad = true
    /// One more than the generation of its creator (0 without one): backward processes
    /// later generations first, so each gradient is complete before it is passed on.
    public private(set) var generation = 0

    /// A variable holding `data`, with no creator.
    public init(_ data: Tensor, name: String? = nil) {
        self.data = data
        self.name = name
    }

    /// A 0-d variable holding `value`.
    public convenience init(_ value: Float, name: String? = nil) { self.init(Tensor(value), name: name) }

    /// The shape of ``data``.
    public var shape: [Int] { data.shape }
    /// The number of axes of ``data``.
    public var ndim: Int { data.ndim }
    /// The number of elements of ``data``.
    public var count: Int { data.count }

    /// Records `function` as the creator (called by ``Function`` when it builds a graph).
    func setCreator(_ function: Function) {
        creator = function
        generation = function.generation + 1
    }

    /// Forgets the gradient (DeZero's `cleargrad`), so that the next backward pass starts afresh
    /// instead of accumulating into it.
    public func clearGrad() { grad = nil }

    /// Cuts the graph above this variable: it keeps its value but forgets its creator, so
    /// backward stops here and the functions before it can be freed (DeZero's `unchain`).
    public func unchain() {
        creator = nil
        generation = 0
    }
}

extension Variable: CustomStringConvertible {
    /// `variable(…)` around the value, as DeZero prints it: a 0-d value in Swift's shortest
    /// round-trip form (`variable(1.4545455)`), others as NumPy prints arrays.
    public var description: String {
        let text = ndim == 0 ? "\(data.scalar)" : data.description
        guard text.contains("\n") else { return "variable(\(text))" }
        return "variable(" + text.replacingOccurrences(of: "\n", with: "\n         ") + ")"
    }
}
