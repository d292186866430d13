import ArgumentParser
import Dispatch
import Foundation
import Kiso

/// `kiso bench kernels`: sgemm GFLOPS at the book's shapes and two large squares, with 1 and
/// 2 threads, and element-wise throughput in GB/s, on the dispatch path chosen at start-up.
public struct KernelsBenchmark: ParsableCommand {
    public static let configuration = CommandConfiguration(
        commandName: "kernels",
        abstract: "sgemm GFLOPS and element-wise GB/s of the compute kernels (best of several runs)."
    )

    @Flag(help: "Print one JSON object instead of tables.")
    var json = false

    @Option(help: "Timed samples per measurement; the best is reported.")
    var repeats = 7

    @Option(help: "Force an instruction-set path (portable, avx2, avx512, neon) instead of the best one.")
    var path: String?

    @Option(help: "Only these (M,K,N) shapes, e.g. '100x784x50,1000x1000x1000'.")
    var shapes: String?

    @Flag(help: "Time single-thread rows by the thread's CPU time, not the wall clock (steadier on a busy machine; rows with more threads stay on the wall clock).")
    var cpuClock = false

    @Flag(help: ArgumentHelp(
        "Answer timing requests read from standard input instead of printing tables.",
        discussion: "Each line 'MxKxN threads' is answered with one JSON line: the seconds per call of one timed sample of that sgemm (≥ 20 ms of calls; a warm-up the first time a shape and thread count are asked for), or an 'error'. For scripts that alternate with another library sample by sample (Benchmarks/kernels_vs_numpy.py --interleave)."))
    var samplesFromStdin = false

    public init() {}

    public func validate() throws {
        if samplesFromStdin && (shapes != nil || json) {
            throw ValidationError("--samples-from-stdin reads its shapes from standard input and answers in JSON: drop --shapes and --json")
        }
        guard repeats > 0 else { throw ValidationError("--repeats must be at least 1") }
    }

    /// The shapes of the issue: the book's products (Affine forward/backward, im2col convolutions)
    /// and two large squares.
    static let defaultShapes: [(m: Int, k: Int, n: Int)] = [
        (100, 784, 50), (100, 50, 10), (57600, 25, 30), (4320, 144, 16), (1000, 1000, 1000), (2048, 2048, 2048),
    ]

    struct GemmRow: Codable { let m, k, n, threads: Int; let gflops: Double; let seconds: Double }
    struct ElementwiseRow: Codable { let op: String; let elements, threads: Int; let gbps: Double }
    struct Report: Codable {
        let path: String
        let gemmBackend: String
        let bestPath: String
        let supportedPaths: [String]
        let maxThreads: Int
        let clock: String
        let sgemm: [GemmRow]
        let elementwise: [ElementwiseRow]
        let parallelForMicroseconds: Double
    }

    public func run() throws {
        if let path {
            guard let p = KernelPath(rawValue: path) else { throw ValidationError("unknown path '\(path)'; expected one of \(KernelPath.allCases.map(\.rawValue))") }
            guard Kernels.forcePath(p) else { throw ValidationError("this CPU cannot run the \(path) path") }
        }
        if samplesFromStdin {
            serveSamples()
            return
        }
        let shapeList = try shapes.map(Self.parseShapes) ?? Self.defaultShapes
        let savedThreads = Kernels.maxThreads
        defer { Kernels.maxThreads = savedThreads }
        let threadCounts = savedThreads >= 2 ? [1, 2] : [1]
        if !json {
            print("gemm backend: \(Kernels.gemmBackend.rawValue); dispatch path: \(Kernels.dispatchPath.rawValue) (best: \(Kernels.bestPath.rawValue); supported: \(Kernels.supportedPaths.map(\.rawValue).joined(separator: ", ")))")
            print("sgemm, float32, best of \(repeats):")
            print("      M      K      N  threads    GFLOPS")
        }
        var gemmRows: [GemmRow] = []
        for s in shapeList {
            for t in threadCounts {
                Kernels.maxThreads = t
                let seconds = measureGemm(m: s.m, k: s.k, n: s.n)
                let row = GemmRow(m: s.m, k: s.k, n: s.n, threads: t, gflops: 2.0 * Double(s.m * s.k * s.n) / seconds / 1e9, seconds: seconds)
                gemmRows.append(row)
                if !json { print(pad(s.m, 7) + pad(s.k, 7) + pad(s.n, 7) + pad(t, 9) + pad(String(format: "%.1f", row.gflops), 10)) }
            }
        }
        if !json { print("element-wise, 2^20 float32 elements, best of \(repeats):"); print("  op        threads    GB/s") }
        var elementRows: [ElementwiseRow] = []
        for t in threadCounts {
            Kernels.maxThreads = t
            for row in measureElementwise(count: 1 << 20, threads: t) {
                elementRows.append(row)
                if !json { print("  " + row.op.padding(toLength: 8, withPad: " ", startingAt: 0) + pad(t, 9) + pad(String(format: "%.1f", row.gbps), 8)) }
            }
        }
        Kernels.maxThreads = savedThreads
        let overhead = Self.parallelForOverhead(threads: savedThreads, repeats: repeats)
        if !json { print(String(format: "parallelFor over %d threads: %.1f µs more than one 50 µs chunk", savedThreads, overhead)) }
        if json {
            let report = Report(path: Kernels.dispatchPath.rawValue, gemmBackend: Kernels.gemmBackend.rawValue, bestPath: Kernels.bestPath.rawValue,
                                supportedPaths: Kernels.supportedPaths.map(\.rawValue), maxThreads: savedThreads,
                                clock: cpuClock ? "cpu for 1 thread, wall otherwise" : "wall",
                                sgemm: gemmRows, elementwise: elementRows, parallelForMicroseconds: overhead)
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.sortedKeys]
            print(String(decoding: try encoder.encode(report), as: UTF8.self))
        }
    }

    /// Parses 'MxKxN[,MxKxN…]': positive sizes whose A, B and C hold at most
    /// ``largestProductFloats`` floats together.
    static func parseShapes(_ text: String) throws -> [(m: Int, k: Int, n: Int)] {
        try text.split(separator: ",", omittingEmptySubsequences: false).map { item in
            let parts = item.split(separator: "x", omittingEmptySubsequences: false).map { Int($0) }
            guard parts.count == 3, let m = parts[0], let k = parts[1], let n = parts[2], m > 0, k > 0, n > 0 else {
                throw ValidationError("bad shape '\(item)': expected MxKxN, three positive whole numbers")
            }
            let floats = [m.multipliedReportingOverflow(by: k), k.multipliedReportingOverflow(by: n), m.multipliedReportingOverflow(by: n)]
            guard floats.allSatisfy({ !$0.overflow && $0.partialValue <= largestProductFloats }),
                  floats.reduce(0, { $0 + $1.partialValue }) <= largestProductFloats else {
                throw ValidationError("bad shape '\(item)': A, B and C would hold more than \(largestProductFloats) floats (4 GB)")
            }
            return (m, k, n)
        }
    }

    /// The most floats A, B and C of one benchmarked product may hold together: 4 GB, beyond
    /// any benchmark shape, and a clear error rather than a failed allocation for a mistyped one.
    static let largestProductFloats = 1 << 30

    /// Best time of one m×k·k×n product: a warm-up, then `repeats` samples each long enough
    /// (≥ 20 ms, several calls) for the clock to be exact.
    func measureGemm(m: Int, k: Int, n: Int) -> Double {
        let a = Self.randomBuffer(m * k), b = Self.randomBuffer(k * n)
        let c = UnsafeMutablePointer<Float>.allocate(capacity: m * n)
        defer { a.deallocate(); b.deallocate(); c.deallocate() }
        return bestTime {
            Kernels.sgemm(transposeA: false, transposeB: false, m: m, n: n, k: k, a: a, lda: k, b: b, ldb: n, c: c, ldc: n)
        }
    }

    func measureElementwise(count: Int, threads: Int) -> [ElementwiseRow] {
        let x = Self.randomBuffer(count), y = Self.randomBuffer(count), z = Self.randomBuffer(count)
        let out = UnsafeMutablePointer<Float>.allocate(capacity: count)
        defer { x.deallocate(); y.deallocate(); z.deallocate(); out.deallocate() }
        let bytes2 = Double(2 * 4 * count), bytes4 = Double(4 * 4 * count)
        let tExp = bestTime { Kernels.exp(x, out, count: count) }
        let tRelu = bestTime { Kernels.relu(x, out, count: count) }
        let tFma = bestTime { Kernels.multiplyAdd(x, y, z, out, count: count) }
        return [
            ElementwiseRow(op: "exp", elements: count, threads: threads, gbps: bytes2 / tExp / 1e9),
            ElementwiseRow(op: "relu", elements: count, threads: threads, gbps: bytes2 / tRelu / 1e9),
            ElementwiseRow(op: "a*b+c", elements: count, threads: threads, gbps: bytes4 / tFma / 1e9),
        ]
    }

    /// Seconds per call of `body`, the best of `repeats` samples after a warm-up.
    func bestTime(_ body: () -> Void) -> Double {
        let clock = sampleClock
        let calls = Self.warmUp(body, clock: clock)
        var best = Double.infinity
        for _ in 0..<Swift.max(1, repeats) { best = Swift.min(best, Self.sample(body, calls: calls, clock: clock)) }
        return best
    }

    /// The clock of a sample at the current thread count: the thread's CPU time under
    /// `--cpu-clock` with one thread, else the wall clock.
    var sampleClock: () -> Double {
        if cpuClock && Kernels.maxThreads == 1 { return Self.threadCPUSeconds }
        return Self.wallSeconds
    }

    /// Runs `body` twice (a warm-up, then timed) and returns how many calls make a sample of
    /// at least 20 ms, long enough for the clock to be exact.
    static func warmUp(_ body: () -> Void, clock: () -> Double) -> Int {
        body()
        let t0 = clock()
        body()
        let once = clock() - t0
        return Swift.max(1, Int(0.02 / Swift.max(once, 1e-9)))
    }

    /// Seconds per call over one sample of `calls` calls of `body`.
    static func sample(_ body: () -> Void, calls: Int, clock: () -> Double) -> Double {
        let start = clock()
        for _ in 0..<calls { body() }
        return (clock() - start) / Double(calls)
    }

    /// One answer of `--samples-from-stdin`: a timed sample, or why a request was refused.
    struct SampleAnswer: Codable {
        var m, k, n, threads: Int?
        var seconds, gflops: Double?
        var error: String?
    }

    /// The operands of the product last asked for under `--samples-from-stdin`, kept between
    /// requests (one shape at a time, so memory stays that of one product), with the calls per
    /// sample found by each thread count's warm-up.
    final class SampleOperands {
        let m, k, n: Int
        let a, b, c: UnsafeMutablePointer<Float>
        var callsPerSample: [Int: Int] = [:]

        init(m: Int, k: Int, n: Int) {
            (self.m, self.k, self.n) = (m, k, n)
            a = KernelsBenchmark.randomBuffer(m * k)
            b = KernelsBenchmark.randomBuffer(k * n)
            c = UnsafeMutablePointer<Float>.allocate(capacity: m * n)
        }

        deinit { a.deallocate(); b.deallocate(); c.deallocate() }

        func product() {
            Kernels.sgemm(transposeA: false, transposeB: false, m: m, n: n, k: k, a: a, lda: k, b: b, ldb: n, c: c, ldc: n)
        }
    }

    /// `--samples-from-stdin`: answers each request line until the end of standard input.
    func serveSamples() {
        var operands: SampleOperands?
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        while let line = readLine() {
            let answer: SampleAnswer
            do {
                let request = try Self.parseSampleRequest(line)
                if operands.map({ ($0.m, $0.k, $0.n) != (request.m, request.k, request.n) }) ?? true {
                    operands = nil   // free the last shape's buffers before allocating the next
                    operands = SampleOperands(m: request.m, k: request.k, n: request.n)
                }
                let current = operands!
                Kernels.maxThreads = request.threads
                let clock = sampleClock
                let calls = current.callsPerSample[request.threads] ?? Self.warmUp(current.product, clock: clock)
                current.callsPerSample[request.threads] = calls
                let seconds = Self.sample(current.product, calls: calls, clock: clock)
                answer = SampleAnswer(m: request.m, k: request.k, n: request.n, threads: request.threads, seconds: seconds,
                                      gflops: 2.0 * Double(request.m * request.k * request.n) / seconds / 1e9)
            } catch {
                answer = SampleAnswer(error: "\(error)")
            }
            print(String(decoding: (try? encoder.encode(answer)) ?? Data(#"{"error":"unencodable answer"}"#.utf8), as: UTF8.self))
            fflush(nil)   // every stream: the answer must reach a script waiting on the pipe
        }
    }

    /// Parses one `--samples-from-stdin` request, 'MxKxN threads' (any spaces or tabs around
    /// and between the two fields).
    static func parseSampleRequest(_ line: String) throws -> (m: Int, k: Int, n: Int, threads: Int) {
        let fields = line.split(whereSeparator: \.isWhitespace)
        guard fields.count == 2, let threads = Int(fields[1]), threads > 0 else {
            throw ValidationError("bad request '\(line)': expected 'MxKxN threads', e.g. '1000x1000x1000 2'")
        }
        let shape = try parseShapes(String(fields[0]))
        guard shape.count == 1 else { throw ValidationError("bad request '\(line)': one shape per line") }
        let (m, k, n) = shape[0]
        return (m, k, n, threads)
    }

    static func wallSeconds() -> Double { Double(DispatchTime.now().uptimeNanoseconds) / 1e9 }

    /// CPU time of the calling thread: what a single-threaded kernel costs, without the time
    /// other processes held the core.
    static func threadCPUSeconds() -> Double {
        var t = timespec()
        clock_gettime(CLOCK_THREAD_CPUTIME_ID, &t)
        return Double(t.tv_sec) + Double(t.tv_nsec) / 1e9
    }

    /// The time a parallelFor of `threads` chunks of 50 µs of work each takes beyond 50 µs, in
    /// µs (the best of many): what waking the workers and joining them costs.
    static func parallelForOverhead(threads: Int, repeats: Int) -> Double {
        func spin() {
            let end = DispatchTime.now().uptimeNanoseconds + 50_000
            while DispatchTime.now().uptimeNanoseconds < end {}
        }
        var best = Double.infinity
        for _ in 0..<(20 * repeats) {
            let start = DispatchTime.now().uptimeNanoseconds
            Kernels.parallelFor(threads) { _ in spin() }
            best = Swift.min(best, Double(DispatchTime.now().uptimeNanoseconds - start) / 1e3 - 50)
        }
        return best
    }

    /// `count` floats uniform in [−1, 1] from a seeded generator (the system's would spend most
    /// of the bench's start-up in `getrandom`).
    static func randomBuffer(_ count: Int) -> UnsafeMutablePointer<Float> {
        let p = UnsafeMutablePointer<Float>.allocate(capacity: count)
        var g = RandomGenerator(seed: UInt64(count))
        for i in 0..<count { p[i] = Float.random(in: -1...1, using: &g) }
        return p
    }

    private func pad(_ value: some CustomStringConvertible, _ width: Int) -> String {
        let s = value.description
        return String(repeating: " ", count: Swift.max(0, width - s.count)) + s
    }
}
