import Foundation
import Kiso

/// AdaGrad: `h ← h + g²`, `W ← W − η·g / (√h + 1e-7)` (book default η = 0.01).
public final class AdaGrad: Optimizer {
    public let kind = OptimizerKind.adagrad
    public var learningRate: Float
    private let slots = OptimizerSlots(kind: .adagrad)

    /// AdaGrad with learning rate η (0.01).
    public init(learningRate: Float = 0.01) { self.learningRate = learningRate }

    public func update(_ params: [(name: String, parameter: Parameter)]) { update(params, elements: nil) }

    public func update(_ params: [(name: String, parameter: Parameter)], elements: [Range<Int>]?) {
        let lr = learningRate
        for (k, (name, p)) in params.enumerated() {
            slots.withBuffers(name, p, elements: elements?[k]) { w, g, s in
                let h = s[0]
                for i in 0..<w.count {
                    h[i] += g[i] * g[i]
                    w[i] -= lr * g[i] / (h[i].squareRoot() + 1e-7)
                }
            }
        }
        slots.step += 1
    }

    public var state: OptimizerState { slots.state }
    public func load(state: OptimizerState) throws { try slots.load(state) }
}

/// RMSprop: `h ← ρ·h + (1 − ρ)·g²`, `W ← W − η·g / (√h + 1e-7)` (book defaults η = 0.01, ρ = 0.99).
public final class RMSprop: Optimizer {
    public let kind = OptimizerKind.rmsprop
    public var learningRate: Float
    /// ρ, the decay of the running average of g².
    public let decayRate: Float
    private let slots = OptimizerSlots(kind: .rmsprop)

    /// RMSprop with learning rate η (0.01) and decay ρ (0.99).
    public init(learningRate: Float = 0.01, decayRate: Float = 0.99) {
        self.learningRate = learningRate
        self.decayRate = decayRate
    }

    public func update(_ params: [(name: String, parameter: Parameter)]) { update(params, elements: nil) }

    public func update(_ params: [(name: String, parameter: Parameter)], elements: [Range<Int>]?) {
        let (lr, rho) = (learningRate, decayRate)
        for (k, (name, p)) in params.enumerated() {
            slots.withBuffers(name, p, elements: elements?[k]) { w, g, s in
                let h = s[0]
                for i in 0..<w.count {
                    h[i] = rho * h[i] + (1 - rho) * g[i] * g[i]
                    w[i] -= lr * g[i] / (h[i].squareRoot() + 1e-7)
                }
            }
        }
        slots.step += 1
    }

    public var state: OptimizerState { slots.state }
    public func load(state: OptimizerState) throws { try slots.load(state) }
}

/// Adam in the book's form, with the bias correction folded into the step size. At step t:
///
///     η_t = η · √(1 − β2^t) / (1 − β1^t)
///     m ← m + (1 − β1)·(g − m),   v ← v + (1 − β2)·(g² − v),   W ← W − η_t·m / (√v + 1e-7)
///
/// (book defaults η = 0.001, β1 = 0.9, β2 = 0.999).
public final class Adam: Optimizer {
    public let kind = OptimizerKind.adam
    public var learningRate: Float
    /// β1, the decay of the first-moment average `m`, and β2, of the second-moment average `v`.
    public let beta1: Float, beta2: Float
    private let slots = OptimizerSlots(kind: .adam)

    /// Adam with learning rate η (0.001), β1 (0.9) and β2 (0.999).
    public init(learningRate: Float = 0.001, beta1: Float = 0.9, beta2: Float = 0.999) {
        self.learningRate = learningRate
        self.beta1 = beta1
        self.beta2 = beta2
    }

    public func update(_ params: [(name: String, parameter: Parameter)]) { update(params, elements: nil) }

    public func update(_ params: [(name: String, parameter: Parameter)], elements: [Range<Int>]?) {
        slots.step += 1
        let t = Double(slots.step)
        let lrT = Float(Double(learningRate) * (1 - Foundation.pow(Double(beta2), t)).squareRoot()
                        / (1 - Foundation.pow(Double(beta1), t)))
        let (b1, b2) = (beta1, beta2)
        for (k, (name, p)) in params.enumerated() {
            slots.withBuffers(name, p, elements: elements?[k]) { w, g, s in
                let (m, v) = (s[0], s[1])
                // Eight at a time (the compiler cannot prove the four buffers disjoint, so it
                // would not vectorise the scalar loop); the same operations in the same order,
                // so the same floats as the scalar loop that finishes the tail.
                var i = 0
                if let wp = w.baseAddress, let gp = g.baseAddress {
                    let (c1, c2) = (SIMD8<Float>(repeating: 1 - b1), SIMD8<Float>(repeating: 1 - b2))
                    let (lr, eps) = (SIMD8<Float>(repeating: lrT), SIMD8<Float>(repeating: 1e-7))
                    while i + 8 <= w.count {
                        let gi = UnsafeRawPointer(gp + i).loadUnaligned(as: SIMD8<Float>.self)
                        var mi = UnsafeRawPointer(m + i).loadUnaligned(as: SIMD8<Float>.self)
                        var vi = UnsafeRawPointer(v + i).loadUnaligned(as: SIMD8<Float>.self)
                        var wi = UnsafeRawPointer(wp + i).loadUnaligned(as: SIMD8<Float>.self)
                        mi += c1 * (gi - mi)
                        vi += c2 * (gi * gi - vi)
                        wi -= lr * mi / (vi.squareRoot() + eps)
                        UnsafeMutableRawPointer(m + i).storeBytes(of: mi, as: SIMD8<Float>.self)
                        UnsafeMutableRawPointer(v + i).storeBytes(of: vi, as: SIMD8<Float>.self)
                        UnsafeMutableRawPointer(wp + i).storeBytes(of: wi, as: SIMD8<Float>.self)
                        i += 8
                    }
                }
                for i in i..<w.count {
                    m[i] += (1 - b1) * (g[i] - m[i])
                    v[i] += (1 - b2) * (g[i] * g[i] - v[i])
                    w[i] -= lrT * m[i] / (v[i].squareRoot() + 1e-7)
                }
            }
        }
    }

    public var state: OptimizerState { slots.state }
    public func load(state: OptimizerState) throws { try slots.load(state) }
}
