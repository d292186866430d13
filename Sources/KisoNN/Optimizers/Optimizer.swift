import Kiso

/// An update rule of chapter 6. `update` moves each parameter's value using its gradient
/// and the optimizer's per-parameter state, which is kept under the parameter's name (so
/// the same optimizer must always see the same names, e.g. `W1`, `b1`, …).
public protocol Optimizer: AnyObject {
    /// The kind (its name for the command line and checkpoints).
    var kind: OptimizerKind { get }
    /// The learning rate η.
    var learningRate: Float { get set }
    /// Applies one update to every parameter, using `parameter.gradient`.
    func update(_ params: [(name: String, parameter: Parameter)])
    /// Applies one update to part of each parameter: the elements `elements[i]` (positions in
    /// the flattened tensor) of `params[i]`, using the same elements of its gradient; the other
    /// elements, and their state, are left as they are. `nil` means every element, as
    /// ``update(_:)``. The step counter advances once, as with ``update(_:)``.
    ///
    /// Data-parallel training shares out the update this way: each rank updates its own part
    /// of every parameter, and the ranks then exchange the parts (see
    /// ``DataParallelCoordinator/applyUpdate(_:to:)``).
    func update(_ params: [(name: String, parameter: Parameter)], elements: [Range<Int>]?)
    /// Everything needed to continue exactly where the optimizer stopped: per-parameter
    /// tensors named `"<slot>.<parameter>"` (e.g. `"v.W1"`, `"m.b2"`) and the step counter.
    var state: OptimizerState { get }
    /// Replaces the state by a saved one.
    /// - Throws: ``OptimizerStateError`` when a slot name is not one of this optimizer's.
    func load(state: OptimizerState) throws
}

extension Optimizer {
    /// For an optimizer that can only update whole tensors: updates every element of every
    /// parameter. Under a shared-out data-parallel update the other ranks' parts then replace
    /// the elements this rank does not own, so the result is the same; only the work is not
    /// shared.
    public func update(_ params: [(name: String, parameter: Parameter)], elements: [Range<Int>]?) {
        update(params)
    }
}

/// The saved state of an ``Optimizer``: named tensors plus the number of updates made.
public struct OptimizerState: Sendable {
    /// Per-parameter slots, `"<slot>.<parameter name>"` → tensor shaped like the parameter.
    public var tensors: [String: Tensor]
    /// How many times `update` has run.
    public var step: Int

    /// A state holding `tensors` after `step` updates (empty: a fresh optimizer).
    public init(tensors: [String: Tensor] = [:], step: Int = 0) {
        self.tensors = tensors
        self.step = step
    }
}

/// A saved optimizer state that does not fit the optimizer it is loaded into.
public struct OptimizerStateError: Error, CustomStringConvertible {
    /// What does not fit: the unknown slot or kind, and the ones expected.
    public let description: String
}

/// The optimizers of the book by name.
public enum OptimizerKind: String, CaseIterable, Codable, Sendable {
    /// ``SGD``, ``Momentum``, ``Nesterov``, ``AdaGrad``, ``RMSprop`` or ``Adam``.
    case sgd, momentum, nesterov, adagrad, rmsprop, adam

    /// The kind called `name` (case-insensitive; the book's misspelt `"rmsprpo"` is accepted).
    /// - Throws: ``OptimizerStateError`` naming the known kinds when `name` is none of them.
    public init(name: String) throws {
        let key = name.lowercased()
        if key == "rmsprpo" { self = .rmsprop; return }
        guard let kind = OptimizerKind(rawValue: key) else {
            throw OptimizerStateError(description: "unknown optimizer '\(name)'; choose one of \(OptimizerKind.allCases.map(\.rawValue).joined(separator: ", "))")
        }
        self = kind
    }

    /// The book's default learning rate (0.01, and 0.001 for Adam).
    public var defaultLearningRate: Float { self == .adam ? 0.001 : 0.01 }

    /// The slot names this kind keeps per parameter.
    var slots: [String] {
        switch self {
        case .sgd: []
        case .momentum, .nesterov: ["v"]
        case .adagrad, .rmsprop: ["h"]
        case .adam: ["m", "v"]
        }
    }
}

/// The hyper-parameters of an optimizer; `nil` means the book's default for that kind.
public struct OptimizerSettings: Codable, Sendable, Equatable {
    /// Which optimizer.
    public var kind: OptimizerKind
    /// The learning rate η (the kind's ``OptimizerKind/defaultLearningRate`` when `nil`).
    public var learningRate: Float?
    /// Momentum and Nesterov's α (0.9).
    public var momentum: Float?
    /// RMSprop's decay rate (0.99).
    public var decayRate: Float?
    /// Adam's β1 (0.9) and β2 (0.999).
    public var beta1: Float?
    /// Adam's β2 (0.999).
    public var beta2: Float?

    /// Settings for `kind`; each `nil` hyper-parameter takes the book's default.
    public init(kind: OptimizerKind, learningRate: Float? = nil, momentum: Float? = nil,
                decayRate: Float? = nil, beta1: Float? = nil, beta2: Float? = nil) {
        self.kind = kind
        self.learningRate = learningRate
        self.momentum = momentum
        self.decayRate = decayRate
        self.beta1 = beta1
        self.beta2 = beta2
    }

    /// A fresh optimizer with these settings.
    public func makeOptimizer() -> Optimizer {
        let lr = learningRate ?? kind.defaultLearningRate
        switch kind {
        case .sgd: return SGD(learningRate: lr)
        case .momentum: return Momentum(learningRate: lr, momentum: momentum ?? 0.9)
        case .nesterov: return Nesterov(learningRate: lr, momentum: momentum ?? 0.9)
        case .adagrad: return AdaGrad(learningRate: lr)
        case .rmsprop: return RMSprop(learningRate: lr, decayRate: decayRate ?? 0.99)
        case .adam: return Adam(learningRate: lr, beta1: beta1 ?? 0.9, beta2: beta2 ?? 0.999)
        }
    }
}

/// The optimizer called `name` (see ``OptimizerKind/init(name:)``) with the book's
/// defaults for every hyper-parameter not given.
/// - Throws: ``OptimizerStateError`` for an unknown name.
public func makeOptimizer(name: String, learningRate: Float? = nil, momentum: Float? = nil,
                          decayRate: Float? = nil, beta1: Float? = nil, beta2: Float? = nil) throws -> Optimizer {
    OptimizerSettings(kind: try OptimizerKind(name: name), learningRate: learningRate, momentum: momentum,
                      decayRate: decayRate, beta1: beta1, beta2: beta2).makeOptimizer()
}

/// Per-parameter state storage shared by the optimizers: slot tensors created as zeros
/// on first use, updated in place through raw buffers.
final class OptimizerSlots {
    let kind: OptimizerKind
    var tensors: [String: Tensor] = [:]
    var step = 0

    init(kind: OptimizerKind) { self.kind = kind }

    /// Elements per thread below which an update stays on one thread: under it, splitting costs
    /// more than the memory traffic it shares out.
    static let parallelGrain = 8192

    /// Calls `body(value, gradient, slots…)` with mutable buffers for the positions `elements`
    /// (all of them when `nil`) of one parameter; the slots are `kind.slots` in order, created
    /// whole and zero-initialised the first time `name` is seen.
    ///
    /// A large parameter is split into contiguous ranges updated in parallel: `body` may run
    /// several times at once, each call seeing the same range of every buffer, indexed from 0.
    /// The update rules are element-wise, so the result does not depend on the split.
    func withBuffers(_ name: String, _ parameter: Parameter, elements: Range<Int>? = nil,
                     _ body: (UnsafeMutableBufferPointer<Float>, UnsafeBufferPointer<Float>, [UnsafeMutablePointer<Float>]) -> Void) {
        kisoPrecondition(parameter.gradient.shape == parameter.value.shape,
                         "\(kind.rawValue) update of \(name): gradient \(parameter.gradient.shape) does not match value \(parameter.value.shape)")
        var pointers: [UnsafeMutablePointer<Float>] = []
        for slot in kind.slots {
            let key = "\(slot).\(name)"
            if tensors[key]?.shape != parameter.value.shape { tensors[key] = Tensor.zeros(parameter.value.shape) }
            tensors[key]!.makeUnique()
            pointers.append(tensors[key]!.withUnsafeMutableBufferPointer { $0.baseAddress! })
        }
        let gradient = parameter.gradient
        gradient.withUnsafeBufferPointer { g in
            parameter.value.withUnsafeMutableBufferPointer { v in
                let part = elements ?? 0..<v.count
                kisoPrecondition(part.lowerBound >= 0 && part.upperBound <= v.count,
                                 "\(kind.rawValue) update of \(name): elements \(part) outside its \(v.count)")
                guard !part.isEmpty else { return }
                let (pv, pg) = (SendablePointer(v.baseAddress! + part.lowerBound),
                                SendablePointer(UnsafeMutablePointer(mutating: g.baseAddress! + part.lowerBound)))
                let slots = pointers.map { SendablePointer($0 + part.lowerBound) }
                Kernels.parallelFor(part.count, grain: Self.parallelGrain) { r in
                    body(UnsafeMutableBufferPointer(start: pv.pointer + r.lowerBound, count: r.count),
                         UnsafeBufferPointer(start: pg.pointer + r.lowerBound, count: r.count),
                         slots.map { $0.pointer + r.lowerBound })
                }
            }
        }
    }

    var state: OptimizerState { OptimizerState(tensors: tensors, step: step) }

    func load(_ state: OptimizerState) throws {
        for key in state.tensors.keys {
            let slot = key.split(separator: ".", maxSplits: 1).first.map(String.init) ?? ""
            guard kind.slots.contains(slot), key.count > slot.count + 1 else {
                throw OptimizerStateError(description: "optimizer state entry '\(key)' does not belong to \(kind.rawValue) (its slots: \(kind.slots))")
            }
        }
        tensors = state.tensors
        step = state.step
    }
}

/// A buffer pointer handed to the parallel ranges of an update, which never overlap.
private struct SendablePointer: @unchecked Sendable {
    let pointer: UnsafeMutablePointer<Float>
    init(_ pointer: UnsafeMutablePointer<Float>) { self.pointer = pointer }
}
