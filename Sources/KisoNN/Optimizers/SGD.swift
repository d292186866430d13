import Kiso

/// Stochastic gradient descent: `W ← W − η·∂L/∂W` (book default η = 0.01).
public final class SGD: Optimizer {
    public let kind = OptimizerKind.sgd
    public var learningRate: Float
    private let slots = OptimizerSlots(kind: .sgd)

    /// SGD with learning rate η (0.01).
    public init(learningRate: Float = 0.01) { self.learningRate = learningRate }

    public func update(_ params: [(name: String, parameter: Parameter)]) { update(params, elements: nil) }

    public func update(_ params: [(name: String, parameter: Parameter)], elements: [Range<Int>]?) {
        let lr = learningRate
        for (k, (name, p)) in params.enumerated() {
            slots.withBuffers(name, p, elements: elements?[k]) { w, g, _ in for i in 0..<w.count { w[i] -= lr * g[i] } }
        }
        slots.step += 1
    }

    public var state: OptimizerState { slots.state }
    public func load(state: OptimizerState) throws { try slots.load(state) }
}

/// Momentum SGD: `v ← α·v − η·∂L/∂W`, `W ← W + v` (book defaults η = 0.01, α = 0.9).
public final class Momentum: Optimizer {
    public let kind = OptimizerKind.momentum
    public var learningRate: Float
    /// α, the fraction of the velocity kept each step.
    public let momentum: Float
    private let slots = OptimizerSlots(kind: .momentum)

    /// Momentum with learning rate η (0.01) and α (0.9).
    public init(learningRate: Float = 0.01, momentum: Float = 0.9) {
        self.learningRate = learningRate
        self.momentum = momentum
    }

    public func update(_ params: [(name: String, parameter: Parameter)]) { update(params, elements: nil) }

    public func update(_ params: [(name: String, parameter: Parameter)], elements: [Range<Int>]?) {
        let (lr, a) = (learningRate, momentum)
        for (k, (name, p)) in params.enumerated() {
            slots.withBuffers(name, p, elements: elements?[k]) { w, g, s in
                let v = s[0]
                for i in 0..<w.count { v[i] = a * v[i] - lr * g[i]; w[i] += v[i] }
            }
        }
        slots.step += 1
    }

    public var state: OptimizerState { slots.state }
    public func load(state: OptimizerState) throws { try slots.load(state) }
}

/// Nesterov's accelerated gradient in the book's form (after Bengio et al.):
///
///     v ← α·v − η·g,   W ← W + α²·v − (1 + α)·η·g
///
/// (book defaults η = 0.01, α = 0.9).
public final class Nesterov: Optimizer {
    public let kind = OptimizerKind.nesterov
    public var learningRate: Float
    /// α, the fraction of the velocity kept each step.
    public let momentum: Float
    private let slots = OptimizerSlots(kind: .nesterov)

    /// Nesterov momentum with learning rate η (0.01) and α (0.9).
    public init(learningRate: Float = 0.01, momentum: Float = 0.9) {
        self.learningRate = learningRate
        self.momentum = momentum
    }

    public func update(_ params: [(name: String, parameter: Parameter)]) { update(params, elements: nil) }

    public func update(_ params: [(name: String, parameter: Parameter)], elements: [Range<Int>]?) {
        let (lr, a) = (learningRate, momentum)
        for (k, (name, p)) in params.enumerated() {
            slots.withBuffers(name, p, elements: elements?[k]) { w, g, s in
                let v = s[0]
                for i in 0..<w.count {
                    v[i] = a * v[i] - lr * g[i]
                    w[i] += a * a * v[i] - (1 + a) * lr * g[i]
                }
            }
        }
        slots.step += 1
    }

    public var state: OptimizerState { slots.state }
    public func load(state: OptimizerState) throws { try slots.load(state) }
}
