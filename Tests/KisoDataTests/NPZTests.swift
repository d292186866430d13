import Foundation
import Kiso
import KisoData
import Testing

@Suite struct NPZTests {
    typealias F = FormatFixtures

    // np.savez / np.savez_compressed(a=float32 [1.5, 2], b=int64 [0, 1, 2]) from NumPy 2.4 (ZIP64 local headers).
    static let stored = F.hex("504b03042d000000000000002100f6c0f3e8ffffffffffffffff05001400612e6e70790100100088000000000000008800000000000000934e554d5059010076007b276465736372273a20273c6634272c2027666f727472616e5f6f72646572273a2046616c73652c20277368617065273a2028322c292c207d2020202020202020202020202020202020202020202020202020202020202020202020202020202020202020202020202020202020202020202020200a0000c03f00000040504b03042d000000000000002100f74012eaffffffffffffffff05001400622e6e70790100100098000000000000009800000000000000934e554d5059010076007b276465736372273a20273c6938272c2027666f727472616e5f6f72646572273a2046616c73652c20277368617065273a2028332c292c207d2020202020202020202020202020202020202020202020202020202020202020202020202020202020202020202020202020202020202020202020200a000000000000000001000000000000000200000000000000504b01022d032d000000000000002100f6c0f3e88800000088000000050000000000000000000000800100000000612e6e7079504b01022d032d000000000000002100f74012ea98000000980000000500000000000000000000008001bf000000622e6e7079504b05060000000002000200660000008e0100000000")
    static let compressed = F.hex("504b03042d000000080000002100f6c0f3e8ffffffffffffffff05001400612e6e70790100100088000000000000004c000000000000009bec17ea1b10c9c850c650ad9e925a9c5ca46ea5a06e9366a2aea3a09e965f54529498179f5f94920a12774bcc294e058a17672416a402f91a463a9a3a0ab50a14002e068603f60c0c0c0e00504b03042d000000080000002100f74012eaffffffffffffffff05001400622e6e70790100100098000000000000004c000000000000009bec17ea1b10c9c850c650ad9e925a9c5ca46ea5a06e9369a1aea3a09e965f54529498179f5f94920a12774bcc294e058a17672416a402f91ac63a9a3a0ab50a14002e06286084d24c501a00504b01022d032d000000080000002100f6c0f3e84c00000088000000050000000000000000000000800100000000612e6e7079504b01022d032d000000080000002100f74012ea4c00000098000000050000000000000000000000800183000000622e6e7079504b0506000000000200020066000000060100000000")

    @Test(arguments: [false, true])
    func readsNumPyArchives(compressed: Bool) throws {
        let file = try NPZ.decode(compressed ? Self.compressed : Self.stored)
        #expect(file.tensors.names == ["a", "b"])
        #expect(file.tensors["a"]!.scalars == [1.5, 2])
        #expect(file.tensors["b"]!.scalars == [0, 1, 2])
        #expect(file.dtypes == ["a": .float32, "b": .int64])
    }

    @Test(arguments: [false, true])
    func roundTripsTensorsAndMetadata(compressed: Bool) throws {
        let bytes = try NPZ.encode(F.sample, metadata: ["kiso.model": "SimpleConvNet"], compressed: compressed)
        let file = try NPZ.decode(bytes)
        #expect(F.identical(file.tensors, F.sample))
        #expect(file.metadata == ["kiso.model": "SimpleConvNet"])
    }

    @Test func detectsCorruptedMemberData() {
        var bytes = Self.stored
        bytes[55 + 128 + 1] ^= 0x01   // local header 30 + name 5 + ZIP64 extra 20, .npy header 128: inside the array data
        let error = F.formatError { _ = try NPZ.decode(bytes, file: "x.npz") }
        #expect(error?.reason == .corrupt)
        #expect(error?.detail.contains("CRC-32") == true)
        var deflated = Self.compressed
        deflated[0x40] ^= 0xFF
        #expect(F.formatError { _ = try NPZ.decode(deflated) }?.reason == .corrupt)
    }

    @Test func rejectsTruncatedArchivesAndNonZipData() {
        #expect(F.formatError { _ = try NPZ.decode(Array(Self.stored.prefix(200))) }?.reason == .badMagic)
        #expect(F.formatError { _ = try NPZ.decode([1, 2, 3]) }?.reason == .truncated)
    }

    @Test func rejectsMembersThatShareBytes() throws {
        // Point the second directory entry's local-header offset at the first member.
        var bytes = Self.stored
        let entries = (0..<bytes.count - 4).filter { bytes[$0..<$0 + 4] == [0x50, 0x4B, 0x01, 0x02] }
        #expect(entries.count == 2)
        for k in 0..<4 { bytes[entries[1] + 42 + k] = 0 }
        // The second member then reads as 'a' again with the wrong CRC or as an overlap: either way, an error.
        let error = F.formatError { _ = try NPZ.decode(bytes) }
        #expect(error?.reason == .badLayout || error?.reason == .corrupt)
    }
}
