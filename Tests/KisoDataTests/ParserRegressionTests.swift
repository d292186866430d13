import Foundation
import Kiso
import KisoData
import KisoFuzz
import Testing

/// Inputs that once crashed, hung or misbehaved in a parser (found in review or by
/// `Scripts/fuzz.sh`), kept so they never do again. Each must give a `FileFormatError`.
@Suite struct ParserRegressionTests {
    typealias F = FormatFixtures

    /// A protocol-2 pickle {'a': ndarray} whose state has `shape` (a list of pickle integer
    /// opcodes), Fortran order and empty data.
    static func pickleArray(shapeOps: [UInt8]) -> [UInt8] {
        let c = { (s: String) in Array(s.utf8) }
        return [0x80, 2, 0x7D, 0x8C, 1] + c("a") + c("cnumpy.core.multiarray\n_reconstruct\ncnumpy\nndarray\n")
            + [0x4B, 0, 0x85, 0x43, 1] + c("b") + [0x87, 0x52]
            + [0x28, 0x4B, 1, 0x28] + shapeOps + [0x74]
            + c("cnumpy\ndtype\n") + [0x8C, 2] + c("f4") + [0x4B, 0, 0x4B, 1, 0x87, 0x52]
            + [0x28, 0x4B, 3, 0x8C, 1] + c("<") + [0x4E, 0x4E, 0x4E, 0x4A, 0xFF, 0xFF, 0xFF, 0xFF, 0x4A, 0xFF, 0xFF, 0xFF, 0xFF, 0x4B, 0, 0x74, 0x62]
            + [0x88, 0x43, 0, 0x74, 0x62, 0x73, 0x2E]
    }

    @Test func emptyArrayWithHugeOtherAxesIsRefusedNotTrappedInStrides() {
        // Shape (0, 2⁶², 4): zero elements, but the strides of the non-zero axes overflow; transposing
        // the Fortran-ordered data used to trap in Shape.strides.
        let huge: [UInt8] = [0x8A, 8, 0, 0, 0, 0, 0, 0, 0, 0x40]
        let bytes = Self.pickleArray(shapeOps: [0x4B, 0] + huge + [0x4B, 4])
        #expect(F.formatError { _ = try BookPickle.decode(bytes) }?.reason == .sizeMismatch)
        // The well-formed small case reads: shape (0, 3) in Fortran order.
        let ok = try? BookPickle.decode(Self.pickleArray(shapeOps: [0x4B, 0, 0x4B, 3]))
        #expect(ok?.tensors["a"]?.shape == [0, 3])
        // The same shape in a .npy header.
        let header = Array("{'descr': '<f4', 'fortran_order': False, 'shape': (0, 4611686018427387904, 4), }".utf8)
        let npy = [0x93] + Array("NUMPY".utf8) + [1, 0, UInt8(header.count), 0] + header
        #expect(F.formatError { _ = try NPY.decode(npy) }?.reason == .sizeMismatch)
    }

    @Test func hostileNamesAreCutAndEscapedInMessages() {
        // A GLOBAL whose module name is 10 000 bytes of garbage: refused without echoing it all.
        let long = [0x80, 2, UInt8(ascii: "c")] + [UInt8](repeating: 0x07, count: 10_000) + Array("\nx\n".utf8)
        let error = F.formatError { _ = try BookPickle.decode(long) }
        #expect(error?.reason == .malformedHeader)
        #expect((error?.description.count ?? .max) < 200)
        // A forbidden global with control characters: escaped and shortened in the message.
        let bell = [0x80, 2, UInt8(ascii: "c")] + Array((String(repeating: "\u{7}", count: 100) + "\nsystem\n").utf8) + [UInt8(ascii: ".")]
        let named = F.formatError { _ = try BookPickle.decode(bell) }
        #expect(named?.reason == .forbiddenGlobal)
        #expect(named?.detail.contains("\u{7}") == false)
        #expect(named?.detail.contains("…") == true)
    }
}

extension ParserRegressionTests {
    /// A pickle of `count` distinct arrays (float32, shape (1024,)) that all use one 4 KB bytes
    /// object through BINGET.
    static func sharedDataPickle(arrays count: Int) -> [UInt8] {
        let c = { (s: String) in Array(s.utf8) }
        var bytes: [UInt8] = [0x80, 2, 0x7D, 0x28]
        bytes += c("cnumpy\ndtype\n") + [0x8C, 2] + c("f4") + [0x4B, 0, 0x4B, 1, 0x87, 0x52]
            + [0x28, 0x4B, 3, 0x8C, 1] + c("<") + [0x4E, 0x4E, 0x4E, 0x4A, 0xFF, 0xFF, 0xFF, 0xFF, 0x4A, 0xFF, 0xFF, 0xFF, 0xFF, 0x4B, 0, 0x74, 0x62]
            + [0x71, 1, 0x30]                                                               // memo 1 = dtype
        bytes += [0x42, 0x00, 0x10, 0, 0] + [UInt8](repeating: 0, count: 4096) + [0x71, 2, 0x30]   // memo 2 = 4 KB
        for i in 0..<count {
            bytes += [0x8C, 5] + c(String(format: "k%04d", i))
            bytes += c("cnumpy.core.multiarray\n_reconstruct\ncnumpy\nndarray\n") + [0x4B, 0, 0x85, 0x43, 1] + c("b") + [0x87, 0x52]
            bytes += [0x28, 0x4B, 1, 0x4D, 0x00, 0x04, 0x85, 0x68, 1, 0x89, 0x68, 2, 0x74, 0x62]
        }
        return bytes + [0x75, 0x2E]
    }

    @Test func memoReferencesCannotMultiplyMemory() throws {
        // 2000 arrays × 4 KB = 8 MB of tensors from a 140 KB file: refused. Legitimate NumPy pickles
        // never share data between arrays, so their data always fits in the file.
        #expect(F.formatError { _ = try BookPickle.decode(Self.sharedDataPickle(arrays: 2000)) }?.reason == .limitExceeded)
        let one = try BookPickle.decode(Self.sharedDataPickle(arrays: 1))
        #expect(one.tensors["k0000"]?.shape == [1024])
    }
}

extension ParserRegressionTests {
    /// kiso-fuzz, pickle, seed 101: 10 001 × MARK DICT then a bad GLOBAL took seconds, because every
    /// DICT copied the whole stack (quadratic). The original 20 KB input, rebuilt.
    static let fuzzHangPickle: [UInt8] = F.hex("8005800329") + [UInt8](repeating: 0, count: 20_002).enumerated().map { $0.offset % 2 == 0 ? 0x28 : 0x64 }
        + F.hex("63636c656374696374696f6e206e64726564446963740a61727261790a727261790a72726179000000000000000061790a727261790a727261790a727261790a727261790a727261790a727261790a4b4b4b4b4b4b4b4b4b4b4b")

    @Test func manyMarkedContainersParseInLinearTime() throws {
        #expect(Self.fuzzHangPickle.count == 20_097)
        #expect(F.formatError { _ = try BookPickle.decode(Self.fuzzHangPickle) }?.reason == .forbiddenGlobal)
        // 90 000 MARK DICT pairs: linear work is ~10 ms; the quadratic version copied ~4·10⁹ stack
        // entries (minutes). 10 s leaves two orders of magnitude for a slow, loaded CI machine.
        let many = [0x80, 2] + [UInt8](repeating: 0, count: 180_000).enumerated().map { $0.offset % 2 == 0 ? 0x28 : 0x64 } + [UInt8(ascii: ".")]
        let start = ContinuousClock.now
        #expect(try BookPickle.decode(many).tensors.isEmpty)
        #expect(ContinuousClock.now - start < .seconds(10))
    }
}

extension ParserRegressionTests {
    /// Fuzz/ beside Sources/ and Tests/: the fuzz targets' seeds (corpus) and findings (regressions).
    static let fuzzDirectory = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        .deletingLastPathComponent().deletingLastPathComponent().appendingPathComponent("Fuzz")

    /// The files of Fuzz/KIND/TARGET (none when the folder is absent).
    static func fuzzInputs(_ kind: String, _ target: FuzzTarget) -> [[UInt8]] {
        let folder = fuzzDirectory.appendingPathComponent(kind).appendingPathComponent(target.rawValue)
        let names = (try? FileManager.default.contentsOfDirectory(atPath: folder.path)) ?? []
        return names.sorted().compactMap { try? Array(Data(contentsOf: folder.appendingPathComponent($0))) }
    }

    /// libFuzzer, pickle: PROTO 3, EMPTY_DICT, DUP, DUP, SETITEM — a dict holding itself as key
    /// and value. The reference cycle leaked the dict (LeakSanitizer) on every such file.
    static let pickleDictInItself = F.hex("80037d323273")
    /// PROTO 3, EMPTY_LIST, DUP, APPEND, STOP: a list holding itself.
    static let pickleListInItself = F.hex("80035d32612e")

    @Test func selfContainingPicklesAreRefusedAndFreed() throws {
        // The leak itself is checked under LeakSanitizer by .ci/fuzz-smoke.sh, which replays
        // Fuzz/regressions; here, the outcome.
        #expect(F.formatError { _ = try BookPickle.decode(Self.pickleDictInItself) }?.reason == .truncated)
        #expect(F.formatError { _ = try BookPickle.decode(Self.pickleListInItself) }?.reason == .unexpectedContent)
        // Through the memo: d = {}; d['me'] = d (PROTO 4, EMPTY_DICT, MEMOIZE, 'me', BINGET 0, SETITEM, STOP).
        let memo = F.formatError { _ = try BookPickle.decode(F.hex("80047d948c026d656800732e")) }
        #expect(memo?.reason == .unexpectedContent)
        #expect(memo?.detail.contains("'me' is a dict") == true)
    }

    @Test func fuzzSeedsAndFindingsPassTheFuzzChecks() {
        for target in FuzzTarget.allCases {
            // Kiso's own encoders' output is valid and consistent.
            for seed in target.seeds { target.check(seed) }
            // The committed corpus and every past finding: decoded or refused, never a trap.
            let committed = Self.fuzzInputs("corpus", target)
            #expect(committed.count == target.seeds.count, "Fuzz/corpus/\(target.rawValue)")
            for input in committed + Self.fuzzInputs("regressions", target) { target.check(input) }
        }
    }
}
