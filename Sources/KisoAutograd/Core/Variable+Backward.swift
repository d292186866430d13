import Kiso

extension Variable {
    /// Back-propagates from this variable: afterwards every variable it depends on holds
    /// ∂self/∂variable in its ``grad`` (added to any gradient already there). Steps 7–18.
    ///
    /// The functions are visited latest generation first, so that a variable used twice has
    /// both contributions summed before its own creator runs. The seed is ones shaped like
    /// ``data`` unless ``grad`` is already set.
    /// - Parameters:
    ///   - retainGrad: keep the gradients of intermediate variables too (by default only
    ///     the leaves — inputs and parameters — keep theirs, to save memory).
    ///   - createGraph: record the backward computation itself as a graph, so that the
    ///     gradients can be differentiated again (higher-order derivatives, double backprop).
    public func backward(retainGrad: Bool = false, createGraph: Bool = false) {
        if grad == nil { grad = Variable(Tensor.ones(shape)) }
        guard let first = creator else { return }
        var pending: [Function] = []
        var seen: Set<ObjectIdentifier> = []
        func schedule(_ function: Function) {
            guard seen.insert(ObjectIdentifier(function)).inserted else { return }
            // Kept sorted by generation, ties in arrival order (DeZero's stable sort), so
            // that the graphs built with createGraph have DeZero's shape.
            let index = pending.firstIndex { $0.generation > function.generation } ?? pending.endIndex
            pending.insert(function, at: index)
        }
        schedule(first)
        while let function = pending.popLast() {
            let gys = function.outputGradients()
            withBackprop(createGraph) {
                let gxs = function.backward(gys)
                for (x, gx) in zip(function.inputs, gxs) {
                    guard let gx else { continue }
                    kisoPrecondition(gx.shape == x.shape,
                                     "\(function.name).backward: gradient of shape \(gx.shape) for an input of shape \(x.shape)")
                    x.grad = x.grad.map { $0 + gx } ?? gx
                    if let creator = x.creator { schedule(creator) }
                }
            }
            if !retainGrad {
                for y in function.outputs { y.grad = nil }
            }
        }
    }
}
