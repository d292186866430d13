import Foundation
import Kiso
import KisoData
import Testing

@Suite struct NPYTests {
    typealias F = FormatFixtures

    // Files written by NumPy 2.4 (`np.save` / `np.lib.format.write_array(..., version=)`), as hex.
    static let float32Pair = F.hex("934e554d5059010076007b276465736372273a20273c6634272c2027666f727472616e5f6f72646572273a2046616c73652c20277368617065273a2028322c292c207d2020202020202020202020202020202020202020202020202020202020202020202020202020202020202020202020202020202020202020202020200a0000803f00000040")
    static let bigEndianInt16V2 = F.hex("934e554d50590200740000007b276465736372273a20273e6932272c2027666f727472616e5f6f72646572273a2046616c73652c20277368617065273a2028322c2032292c207d20202020202020202020202020202020202020202020202020202020202020202020202020202020202020202020202020202020202020200a0001fffe00030004")
    static let halfV3 = F.hex("934e554d50590300740000007b276465736372273a20273c6632272c2027666f727472616e5f6f72646572273a2046616c73652c20277368617065273a2028312c292c207d202020202020202020202020202020202020202020202020202020202020202020202020202020202020202020202020202020202020202020200a0038")
    static let bools = F.hex("934e554d5059010076007b276465736372273a20277c6231272c2027666f727472616e5f6f72646572273a2046616c73652c20277368617065273a2028322c292c207d2020202020202020202020202020202020202020202020202020202020202020202020202020202020202020202020202020202020202020202020200a0100")
    static let scalarUInt8 = F.hex("934e554d5059010076007b276465736372273a20277c7531272c2027666f727472616e5f6f72646572273a2046616c73652c20277368617065273a2028292c207d20202020202020202020202020202020202020202020202020202020202020202020202020202020202020202020202020202020202020202020202020200a07")
    static let fortran = F.hex("934e554d5059010076007b276465736372273a20273c6634272c2027666f727472616e5f6f72646572273a20547275652c20277368617065273a2028322c2032292c207d20202020202020202020202020202020202020202020202020202020202020202020202020202020202020202020202020202020202020202020200a0000803f0000803f0000803f0000803f")
    static let complex64 = F.hex("934e554d5059010076007b276465736372273a20273c6338272c2027666f727472616e5f6f72646572273a2046616c73652c20277368617065273a2028312c292c207d2020202020202020202020202020202020202020202020202020202020202020202020202020202020202020202020202020202020202020202020200a0000803f00000040")
    static let structured = F.hex("934e554d5059010076007b276465736372273a205b282761272c20273c663427295d2c2027666f727472616e5f6f72646572273a2046616c73652c20277368617065273a2028312c292c207d2020202020202020202020202020202020202020202020202020202020202020202020202020202020202020202020202020200a00000000")

    @Test func encodeWritesWhatNumPyWrites() {
        #expect(NPY.encode(Tensor([1, 2])) == Self.float32Pair)
    }

    @Test func readsNumPyFilesOfEveryHeaderVersionAndByteOrder() throws {
        let f = try NPY.decode(Self.float32Pair)
        #expect(f.tensor.shape == [2] && f.tensor.scalars == [1, 2] && f.dtype == .float32)
        let i = try NPY.decode(Self.bigEndianInt16V2)
        #expect(i.tensor.shape == [2, 2] && i.tensor.scalars == [1, -2, 3, 4] && i.dtype == .int16)
        let h = try NPY.decode(Self.halfV3)
        #expect(h.tensor.scalars == [0.5] && h.dtype == .float16)
        #expect(try NPY.decode(Self.bools).tensor.scalars == [1, 0])
        let s = try NPY.decode(Self.scalarUInt8)
        #expect(s.tensor.shape == [] && s.tensor.scalars == [7])
    }

    @Test(arguments: [DType.float16, .float32, .float64])
    func roundTripsEveryWritableType(dtype: DType) throws {
        for (_, tensor) in F.sample {
            let back = try NPY.decode(NPY.encode(tensor, dtype: dtype))
            #expect(back.dtype == dtype)
            #expect(back.tensor.shape == tensor.shape)
            // Values survive exactly except float16, which rounds each value to nearest binary16.
            #expect(back.tensor.scalars == (dtype == .float16 ? tensor.roundedToFloat16() : tensor).scalars)
        }
    }

    @Test func rejectsFortranOrder() {
        let error = F.formatError { _ = try NPY.decode(Self.fortran, file: "f.npy") }
        #expect(error?.reason == .unsupportedFeature)
        #expect(error?.description.contains("Fortran order") == true)
    }

    @Test func rejectsUnsupportedDTypes() {
        let error = F.formatError { _ = try NPY.decode(Self.complex64, file: "c.npy") }
        #expect(error?.reason == .unsupportedDType)
        #expect(error?.description.hasPrefix("c.npy: dtype '<c8' is not supported") == true)
        #expect(F.formatError { _ = try NPY.decode(Self.structured) }?.reason == .unsupportedDType)
    }

    @Test func rejectsTruncatedDataAndExtraBytes() {
        #expect(F.formatError { _ = try NPY.decode(Array(Self.float32Pair.dropLast())) }?.reason == .truncated)
        #expect(F.formatError { _ = try NPY.decode(Self.float32Pair + [0]) }?.reason == .sizeMismatch)
        #expect(F.formatError { _ = try NPY.decode(Array(Self.float32Pair.prefix(20))) }?.reason == .truncated)
    }

    @Test func rejectsBadMagicVersionAndHeaders() {
        #expect(F.formatError { _ = try NPY.decode(Array("not numpy".utf8)) }?.reason == .badMagic)
        var v4 = Self.float32Pair
        v4[6] = 4
        #expect(F.formatError { _ = try NPY.decode(v4) }?.reason == .unsupportedVersion)
        /// A version-1 file with header text `header` and no data.
        func file(_ header: String) -> [UInt8] {
            let h = Array(header.utf8)
            return [0x93] + Array("NUMPY".utf8) + [1, 0, UInt8(h.count & 0xFF), UInt8(h.count >> 8)] + h
        }
        for bad in ["{'descr': '<f4', 'shape': (2,)}", "{'descr': '<f4', 'fortran_order': False, 'shape': (-1,)}",
                    "{'descr': '<f4', 'fortran_order': 0, 'shape': ()}", "__import__('os')",
                    "{'descr': '<f4', 'fortran_order': False, 'shape': (99999999999999999999,)}",
                    String(repeating: "(", count: 5000)] {
            #expect(F.formatError { _ = try NPY.decode(file(bad)) }?.reason == .malformedHeader, "header \(bad.prefix(40))")
        }
        // A shape whose byte count overflows is refused before any allocation.
        let huge = file("{'descr': '<f8', 'fortran_order': False, 'shape': (4611686018427387904, 4), }")
        #expect(F.formatError { _ = try NPY.decode(huge) }?.reason == .sizeMismatch)
        // A header longer than NumPy's own 10000-byte limit.
        #expect(F.formatError { _ = try NPY.decode([0x93] + Array("NUMPY".utf8) + [2, 0, 0xFF, 0xFF, 0, 0]) }?.reason == .tooLarge)
    }

    @Test func writeAndReadAFile() throws {
        let dir = F.temporaryDirectory()
        defer { F.cleanUp(dir) }
        let url = dir.appendingPathComponent("w.npy")
        try NPY.write(F.sample["filters"]!, to: url)
        #expect(try NPY.read(from: url).scalars == F.sample["filters"]!.scalars)
        #expect(F.formatError { _ = try NPY.read(from: dir) }?.reason == .isDirectory)
    }
}
