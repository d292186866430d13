import Kiso
import KisoNN

extension Optimizer {
    /// One update of `parameters` by their gradients, through the library's optimizers (SGD,
    /// Momentum, AdaGrad, RMSprop, Adam: chapter 6's update rules, unchanged). Parameters
    /// without a gradient are skipped, as DeZero skips them. State is kept under each name.
    ///
    /// Each variable's tensor is handed to a `Parameter` for the update and taken back, so
    /// the update writes in place without copying the weights.
    public func update(_ parameters: [(name: String, variable: Variable)]) {
        var held: [(name: String, parameter: Parameter)] = []
        var owners: [Variable] = []
        for (name, variable) in parameters {
            guard let grad = variable.grad else { continue }
            let parameter = Parameter(variable.data)
            parameter.gradient = grad.data
            variable.data = Tensor(shape: [0], scalars: [])   // the parameter now holds the only reference
            held.append((name, parameter))
            owners.append(variable)
        }
        update(held)
        for (variable, entry) in zip(owners, held) { variable.data = entry.parameter.value }
    }

    /// One update of every parameter of `model` (its ``Module/parameters``).
    public func update(_ model: Module) { update(model.parameters) }
}
