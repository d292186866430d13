import Foundation
import Kiso
import KisoData
import Testing

@Suite struct BookPickleTests {
    typealias F = FormatFixtures

    /// `pickle.dumps(d, protocol=p)` under NumPy 2.4 for d = {'W1': float32 arange(6).reshape(2,3)/4,
    /// 'b': float64 [1.5, -2], 'i': int64 [-1, 0, 1], 'F': float32 Fortran-ordered arange(6).reshape(2,3)}.
    /// Protocol 2 wraps the raw bytes in `_codecs.encode(..., 'latin1')`; protocol 5 uses `_frombuffer`.
    static let protocols: [Int: [UInt8]] = [
        2: F.hex("80027d710028580200000057317101636e756d70792e5f636f72652e6d756c746961727261790a5f7265636f6e7374727563740a7102636e756d70790a6e6461727261790a71034b00857104635f636f646563730a656e636f64650a7105580100000062710658060000006c6174696e31710786710852710987710a52710b284b014b024b0386710c636e756d70790a64747970650a710d58020000006634710e898887710f527110284b0358010000003c71114e4e4e4affffffff4affffffff4b0074711262896805581b000000000000000000c2803e0000003f0000403f0000c2803f0000c2a03f71136807867114527115747116625801000000627117680268034b00857118680987711952711a284b014b0285711b680d58020000006638711c898887711d52711e284b0368114e4e4e4affffffff4affffffff4b0074711f628968055812000000000000000000c3b83f00000000000000c38071206807867121527122747123625801000000697124680268034b008571256809877126527127284b014b03857128680d580200000069387129898887712a52712b284b0368114e4e4e4affffffff4affffffff4b0074712c628968055820000000c3bfc3bfc3bfc3bfc3bfc3bfc3bfc3bf00000000000000000100000000000000712d680786712e52712f747130625801000000467131680268034b008571326809877133527134284b014b024b038671356810886805581b00000000000000000040400000c2803f0000c28040000000400000c2a0407136680786713752713874713962752e"),
        4: F.hex("80049598010000000000007d94288c025731948c166e756d70792e5f636f72652e6d756c74696172726179948c0c5f7265636f6e7374727563749493948c056e756d7079948c076e6461727261799493944b0085944301629487945294284b014b024b03869468058c0564747970659493948c02663494898887945294284b038c013c944e4e4e4affffffff4affffffff4b00749462894318000000000000803e0000003f0000403f0000803f0000a03f947494628c016294680468074b008594680987945294284b014b028594680e8c02663894898887945294284b0368124e4e4e4affffffff4affffffff4b00749462894310000000000000f83f00000000000000c0947494628c016994680468074b008594680987945294284b014b038594680e8c02693894898887945294284b0368124e4e4e4affffffff4affffffff4b00749462894318ffffffffffffffff00000000000000000100000000000000947494628c014694680468074b008594680987945294284b014b024b038694681188431800000000000040400000803f00008040000000400000a04094749462752e"),
        5: F.hex("80059574010000000000007d94288c025731948c136e756d70792e5f636f72652e6e756d65726963948c0b5f66726f6d62756666657294939428961800000000000000000000000000803e0000003f0000403f0000803f0000a03f948c056e756d7079948c0564747970659493948c02663494898887945294284b038c013c944e4e4e4affffffff4affffffff4b007494624b024b0386948c014394749452948c016294680428961000000000000000000000000000f83f00000000000000c09468088c02663894898887945294284b03680c4e4e4e4affffffff4affffffff4b007494624b028594680f749452948c016994680428961800000000000000ffffffffffffffff000000000000000001000000000000009468088c02693894898887945294284b03680c4e4e4e4affffffff4affffffff4b007494624b038594680f749452948c01469468042896180000000000000000000000000040400000803f00008040000000400000a04094680b4b024b038694682474945294752e"),
    ]

    @Test(arguments: [2, 4, 5])
    func readsNumPyTwoPicklesOfEveryProtocol(protocol p: Int) throws {
        let file = try BookPickle.decode(Self.protocols[p]!)
        #expect(file.tensors.names == ["W1", "b", "i", "F"])
        #expect(file.tensors["W1"]!.shape == [2, 3])
        #expect(file.tensors["W1"]!.scalars == [0, 0.25, 0.5, 0.75, 1, 1.25])
        #expect(file.tensors["b"]!.scalars == [1.5, -2])
        #expect(file.tensors["i"]!.scalars == [-1, 0, 1])
        // Fortran-ordered data comes back in C order: the same values as np.arange(6).reshape(2, 3).
        #expect(file.tensors["F"]!.shape == [2, 3])
        #expect(file.tensors["F"]!.scalars == [0, 1, 2, 3, 4, 5])
        #expect(file.dtypes == ["W1": .float32, "b": .float64, "i": .int64, "F": .float32])
    }

    @Test(.enabled(if: F.shared("book-weights/sample_weight.pkl") != nil, "needs ../shared/data/book-weights"))
    func readsTheBooksSampleWeights() throws {
        let file = try BookPickle.read(from: F.shared("book-weights/sample_weight.pkl")!)
        let w = file.tensors
        #expect(w.names == ["b2", "W1", "b1", "W2", "W3", "b3"])
        #expect(w["W1"]!.shape == [784, 50] && w["b1"]!.shape == [50])
        #expect(w["W2"]!.shape == [50, 100] && w["b2"]!.shape == [100])
        #expect(w["W3"]!.shape == [100, 10] && w["b3"]!.shape == [10])
        #expect(Set(file.dtypes.values) == [.float32])
        // Values printed by NumPy; W1 is stored in Fortran order, so [1, 0] and [0, 1] pin the layout.
        #expect(w["W1"]![1, 0] == -0.01029745)
        #expect(w["W1"]![0, 1] == -0.007904391)
        #expect(w["W2"]![3, 7] == -0.0023368273)
        #expect(w["b3"]!.scalars.last == 0.053233496844768524)
    }

    @Test(.enabled(if: F.shared("book-weights/simple_convnet_params.pkl") != nil, "needs ../shared/data/book-weights"))
    func readsTheBooksSimpleConvNetParams() throws {
        let file = try BookPickle.read(from: F.shared("book-weights/simple_convnet_params.pkl")!)
        let shapes = Dictionary(uniqueKeysWithValues: file.tensors.map { ($0.name, $0.tensor.shape) })
        #expect(shapes == ["W1": [30, 1, 5, 5], "b1": [30], "W2": [4320, 100], "b2": [100], "W3": [100, 10], "b3": [10]])
        #expect(Set(file.dtypes.values) == [.float64])
        #expect(file.tensors["W1"]!.scalars[0] == Float(0.01851250441566844))
        #expect(file.tensors["b1"]!.scalars[0] == Float(-0.2569404604346134))
    }

    @Test func writerRoundTripsThroughTheReader() throws {
        for dtype in [DType.float32, .float64] {
            let back = try BookPickle.decode(BookPickle.encode(F.sample, dtype: dtype))
            #expect(F.identical(back.tensors, F.sample))
            #expect(back.dtypes["W1"] == dtype)
        }
        #expect(try BookPickle.decode(BookPickle.encode(NamedTensors())).tensors.isEmpty)
    }

    /// A protocol-2 pickle that calls `module.name("echo pwned")`.
    static func calling(_ module: String, _ name: String) -> [UInt8] {
        [0x80, 2, UInt8(ascii: "c")] + Array("\(module)\n\(name)\n".utf8)
            + [UInt8(ascii: "X"), 10, 0, 0, 0] + Array("echo pwned".utf8) + [0x85, UInt8(ascii: "R"), UInt8(ascii: ".")]
    }

    @Test func refusesOsSystemAndEveryOtherGlobal() {
        let error = F.formatError { _ = try BookPickle.decode(Self.calling("os", "system"), file: "evil.pkl") }
        #expect(error?.reason == .forbiddenGlobal)
        #expect(error?.description == "evil.pkl: the pickle names os.system, which Kiso does not load (only NumPy arrays are allowed)")
        for (module, name) in [("posix", "system"), ("builtins", "eval"), ("subprocess", "Popen"), ("numpy", "load"), ("numpy.core.multiarray", "ones")] {
            #expect(F.formatError { _ = try BookPickle.decode(Self.calling(module, name)) }?.reason == .forbiddenGlobal)
        }
        // The same through STACK_GLOBAL (protocol 4).
        let stack: [UInt8] = [0x80, 4, 0x8C, 8] + Array("builtins".utf8) + [0x8C, 4] + Array("exec".utf8) + [0x93, UInt8(ascii: ".")]
        #expect(F.formatError { _ = try BookPickle.decode(stack) }?.detail.contains("builtins.exec") == true)
    }

    @Test func refusesOpcodesOutsideTheWhitelist() {
        // NEWOBJ, INST, a protocol-0 INT, and an opcode that does not exist.
        for (opcode, name) in [(UInt8(0x81), "NEWOBJ"), (UInt8(ascii: "i"), "INST"), (UInt8(ascii: "I"), "INT"), (UInt8(0xFF), "(0xFF)")] {
            let error = F.formatError { _ = try BookPickle.decode([0x80, 2, UInt8(ascii: "N"), opcode, UInt8(ascii: ".")]) }
            #expect(error?.reason == .unsupportedOpcode)
            #expect(error?.detail.contains(name) == true)
        }
    }

    @Test func refusesPicklesThatAreNotDictsOfArrays() {
        #expect(F.formatError { _ = try BookPickle.decode([0x80, 2, UInt8(ascii: "N"), UInt8(ascii: ".")]) }?.reason == .unexpectedContent)
        let dictOfInt: [UInt8] = [0x80, 2, UInt8(ascii: "}"), 0x8C, 1, UInt8(ascii: "a"), UInt8(ascii: "K"), 1, UInt8(ascii: "s"), UInt8(ascii: ".")]
        #expect(F.formatError { _ = try BookPickle.decode(dictOfInt) }?.detail == "'a' is an int, not a NumPy array")
        #expect(F.formatError { _ = try BookPickle.decode(Array("(dp0\n.".utf8)) }?.reason == .badMagic)   // protocol 0
        #expect(F.formatError { _ = try BookPickle.decode([]) }?.reason == .empty)
    }

    @Test func boundsEveryLengthStackAndMemo() {
        // BINBYTES claiming 4 GB in a 12-byte file: refused before allocating.
        #expect(F.formatError { _ = try BookPickle.decode([0x80, 3, UInt8(ascii: "B"), 0xFF, 0xFF, 0xFF, 0xFF, 0, 0, 0]) }?.reason == .truncated)
        // 200 000 NONEs overflow the stack limit.
        let deep = [0x80, 2] + [UInt8](repeating: UInt8(ascii: "N"), count: 200_000) + [UInt8(ascii: ".")]
        #expect(F.formatError { _ = try BookPickle.decode(deep) }?.reason == .limitExceeded)
        // 100 000 nested TUPLE1s would make recursive structures; nesting is capped.
        let nested = [0x80, 2, UInt8(ascii: "N")] + [UInt8](repeating: 0x85, count: 100_000) + [UInt8(ascii: ".")]
        #expect(F.formatError { _ = try BookPickle.decode(nested) }?.reason == .limitExceeded)
        // A reference to a memo slot never stored; a STOP with an empty stack; no STOP at all.
        #expect(F.formatError { _ = try BookPickle.decode([0x80, 2, UInt8(ascii: "h"), 7, UInt8(ascii: ".")]) }?.reason == .malformedHeader)
        #expect(F.formatError { _ = try BookPickle.decode([0x80, 2, UInt8(ascii: ".")]) }?.reason == .malformedHeader)
        #expect(F.formatError { _ = try BookPickle.decode([0x80, 2, UInt8(ascii: "N")]) }?.reason == .truncated)
    }

    @Test func rejectsArraysWhoseBytesDisagreeWithTheirShape() throws {
        // Protocol 4 sample: W1's SHORT_BINBYTES length 0x18 (24) → 0x14 with 4 bytes fewer.
        var bytes = Self.protocols[4]!
        let marker: [UInt8] = [0x43, 0x18]
        let at = try #require((0..<bytes.count - 1).first { Array(bytes[$0..<$0 + 2]) == marker })
        bytes[at + 1] = 0x14
        bytes.removeSubrange((at + 2)..<(at + 6))
        let error = F.formatError { _ = try BookPickle.decode(bytes, file: "p.pkl") }
        #expect(error?.reason == .sizeMismatch)
        #expect(error?.detail == "array 'W1' declares shape [2, 3] of f4 but holds 20 bytes")
    }
}
