import Kiso

/// Everything a ``Trainer`` needs to resume exactly: the network's state dictionary, the
/// optimizer's state and the Codable progress (counters, histories, random generators).
/// A checkpoint writes the tensors in a tensor file and ``progress`` as JSON.
public struct TrainerState: Sendable {
    /// The network's ``Network/stateDict``.
    public var network: [String: Tensor]
    /// The optimizer's slots and step counter.
    public var optimizer: OptimizerState
    /// Counters, histories and generators.
    public var progress: Progress

    /// The non-tensor part of the state.
    public struct Progress: Codable, Sendable, Equatable {
        /// Iterations completed.
        public var iteration: Int
        /// Epochs completed.
        public var epoch: Int
        /// The lists recorded so far.
        public var history: TrainingHistory
        /// The batch sampler's generator.
        public var generator: RandomGenerator
        /// The network's own generators (dropout masks).
        public var networkGenerators: [RandomGenerator]
        /// The current epoch's permutation (shuffled sampling only; empty otherwise).
        public var epochOrder: [Int]
        /// The optimizer kind, checked on restore.
        public var optimizerKind: OptimizerKind
        /// The optimizer's step counter.
        public var optimizerStep: Int
    }

    /// A state made of its three parts.
    public init(network: [String: Tensor], optimizer: OptimizerState, progress: Progress) {
        self.network = network
        self.optimizer = optimizer
        self.progress = progress
    }
}

extension Trainer {
    /// The trainer's complete state now (a deep snapshot: later training does not change it).
    public var state: TrainerState {
        let opt = optimizer.state
        return TrainerState(
            network: network.stateDict, optimizer: opt,
            progress: .init(iteration: iteration, epoch: epoch, history: history, generator: samplerGenerator,
                            networkGenerators: network.randomGenerators, epochOrder: currentEpochOrder,
                            optimizerKind: optimizer.kind, optimizerStep: opt.step))
    }

    /// Puts the trainer, its network and its optimizer back into `state`.
    /// - Throws: ``TrainingError/invalidState(_:)`` when the state belongs to another
    ///   optimizer kind, another network (names, shapes, dropout layers) or a longer run;
    ///   ``NetworkStateError`` / ``OptimizerStateError`` details are in the message.
    public func restore(_ state: TrainerState) throws {
        let p = state.progress
        guard p.optimizerKind == optimizer.kind else {
            throw TrainingError.invalidState("the state was saved with optimizer \(p.optimizerKind.rawValue), this run uses \(optimizer.kind.rawValue)")
        }
        guard p.iteration >= 0 && p.iteration <= maxIterations else {
            throw TrainingError.invalidState("the state is at iteration \(p.iteration), but this run has \(maxIterations) iterations")
        }
        guard p.networkGenerators.count == network.randomGenerators.count else {
            throw TrainingError.invalidState("the state has \(p.networkGenerators.count) dropout generators, the network \(network.randomGenerators.count)")
        }
        if !p.epochOrder.isEmpty && p.epochOrder.count != xTrain.sampleCount {
            throw TrainingError.invalidState("the state's epoch order covers \(p.epochOrder.count) samples, the data has \(xTrain.sampleCount)")
        }
        do {
            try network.load(stateDict: state.network)
            var opt = state.optimizer
            opt.step = p.optimizerStep
            try optimizer.load(state: opt)
        } catch {
            throw TrainingError.invalidState("\(error)")
        }
        network.randomGenerators = p.networkGenerators
        restoreProgress(iteration: p.iteration, epoch: p.epoch, history: p.history, generator: p.generator, epochOrder: p.epochOrder)
    }
}
