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

    /// How many worker threads Kiso's pool has started (it starts them on the first parallel loop).
    public static var poolWorkerCount: Int { Int(kiso_pool_worker_count()) }
}

/// The closure and split of one ``Kernels/parallelFor(_:grain:_:)`` call, read by every chunk.
private struct ParallelJob {
    let body: (Range<Int>) -> Void
    let count: Int
    let chunks: Int
}

/// Carries a non-Sendable value (a pointer) into the chunks of a parallel loop, which never share writes.
struct UnsafeSendableBox<T>: @unchecked Sendable {
    let value: T
    init(_ value: T) { self.value = value }
}
