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
            let box = UnsafeSendableBox(body)
            DispatchQueue.concurrentPerform(iterations: chunks) { c in
                let start = count * c / chunks, end = count * (c + 1) / chunks
                if start < end {
                    let state = kiso_ftz_enter()
                    box.value(start..<end)
                    kiso_ftz_restore(state)
                }
            }
        }
    }
}

/// Carries a non-Sendable value into `concurrentPerform`, whose chunks never share writes.
struct UnsafeSendableBox<T>: @unchecked Sendable {
    let value: T
    init(_ value: T) { self.value = value }
}
