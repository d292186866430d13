import CKisoKernels
import Dispatch
import Foundation

extension Kernels {
    /// How many threads the kernels may use: the `KISO_THREADS` environment variable when
    /// set, else the number of active processors. Set it before starting work (e.g. to 1
    /// to measure single-thread speed); it is read, not synchronised, by the kernels.
    nonisolated(unsafe) public static var maxThreads: Int = {
        if let text = ProcessInfo.processInfo.environment["KISO_THREADS"], let n = Int(text), n > 0 { return n }
        return Swift.max(1, ProcessInfo.processInfo.activeProcessorCount)
    }()

    /// Runs `body` over `0..<count` split into at most ``maxThreads`` contiguous chunks
    /// of at least `grain` items, in parallel; runs inline when one chunk suffices.
    /// `body` must only write to memory no other chunk touches. Each chunk runs with
    /// flush-to-zero and denormals-are-zero on (see ``withFlushToZero(_:)``), inline or not,
    /// so results do not depend on how the work was split.
    ///
    /// The chunks run on Kiso's persistent thread pool (`kiso_parallel_run` in CKisoKernels):
    /// the calling thread takes part, and idle workers spin briefly before sleeping, so a
    /// parallel loop costs a few microseconds rather than the tens an OS wake-up takes. A call
    /// made while the pool is busy (from inside a chunk, or from another thread) runs its
    /// chunks on the calling thread.
    public static func parallelFor(_ count: Int, grain: Int = 1, _ body: (Range<Int>) -> Void) {
        if count <= 0 { return }
        let chunks = Swift.min(maxThreads, Swift.max(1, count / Swift.max(grain, 1)))
        if chunks <= 1 {
            let state = kiso_ftz_enter()
            body(0..<count)
            kiso_ftz_restore(state)
            return
        }
        withoutActuallyEscaping(body) { body in
            var job = ParallelJob(body: body, count: count, chunks: chunks)
            withUnsafeMutablePointer(to: &job) { pointer in
                kiso_parallel_run(chunks, Int32(Swift.min(chunks, Int(Int32.max))), { context, chunk in
                    let job = context!.assumingMemoryBound(to: ParallelJob.self)
                    let c = Int(chunk), count = job.pointee.count, chunks = job.pointee.chunks
                    let start = count * c / chunks, end = count * (c + 1) / chunks
                    if start < end { job.pointee.body(start..<end) }
                }, pointer)
            }
        }
    }

    /// Runs `body(part, participant)` once for every part in `0..<parts`, on up to `participants`
    /// threads of the pool that claim the parts one at a time as they go, so that a thread the
    /// system delays does fewer parts rather than holding up the others (as with
    /// ``parallelFor(_:grain:_:)``, flush-to-zero is on and nested calls run inline, in order).
    /// `participant`, in `0..<participants`, tells the threads apart: no two parts running at
    /// the same time see the same one, so it can index per-thread scratch memory. Which parts a
    /// thread runs varies from call to call, so each part must write only memory of its own or
    /// of its participant's.
    public static func parallelParts(_ parts: Int, participants: Int, _ body: (_ part: Int, _ participant: Int) -> Void) {
        if parts <= 0 { return }
        let threads = Swift.max(1, Swift.min(participants, parts))
        withoutActuallyEscaping(body) { body in
            var job = ClaimedJob(body: body)
            withUnsafeMutablePointer(to: &job) { pointer in
                kiso_parallel_run(parts, Int32(Swift.min(threads, Int(Int32.max))), { context, part in
                    context!.assumingMemoryBound(to: ClaimedJob.self).pointee.body(Int(part), Int(kiso_pool_participant()))
                }, pointer)
            }
        }
    }

    /// How many worker threads Kiso's pool has started (it starts them on the first parallel loop).
    public static var poolWorkerCount: Int { Int(kiso_pool_worker_count()) }
}

/// The closure and split of one ``Kernels/parallelFor(_:grain:_:)`` call, read by every chunk.
private struct ParallelJob {
    let body: (Range<Int>) -> Void
    let count: Int
    let chunks: Int
}

/// The closure of one ``Kernels/parallelParts(_:participants:_:)`` call, read by every part.
private struct ClaimedJob {
    let body: (Int, Int) -> Void
}

/// Carries a non-Sendable value (a pointer) into the chunks of a parallel loop, which never share writes.
struct UnsafeSendableBox<T>: @unchecked Sendable {
    let value: T
    init(_ value: T) { self.value = value }
}
