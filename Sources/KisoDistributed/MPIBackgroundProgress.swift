#if MPI
import Foundation

/// The non-blocking sums of one training step, and a thread that keeps them moving while the
/// training thread computes.
///
/// Open MPI advances a non-blocking allreduce only inside MPI calls. Backward makes none while a
/// convolution layer computes, so without help a sum started after the last affine layer would
/// sit still until the step waits for it, and the communication would not overlap anything.
/// While sums are in flight, this object's thread calls `MPI_Testall` on them every
/// `pollInterval` microseconds (sleeping in between, so it takes little from the cores the
/// ranks compute on) and goes back to waiting on a condition when they are done.
///
/// Needs MPI's `MPI_THREAD_SERIALIZED` (``MPICommunicator/allowsSerializedThreads``); without
/// it no thread is started and the sums progress only in ``progress()`` and ``waitAll()``,
/// called by the training thread.
final class MPIBackgroundProgress: @unchecked Sendable {
    private let communicator: MPICommunicator
    private let pollInterval: UInt32
    /// Guards `pending`, `stopping` and `failure`; the thread waits on it while nothing is in flight.
    private let condition = NSCondition()
    private var pending: [PendingCollective] = []
    private var stopping = false
    private var failure: (any Error)?
    private var thread: Thread?
    private let exited = DispatchSemaphore(value: 0)

    /// Progress for the sums of `communicator`, polled every `pollInterval` microseconds by a
    /// thread of its own when MPI allows it (the trainer's default is 200 µs,
    /// `KISO_MPI_POLL_MICROSECONDS` overrides it).
    init(communicator: MPICommunicator, pollInterval: UInt32 = 200) {
        self.communicator = communicator
        self.pollInterval = pollInterval
        guard communicator.allowsSerializedThreads else { return }
        let thread = Thread { self.run() }   // holds self until stop()
        thread.name = "kiso-mpi-progress"
        thread.stackSize = 1 << 18
        self.thread = thread
        thread.start()
    }

    /// Starts the operations that `begin` starts on the communicator, and keeps them moving.
    func start(_ begin: (MPICommunicator) throws -> [PendingCollective]) throws {
        let started = try begin(communicator)
        guard !started.isEmpty else { return }
        condition.lock()
        pending.append(contentsOf: started)
        condition.signal()
        condition.unlock()
    }

    /// Lets the sums in flight advance once, from the calling thread, without waiting.
    func progress() throws {
        condition.lock()
        defer { condition.unlock() }
        try testPending()
    }

    /// Returns when every sum started since the last wait has completed: polls without pause
    /// for `spinMicroseconds` (each round of the allreduce needs every rank to poll), then with
    /// short sleeps, leaving the cores to ranks still computing.
    /// - Throws: the first MPI error met by either thread.
    func waitAll(spinMicroseconds: UInt64 = 500) throws {
        let start = DispatchTime.now().uptimeNanoseconds
        condition.lock()
        defer { condition.unlock() }
        while true {
            try testPending()
            if pending.isEmpty { return }
            condition.unlock()
            if DispatchTime.now().uptimeNanoseconds - start > spinMicroseconds * 1000 { usleep(20) }
            condition.lock()
        }
    }

    /// Ends the thread (idempotent); call before MPI is finalised. The thread keeps this
    /// object alive until then.
    func stop() {
        condition.lock()
        let running = thread != nil && !stopping
        stopping = true
        condition.signal()
        condition.unlock()
        if running { exited.wait() }
    }

    /// One `MPI_Testall` over the pending sums, forgetting them once all are done; rethrows a
    /// failure the background thread met. Call holding `condition`.
    private func testPending() throws {
        if let failure {
            self.failure = nil
            pending.removeAll()
            throw failure
        }
        if !pending.isEmpty, try communicator.progress(&pending) { pending.removeAll(keepingCapacity: true) }
    }

    private func run() {
        condition.lock()
        while true {
            while pending.isEmpty && !stopping { condition.wait() }
            if stopping { break }
            do {
                if try communicator.progress(&pending) { pending.removeAll(keepingCapacity: true) }
            } catch {
                failure = error
            }
            condition.unlock()
            usleep(pollInterval)
            condition.lock()
            while failure != nil && !stopping { condition.wait() }   // until waitAll has reported it
        }
        condition.unlock()
        exited.signal()
    }
}
#endif
