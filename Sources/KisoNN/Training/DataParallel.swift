import Kiso

/// The hook through which a ``Trainer`` trains data-parallel: every process (rank) holds the
/// whole network, computes the gradient of its share of each global mini-batch, and an
/// implementation of this protocol (e.g. one over MPI) combines the gradients.
///
/// The trainer draws the same global batch on every rank (same seed), computes its slice
/// ``DataParallelShare/range(of:rank:worldSize:)``, calls ``beginStep(localWeight:)`` with
/// `slice / batch`, runs backward, reporting each parameter's gradient through
/// ``parameterGradientReady(name:parameter:)`` as soon as backward has produced it (last
/// layer first, so reductions can overlap the rest of backward), then calls
/// ``finishGradientReduction(localLoss:)``, after which the gradients hold the global-batch mean,
/// `Σ_r (n_r / N) · ∂L_r/∂θ` (on every rank, or only in the part of each parameter this rank
/// updates), and last ``applyUpdate(_:to:)``, after which every rank holds the same updated
/// parameters.
public protocol DataParallelCoordinator: AnyObject {
    /// This process's index, `0..<worldSize`; rank 0 reports and saves.
    var rank: Int { get }
    /// The number of processes training together.
    var worldSize: Int { get }
    /// Makes every rank's parameters and buffers equal to rank 0's (before training starts).
    func synchronizeInitialState(_ network: any Network) throws
    /// A new step begins; this rank's gradients are to be weighted by `localWeight` (its share
    /// of the global batch) before summing over ranks.
    func beginStep(localWeight: Float)
    /// Backward has finished `parameter.gradient` (named `name`); its reduction may start.
    func parameterGradientReady(name: String, parameter: Parameter)
    /// Waits for every reduction of this step; afterwards each parameter's gradient is the
    /// global-batch mean on every rank. `localLoss` is this rank's weighted loss,
    /// `(n_r / N) · L_r`; it travels with the last gradients, and the result is its sum over
    /// the ranks: the global batch's loss, with no collective of its own.
    func finishGradientReduction(localLoss: Float) throws -> Float
    /// The element-wise sums of `values` over all ranks (losses, counts of correct answers).
    func sum(_ values: [Double]) throws -> [Double]
    /// Applies one step of `optimizer` to `parameters` after
    /// ``finishGradientReduction(localLoss:)``; afterwards the parameters are the same on every
    /// rank. A coordinator may share the work out: each rank updates its own part of every
    /// parameter (``Optimizer/update(_:elements:)``) and the ranks exchange the parts; the
    /// optimizer's state is then whole only after ``synchronizeOptimizerState(_:parameters:)``.
    func applyUpdate(_ optimizer: Optimizer, to parameters: [(name: String, parameter: Parameter)]) throws
    /// Makes `optimizer`'s state whole on every rank, when ``applyUpdate(_:to:)`` keeps each
    /// part of it only on the rank that updates that part. Every rank must call it at the same
    /// step (it is a collective); ``Trainer`` does so at the end of every epoch, before
    /// ``Trainer/onInterrupt`` and when training ends.
    func synchronizeOptimizerState(_ optimizer: Optimizer, parameters: [(name: String, parameter: Parameter)]) throws
}

extension DataParallelCoordinator {
    /// For a coordinator that leaves the whole mean gradient on every rank: every rank applies
    /// the whole update.
    public func applyUpdate(_ optimizer: Optimizer, to parameters: [(name: String, parameter: Parameter)]) throws {
        optimizer.update(parameters)
    }

    /// For a coordinator whose ranks apply the whole update: the state is already whole.
    public func synchronizeOptimizerState(_ optimizer: Optimizer, parameters: [(name: String, parameter: Parameter)]) throws {}
}

/// The rows of a global mini-batch that one data-parallel rank computes: `range` of `globalCount`.
public struct BatchSlice: Sendable, Equatable {
    /// The positions of this rank's samples in the global batch.
    public let range: Range<Int>
    /// The number of samples in the global batch.
    public let globalCount: Int

    /// The slice `range` of a global batch of `globalCount` samples.
    public init(range: Range<Int>, globalCount: Int) {
        self.range = range
        self.globalCount = globalCount
    }
}

/// How a global batch of N samples is split over ranks: rank r takes the contiguous slice
/// `[r·N/W, (r+1)·N/W)` (integer division), so shares differ by at most one sample.
public enum DataParallelShare {
    /// The positions of a batch of `count` samples that `rank` of `worldSize` computes.
    public static func range(of count: Int, rank: Int, worldSize: Int) -> Range<Int> {
        (rank * count / worldSize)..<((rank + 1) * count / worldSize)
    }
}
