import CKisoKernels
import Foundation
import Kiso
import Testing

/// The thread pool under `Kernels.parallelFor`: every index is visited exactly once, whatever
/// the split, nesting, or number of callers; chunks run with flush-to-zero on.
@Suite(.serialized) struct ParallelTests {
    /// Runs parallelFor with the pool's full width (at least 2 threads even on one core), then
    /// restores `maxThreads`.
    func withTwoOrMoreThreads(_ body: () -> Void) {
        let saved = Kernels.maxThreads
        Kernels.maxThreads = Swift.max(2, saved)
        body()
        Kernels.maxThreads = saved
    }

    /// Counts visits per index; each chunk writes only its own range.
    func visits(count: Int, grain: Int) -> [Int] {
        var counts = [Int](repeating: 0, count: count)
        counts.withUnsafeMutableBufferPointer { buffer in
            let base = UnsafeSendableCounter(buffer.baseAddress!)
            Kernels.parallelFor(count, grain: grain) { range in
                for i in range { base.pointer[i] += 1 }
            }
        }
        return counts
    }

    @Test func everyIndexIsVisitedOnceForManySizesAndGrains() {
        withTwoOrMoreThreads {
            for count in [1, 2, 3, 7, 64, 1000, 4097] {
                for grain in [1, 3, 100] {
                    #expect(visits(count: count, grain: grain) == [Int](repeating: 1, count: count),
                            "count \(count), grain \(grain)")
                }
            }
        }
    }

    @Test func aThousandShortLoopsInARowAllComplete() {
        withTwoOrMoreThreads {
            var total = 0
            for round in 0..<1000 {
                let counts = visits(count: 2 + round % 5, grain: 1)
                total += counts.reduce(0, +)
            }
            #expect(total == (0..<1000).reduce(0) { $0 + 2 + $1 % 5 })
        }
    }

    @Test func nestedLoopsRunInlineAndVisitEverything() {
        withTwoOrMoreThreads {
            let outer = 4, inner = 50
            var counts = [Int](repeating: 0, count: outer * inner)
            counts.withUnsafeMutableBufferPointer { buffer in
                let base = UnsafeSendableCounter(buffer.baseAddress!)
                Kernels.parallelFor(outer) { rows in
                    for row in rows {
                        Kernels.parallelFor(inner) { columns in
                            for column in columns { base.pointer[row * inner + column] += 1 }
                        }
                    }
                }
            }
            #expect(counts == [Int](repeating: 1, count: outer * inner))
        }
    }

    @Test func loopsFromSeveralThreadsAtOnceAllComplete() {
        withTwoOrMoreThreads {
            let callers = 4
            let results = ResultsBox(count: callers)
            DispatchQueue.concurrentPerform(iterations: callers) { caller in
                var ok = true
                for _ in 0..<200 {
                    ok = ok && visits(count: 37, grain: 1) == [Int](repeating: 1, count: 37)
                }
                results.set(caller, ok)
            }
            #expect(results.all)
        }
    }

    @Test func chunksRunWithFlushToZeroOnEveryThread() {
        withTwoOrMoreThreads {
            let count = 8
            var flags = [Int32](repeating: 0, count: count)
            flags.withUnsafeMutableBufferPointer { buffer in
                let base = UnsafeSendableCounter(buffer.baseAddress!)
                Kernels.parallelFor(count) { range in
                    for i in range { base.pointer[i] = kiso_ftz_active() }
                }
            }
            #expect(flags.allSatisfy { $0 == 1 })
        }
    }

    @Test func thePoolStartsWorkersForTwoThreads() {
        withTwoOrMoreThreads {
            _ = visits(count: 100, grain: 1)
            #expect(Kernels.poolWorkerCount >= 1)
        }
    }
}

/// A pointer handed to parallel chunks that write disjoint elements.
struct UnsafeSendableCounter<T>: @unchecked Sendable {
    let pointer: UnsafeMutablePointer<T>
    init(_ pointer: UnsafeMutablePointer<T>) { self.pointer = pointer }
}

/// One Bool per caller thread, guarded by a lock.
final class ResultsBox: @unchecked Sendable {
    private var values: [Bool]
    private let lock = NSLock()
    init(count: Int) { values = [Bool](repeating: false, count: count) }
    func set(_ index: Int, _ value: Bool) { lock.lock(); values[index] = value; lock.unlock() }
    var all: Bool { lock.lock(); defer { lock.unlock() }; return values.allSatisfy { $0 } }
}
