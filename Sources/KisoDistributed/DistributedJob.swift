import KisoNN

#if MPI
/// Whether this build of Kiso can train data-parallel (it was built with the trait `MPI`).
public let distributedTrainingIsAvailable = true
#else
/// Whether this build of Kiso can train data-parallel (it was built with the trait `MPI`).
public let distributedTrainingIsAvailable = false
#endif

/// This process's part in a data-parallel job started by `mpirun`: its rank, the job's size,
/// and the coordinator a ``Trainer`` uses to combine gradients.
public final class DistributedJob {
    /// This process's index, `0..<worldSize`; rank 0 reports and saves.
    public let rank: Int
    /// The number of processes in the job.
    public let worldSize: Int
    #if MPI
    private let communicator: MPICommunicator
    private var averager: MPIGradientAverager?
    #endif

    /// Whether any rank had been asked to stop at the last step (the same answer on every
    /// rank, so all of them stop at the same iteration).
    public var stopRequested: Bool {
        #if MPI
        averager?.stopRequestedByAnyRank ?? false
        #else
        false
        #endif
    }

    /// Joins the job (initialising MPI).
    /// - Throws: ``DistributedError/notBuilt`` in a build without the trait `MPI`;
    ///   ``DistributedError/mpi(call:message:)`` when MPI cannot start.
    public init() throws {
        #if MPI
        communicator = try MPICommunicator.world()
        rank = communicator.rank
        worldSize = communicator.size
        #else
        throw DistributedError.notBuilt
        #endif
    }

    /// The coordinator that averages `network`'s gradients over the job; `localStopRequest`
    /// tells whether this rank has been asked to stop (see ``stopRequested``).
    public func coordinator(for network: any Network, localStopRequest: @escaping () -> Bool) -> any DataParallelCoordinator {
        #if MPI
        let averager = MPIGradientAverager(communicator: communicator, network: network)
        averager.localStopRequest = localStopRequest
        self.averager = averager
        return averager
        #else
        fatalError("unreachable: a DistributedJob cannot exist without MPI")
        #endif
    }

    /// Leaves the job cleanly (MPI_Finalize): call on every rank after the last collective.
    public func finish() throws {
        #if MPI
        averager?.stop()
        try communicator.finalize()
        #endif
    }
}
