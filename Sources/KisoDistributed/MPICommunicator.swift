#if MPI
import CMPI
import Foundation

/// The processes of an MPI job (`MPI_COMM_WORLD`), with the few collectives data-parallel
/// training needs: broadcast, and blocking or non-blocking sums of float32 and float64
/// buffers.
///
/// Errors are fatal (`MPI_ERRORS_ARE_FATAL`): an MPI failure — a peer that died, a broken
/// connection — ends the whole job through Open MPI, which kills every rank and makes
/// `mpirun` exit non-zero, rather than leaving the others waiting. MPI is initialised for calls
/// from several threads, one at a time (`MPI_THREAD_SERIALIZED`): every call goes through one
/// lock, so the training thread and ``MPIBackgroundProgress``'s thread can share the
/// communicator. Kiso's kernel threads never call MPI.
///
/// Waiting polls (`MPI_Testall`) without pause for half a millisecond, then with short sleeps,
/// instead of Open MPI's endless busy wait, so that a rank that is ahead leaves the cores to
/// the ranks still computing — which matters whenever ranks share cores with each other or
/// with other work.
public final class MPICommunicator {
    /// This process's index in the job, `0..<size`.
    public let rank: Int
    /// The number of processes in the job.
    public let size: Int
    /// Whether MPI accepted calls from more than one thread (one at a time); without it only
    /// the thread that initialised MPI may call it, and no background progress runs.
    public let allowsSerializedThreads: Bool
    private let comm: MPI_Comm?
    /// Held around every MPI call (see the type's documentation).
    private let lock = NSLock()

    private nonisolated(unsafe) static var shared: MPICommunicator?

    /// The world communicator, initialising MPI on the first call (later calls return the
    /// same object). Run under `mpirun`, or alone as a job of one.
    /// - Throws: ``DistributedError/mpi(call:message:)`` when MPI cannot start.
    public static func world() throws -> MPICommunicator {
        if let shared { return shared }
        var initialized: Int32 = 0
        var provided: Int32 = 0
        MPI_Initialized(&initialized)
        if initialized == 0 {
            // Open MPI's non-blocking allreduce picks among several algorithms; the ring (the one
            // docs/DISTRIBUTED.md models) was the fastest for Kiso's gradients on loopback.
            // OMPI_MCA_coll_libnbc_iallreduce_algorithm in the environment overrides it.
            setenv("OMPI_MCA_coll_libnbc_iallreduce_algorithm", "1", 0)
            try check(MPI_Init_thread(nil, nil, kiso_mpi_thread_serialized(), &provided), "MPI_Init_thread")
        } else {
            try check(MPI_Query_thread(&provided), "MPI_Query_thread")
        }
        let comm = kiso_mpi_comm_world()
        try check(MPI_Comm_set_errhandler(comm, kiso_mpi_errors_are_fatal()), "MPI_Comm_set_errhandler")
        var rank: Int32 = 0, size: Int32 = 0
        try check(MPI_Comm_rank(comm, &rank), "MPI_Comm_rank")
        try check(MPI_Comm_size(comm, &size), "MPI_Comm_size")
        let world = MPICommunicator(comm: comm, rank: Int(rank), size: Int(size),
                                    allowsSerializedThreads: provided >= kiso_mpi_thread_serialized())
        shared = world
        return world
    }

    private init(comm: MPI_Comm?, rank: Int, size: Int, allowsSerializedThreads: Bool) {
        self.comm = comm
        self.rank = rank
        self.size = size
        self.allowsSerializedThreads = allowsSerializedThreads
    }

    /// Runs `call` (one MPI call) holding the communicator's lock and turns a failure code into
    /// ``DistributedError/mpi(call:message:)``.
    private func serialized(_ name: String, _ call: () -> Int32) throws {
        lock.lock()
        let code = call()
        lock.unlock()
        try Self.check(code, name)
    }

    /// Copies rank `root`'s `buffer` into every other rank's `buffer` (same count everywhere).
    public func broadcast(_ buffer: UnsafeMutableBufferPointer<Float>, root: Int = 0) throws {
        guard let base = buffer.baseAddress, !buffer.isEmpty else { return }
        try serialized("MPI_Bcast") { MPI_Bcast(base, Int32(buffer.count), kiso_mpi_float(), Int32(root), comm) }
    }

    /// Replaces `buffer` on every rank by the element-wise sum of all ranks' buffers.
    public func sumInPlace(_ buffer: UnsafeMutableBufferPointer<Float>) throws {
        guard let base = buffer.baseAddress, !buffer.isEmpty else { return }
        try serialized("MPI_Allreduce") {
            MPI_Allreduce(kiso_mpi_in_place(), base, Int32(buffer.count), kiso_mpi_float(), kiso_mpi_sum(), comm)
        }
    }

    /// The element-wise sums of `values` over all ranks, in float64.
    public func sum(_ values: [Double]) throws -> [Double] {
        var result = values
        try result.withUnsafeMutableBufferPointer { buffer in
            guard let base = buffer.baseAddress, !buffer.isEmpty else { return }
            var sums = [PendingCollective(request: kiso_mpi_request_null())]
            try serialized("MPI_Iallreduce") {
                MPI_Iallreduce(kiso_mpi_in_place(), base, Int32(buffer.count), kiso_mpi_double(), kiso_mpi_sum(), comm, &sums[0].request)
            }
            try waitAll(&sums)
        }
        return result
    }

    /// Starts summing `buffer` over all ranks in place (`MPI_Iallreduce`) and returns at once.
    /// `buffer` must stay allocated and untouched until the request completes
    /// (``waitAll(_:)``).
    public func startSum(_ buffer: UnsafeMutableBufferPointer<Float>) throws -> PendingCollective {
        var request = kiso_mpi_request_null()
        if let base = buffer.baseAddress, !buffer.isEmpty {
            try serialized("MPI_Iallreduce") {
                MPI_Iallreduce(kiso_mpi_in_place(), base, Int32(buffer.count), kiso_mpi_float(), kiso_mpi_sum(), comm, &request)
            }
        }
        return PendingCollective(request: request)
    }

    /// Starts the exchange of a reduce-scatter in point-to-point messages and returns at once:
    /// part q of `send` (`counts[q]` floats from `displacements[q]`) goes to rank q, for every
    /// other rank q, and the other ranks' parts for this rank arrive in `incoming`, one after
    /// another in rank order (`counts[rank]` floats each). Adding them up is the caller's
    /// (`MPI_Ireduce_scatter` of Open MPI's non-blocking collectives reduces everything on rank 0
    /// and scatters from there, which puts all the work and traffic on one rank). `tag` tells
    /// concurrent exchanges apart. The buffers and arrays must stay allocated and untouched
    /// until the requests complete.
    public func startPartExchange(_ send: UnsafeMutableBufferPointer<Float>, counts: UnsafePointer<Int32>,
                                  displacements: UnsafePointer<Int32>, incoming: UnsafeMutablePointer<Float>,
                                  tag: Int32) throws -> [PendingCollective] {
        guard let base = send.baseAddress else { return [] }
        var requests: [PendingCollective] = []
        let own = Int(counts[rank])
        var slot = 0
        for peer in 0..<size where peer != rank {
            if own > 0 {
                var request = kiso_mpi_request_null()
                let destination = incoming + slot * own
                try serialized("MPI_Irecv") { MPI_Irecv(destination, Int32(own), kiso_mpi_float(), Int32(peer), tag, comm, &request) }
                requests.append(PendingCollective(request: request))
            }
            slot += 1
        }
        for peer in 0..<size where peer != rank && counts[peer] > 0 {
            var request = kiso_mpi_request_null()
            try serialized("MPI_Isend") {
                MPI_Isend(base + Int(displacements[peer]), counts[peer], kiso_mpi_float(), Int32(peer), tag, comm, &request)
            }
            requests.append(PendingCollective(request: request))
        }
        return requests
    }

    /// Starts `MPI_Iallgatherv` in place and returns at once: rank r's `counts[r]` floats at
    /// `buffer + displacements[r]` are copied to the same place on every other rank. The buffer
    /// and both arrays (one entry per rank) must stay allocated and untouched until the request
    /// completes.
    public func startGather(_ buffer: UnsafeMutableBufferPointer<Float>, counts: UnsafePointer<Int32>,
                            displacements: UnsafePointer<Int32>) throws -> PendingCollective {
        var request = kiso_mpi_request_null()
        if let base = buffer.baseAddress, !buffer.isEmpty {
            try serialized("MPI_Iallgatherv") {
                MPI_Iallgatherv(kiso_mpi_in_place(), 0, kiso_mpi_float(), base, counts, displacements, kiso_mpi_float(), comm, &request)
            }
        }
        return PendingCollective(request: request)
    }

    /// Lets the pending sums advance without waiting (MPI progresses non-blocking
    /// collectives only inside MPI calls); returns whether all of them have completed.
    @discardableResult
    public func progress(_ sums: inout [PendingCollective]) throws -> Bool {
        var requests = sums.map(\.request)
        var done: Int32 = 0
        try serialized("MPI_Testall") { MPI_Testall(Int32(requests.count), &requests, &done, kiso_mpi_statuses_ignore()) }
        for i in sums.indices { sums[i].request = requests[i] }
        return done != 0
    }

    /// Waits until every sum in `sums` has completed: polls without pause for up to
    /// `spinMicroseconds` (the peers are usually running, and each round of the allreduce
    /// needs every rank to poll), then sleeps between polls.
    public func waitAll(_ sums: inout [PendingCollective], spinMicroseconds: UInt64 = 500) throws {
        let start = DispatchTime.now().uptimeNanoseconds
        while try !progress(&sums) {
            if DispatchTime.now().uptimeNanoseconds - start > spinMicroseconds * 1000 { usleep(20) }
        }
    }

    /// Waits until every rank has reached this call.
    public func barrier() throws {
        try serialized("MPI_Barrier") { MPI_Barrier(comm) }
    }

    /// Ends the job: every rank is killed and `mpirun` exits with `status`.
    public func abort(status: Int32) -> Never {
        MPI_Abort(comm, status)
        fatalError("MPI_Abort returned")
    }

    /// Shuts MPI down cleanly; call once, on every rank, after the last collective.
    public func finalize() throws {
        var finalized: Int32 = 0
        MPI_Finalized(&finalized)
        if finalized == 0 { try serialized("MPI_Finalize") { MPI_Finalize() } }
    }

    private static func check(_ code: Int32, _ call: String) throws {
        guard code != kiso_mpi_success() else { return }
        var text = [CChar](repeating: 0, count: Int(kiso_mpi_max_error_string()) + 1)
        var length: Int32 = 0
        MPI_Error_string(code, &text, &length)
        throw DistributedError.mpi(call: call, message: String(decoding: text.prefix(Int(length)).map { UInt8(bitPattern: $0) }, as: UTF8.self))
    }
}

/// A non-blocking operation started by ``MPICommunicator/startSum(_:)``,
/// ``MPICommunicator/startPartExchange(_:counts:displacements:incoming:tag:)`` or
/// ``MPICommunicator/startGather(_:counts:displacements:)``, not yet waited for.
public struct PendingCollective {
    fileprivate var request: MPI_Request?
}
#endif
