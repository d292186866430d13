import CKisoKernels
import Foundation
import Kiso
import Testing

/// The thread pool under `Kernels.parallelFor` and `Kernels.parallelParts`: every index is visited exactly once, whatever
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

    /// Runs parallelParts and records, per part, how often it ran and which participant ran it,
    /// and whether two parts ever ran at once under one participant index.
    func claimedParts(_ parts: Int, participants: Int) -> (runs: [Int], participants: [Int], clashes: Int) {
        let log = PartLog(parts: parts)
        Kernels.parallelParts(parts, participants: participants) { part, participant in
            log.start(part, participant)
            var spin = 0
            for i in 0..<(200 * (part % 7 + 1)) { spin &+= i }   // parts of uneven lengths
            log.finish(participant, spin)
        }
        return log.result
    }

    @Test func everyClaimedPartRunsOnceOnADistinctParticipant() {
        withTwoOrMoreThreads {
            for (parts, participants) in [(1, 2), (2, 2), (8, 2), (37, 2), (5, 3), (1000, 2)] {
                let (runs, seen, clashes) = claimedParts(parts, participants: participants)
                #expect(runs == [Int](repeating: 1, count: parts), "\(parts) parts")
                #expect(seen.allSatisfy { (0..<participants).contains($0) }, "\(parts) parts: participants \(Set(seen))")
                #expect(clashes == 0, "\(parts) parts")
            }
        }
    }

    /// A pool started with more workers than a job asks for lets only the job's own number take part.
    @Test func aJobTakesNoMoreParticipantsThanItAsksFor() {
        let saved = Kernels.maxThreads
        Kernels.maxThreads = 4
        _ = visits(count: 100, grain: 1)   // starts 3 workers
        Kernels.maxThreads = saved
        for _ in 0..<50 {
            let (runs, seen, clashes) = claimedParts(64, participants: 2)
            #expect(runs == [Int](repeating: 1, count: 64))
            #expect(Set(seen).isSubset(of: [0, 1]), "participants \(Set(seen))")
            #expect(clashes == 0)
        }
    }

    /// A nested call runs inline on the thread of the outer part and sees participant 0 only.
    @Test func nestedClaimedPartsRunInlineAsParticipantZero() {
        withTwoOrMoreThreads {
            let inner = PartLog(parts: 4 * 5)
            Kernels.parallelParts(4, participants: 2) { outer, _ in
                Kernels.parallelParts(5, participants: 2) { part, participant in
                    inner.start(outer * 5 + part, participant)
                    inner.finish(participant, 0)
                }
            }
            let (runs, seen, _) = inner.result
            #expect(runs == [Int](repeating: 1, count: 20))
            #expect(seen.allSatisfy { $0 == 0 })
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

/// Which participant ran each part, how often each part ran, and whether a participant index
/// was ever in use by two running parts at once (the per-participant scratch would then be shared).
final class PartLog: @unchecked Sendable {
    private var runs: [Int], participants: [Int], busy = Set<Int>(), clashes = 0
    private let lock = NSLock()
    init(parts: Int) { (runs, participants) = ([Int](repeating: 0, count: parts), [Int](repeating: -1, count: parts)) }
    func start(_ part: Int, _ participant: Int) {
        lock.lock(); defer { lock.unlock() }
        runs[part] += 1
        participants[part] = participant
        if !busy.insert(participant).inserted { clashes += 1 }
    }
    func finish(_ participant: Int, _ work: Int) {
        lock.lock(); defer { lock.unlock() }
        busy.remove(participant)
    }
    var result: (runs: [Int], participants: [Int], clashes: Int) {
        lock.lock(); defer { lock.unlock() }
        return (runs, participants, clashes)
    }
}

/// One Bool per caller thread, guarded by a lock.
final class ResultsBox: @unchecked Sendable {
    private var values: [Bool]
    private let lock = NSLock()
    init(count: Int) { values = [Bool](repeating: false, count: count) }
    func set(_ index: Int, _ value: Bool) { lock.lock(); values[index] = value; lock.unlock() }
    var all: Bool { lock.lock(); defer { lock.unlock() }; return values.allSatisfy { $0 } }
}
