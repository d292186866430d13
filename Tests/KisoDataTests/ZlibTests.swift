import Foundation
import Testing
import KisoData

@Suite struct ZlibTests {
    /// Bytes with structure (compressible) and some noise, deterministic.
    static let sample: [UInt8] = (0..<50_000).map { i in UInt8(truncatingIfNeeded: (i % 251) ^ (i / 1000) &* 37) }

    @Test func crc32MatchesTheStandardCheckValue() {
        // "123456789" → 0xCBF43926 is the published check value of CRC-32/ISO-HDLC.
        #expect(Zlib.crc32(Array("123456789".utf8)) == 0xCBF4_3926)
        #expect(Zlib.crc32([UInt8]()) == 0)
        // Continuing from a prefix's CRC equals the CRC of the whole.
        let whole = Array("hello, world".utf8)
        #expect(Zlib.crc32(Array(whole[5...]), initial: Zlib.crc32(Array(whole[..<5]))) == Zlib.crc32(whole))
    }

    @Test func adler32MatchesRFC1950Example() {
        // Adler-32 of "Wikipedia" is 0x11E60398 (the worked example in the literature).
        #expect(Zlib.adler32(Array("Wikipedia".utf8)) == 0x11E6_0398)
    }

    @Test(arguments: [Zlib.Format.raw, .zlib, .gzip])
    func deflateThenInflateRoundTrips(format: Zlib.Format) throws {
        for level in [0, 1, 6, 9] {
            let packed = Zlib.deflate(Self.sample, format: format, level: level)
            if level > 0 { #expect(packed.count < Self.sample.count) }
            #expect(try Zlib.inflate(packed, format: format) == Self.sample)
        }
        #expect(try Zlib.inflate(Zlib.deflate([UInt8](), format: format), format: format) == [])
    }

    @Test func automaticFormatReadsZlibAndGzip() throws {
        #expect(try Zlib.inflate(Zlib.deflate(Self.sample, format: .zlib), format: .automatic) == Self.sample)
        #expect(try Zlib.inflate(Zlib.deflate(Self.sample, format: .gzip), format: .automatic) == Self.sample)
    }

    @Test func gunzipReadsConcatenatedMembers() throws {
        let a = Array("first member, ".utf8), b = Array("second member".utf8)
        let file = Zlib.deflate(a, format: .gzip) + Zlib.deflate(b, format: .gzip)
        #expect(Zlib.isGzip(file))
        #expect(try Zlib.gunzip(file) == a + b)
    }

    @Test func truncatedStreamThrowsTruncated() {
        let packed = Zlib.deflate(Self.sample, format: .gzip)
        for cut in [10, packed.count / 2, packed.count - 1] {
            #expect {
                _ = try Zlib.gunzip(Array(packed[..<cut]))
            } throws: { error in
                if case .truncated = error as? ZlibError { return true }
                return false
            }
        }
    }

    @Test func corruptStreamThrowsCorrupt() {
        var packed = Zlib.deflate(Self.sample, format: .gzip)
        packed[packed.count - 6] ^= 0xFF   // the CRC-32 trailer
        #expect {
            _ = try Zlib.gunzip(packed)
        } throws: { error in
            guard case .corrupt = error as? ZlibError else { return false }
            return "\(error)".contains("corrupt")
        }
        #expect(throws: ZlibError.empty) { _ = try Zlib.gunzip([UInt8]()) }
        #expect { _ = try Zlib.inflate(Array("not compressed at all".utf8), format: .zlib) } throws: { error in
            if case .corrupt = error as? ZlibError { return true }
            return false
        }
    }

    @Test func trailingGarbageIsReported() {
        let packed = Zlib.deflate(Self.sample, format: .zlib) + [1, 2, 3]
        #expect(throws: ZlibError.trailingData(count: 3)) { _ = try Zlib.inflate(packed, format: .zlib) }
    }

    @Test func outputLimitStopsABomb() throws {
        let zeros = [UInt8](repeating: 0, count: 1 << 20)
        let packed = Zlib.deflate(zeros, format: .gzip, level: 9)   // ~1 KB
        #expect(throws: ZlibError.outputTooLarge(limit: 100_000)) { _ = try Zlib.gunzip(packed, limit: 100_000) }
        #expect(try Zlib.gunzip(packed, limit: 1 << 20) == zeros)
    }

    @Test func acceptsData() throws {
        let data = Data(Self.sample)
        #expect(try Zlib.inflate(Zlib.deflate(data, format: .raw), format: .raw) == Self.sample)
    }
}
