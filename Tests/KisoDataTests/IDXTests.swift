import Foundation
import Testing
import KisoData

@Suite struct IDXTests {
    let images = DataIOFixtures.idxImages(3)
    let labels = DataIOFixtures.idxLabels([7, 2, 1])

    private func reason(_ body: () throws -> Void) -> IDXError.Reason? {
        do { try body() } catch let error as IDXError { return error.reason } catch { return nil }
        return nil
    }

    @Test func parsesRawAndGzipImages() throws {
        for bytes in [images, Zlib.deflate(images, format: .gzip)] {
            let idx = try IDX.parse(bytes)
            #expect(idx.elementType == .uint8)
            #expect(idx.shape == [3, 28, 28])
            #expect(idx.payload.count == 3 * 784)
            #expect(idx.payload[784 + 5] == 6)   // image 1, pixel 5: 1 + 5
        }
    }

    @Test func decodesOtherElementTypesBigEndian() throws {
        // int16 [2] = [-2, 258]; float32 [1] = [1.5].
        let int16 = try IDX.parse(IDX.encode(elementType: .int16, shape: [2], payload: [0xFF, 0xFE, 0x01, 0x02]))
        #expect(int16.floatElements() == [-2, 258])
        let float32 = try IDX.parse(IDX.encode(elementType: .float32, shape: [1], payload: [0x3F, 0xC0, 0, 0]))
        #expect(float32.floatElements() == [1.5])
        #expect(throws: IDXError(.wrongElementType(expected: .uint8, found: .float32))) { _ = try float32.uint8Elements() }
    }

    @Test func emptyInputIsReported() {
        #expect(reason { _ = try IDX.parse([UInt8]()) } == .empty)
    }

    @Test func wrongMagicIsReported() {
        var bytes = images
        bytes[0] = 0x50; bytes[1] = 0x4B   // "PK": a ZIP file, say
        #expect(reason { _ = try IDX.parse(bytes) } == .badMagic(0x504B_0803))
        let text = Array("hello world, not an IDX file".utf8)
        #expect(reason { _ = try IDX.parse(text) } == .badMagic(0x6865_6C6C))
        do { _ = try IDX.parse(bytes) } catch { #expect("\(error)".contains("not an IDX file")) }
    }

    @Test func unknownTypeAndDimensionCountAreReported() {
        #expect(reason { _ = try IDX.parse([0, 0, 0x07, 1, 0, 0, 0, 0]) } == .unsupportedElementType(0x07))
        #expect(reason { _ = try IDX.parse([0, 0, 0x08, 0]) } == .badDimensionCount(0))
        #expect(reason { _ = try IDX.parse([0, 0, 0x08, 200] + [UInt8](repeating: 0, count: 800)) } == .badDimensionCount(200))
    }

    @Test func truncatedHeaderIsReported() {
        #expect(reason { _ = try IDX.parse([0, 0, 8]) } == .truncatedHeader(needed: 4, actual: 3))
        #expect(reason { _ = try IDX.parse(Array(images[..<10])) } == .truncatedHeader(needed: 16, actual: 10))
    }

    @Test func sizesThatDisagreeWithTheFileAreReportedBeforeAllocating() {
        // Header promises 3 images; the data holds 2.5 of them.
        let cut = Array(images[..<(16 + 784 * 2 + 392)])
        #expect(reason { _ = try IDX.parse(cut) } == .truncatedData(shape: [3, 28, 28], declared: 16 + 3 * 784, actual: cut.count))
        // A header claiming 4 billion images of 28×28 (3.4 TB) in 19 bytes: reported, nothing allocated.
        let huge: [UInt8] = [0, 0, 8, 3, 0xFF, 0xFF, 0xFF, 0xFF, 0, 0, 0, 28, 0, 0, 0, 28, 1, 2, 3]
        #expect(reason { _ = try IDX.parse(huge) } == .truncatedData(shape: [4_294_967_295, 28, 28],
                                                                      declared: 16 + 4_294_967_295 * 784, actual: 19))
        let overflow: [UInt8] = [0, 0, 0x0E, 3] + [UInt8](repeating: 0xFF, count: 12)
        #expect(reason { _ = try IDX.parse(overflow) } == .sizeOverflow([4_294_967_295, 4_294_967_295, 4_294_967_295]))
        // More bytes than declared.
        #expect(reason { _ = try IDX.parse(labels + [9]) } == .trailingData(declared: 11, actual: 12))
    }

    @Test func gzipHeaderSizesAreCheckedBeforeInflatingEverything() {
        // 1000 images of zeros gzip to a few KB; a header edited to claim 10 images must stop
        // the inflate at 10 images' worth, not inflate all 784 000 bytes.
        var raw = IDX.encode(elementType: .uint8, shape: [1000, 28, 28], payload: [UInt8](repeating: 0, count: 784_000))
        raw[7] = 10; raw[6] = 0
        #expect(reason { _ = try IDX.parse(Zlib.deflate(raw, format: .gzip)) } == .trailingData(declared: 16 + 7840, actual: nil))
        // And a header claiming more than the stream holds is a truncation.
        var short = IDX.encode(elementType: .uint8, shape: [2], payload: [1, 2])
        short[7] = 5
        #expect(reason { _ = try IDX.parse(Zlib.deflate(short, format: .gzip)) } == .truncatedData(shape: [5], declared: 13, actual: 10))
    }

    @Test func truncatedGzipIsReported() {
        let gz = Zlib.deflate(images, format: .gzip)
        guard case .gzip(.truncated)? = reason({ _ = try IDX.parse(Array(gz[..<(gz.count / 2)])) }) else {
            Issue.record("a gzip file cut in half must report a truncated gzip stream")
            return
        }
        var corrupt = gz
        corrupt[corrupt.count - 8] ^= 0x55   // the CRC-32 of the data
        guard case .gzip(.corrupt)? = reason({ _ = try IDX.parse(corrupt) }) else {
            Issue.record("a gzip file with a wrong CRC must report corrupt data")
            return
        }
        do { _ = try IDX.parse(Array(gz[..<(gz.count / 2)])) } catch { #expect("\(error)".contains("truncated")) }
    }

    @Test func filesNamedWrongAreReportedWithTheirPath() throws {
        let dir = DataIOFixtures.temporaryDirectory()
        defer { DataIOFixtures.cleanUp(dir) }
        #expect(throws: IDXError(.isDirectory, path: dir.path)) { _ = try IDX.read(contentsOf: dir) }
        let missing = dir.appendingPathComponent("nothing-here.gz")
        #expect(throws: IDXError(.notFound, path: missing.path)) { _ = try IDX.read(contentsOf: missing) }
        let empty = dir.appendingPathComponent("empty-idx3-ubyte.gz")
        DataIOFixtures.write([], to: empty)
        #expect(throws: IDXError(.empty, path: empty.path)) { _ = try IDX.read(contentsOf: empty) }
        do { _ = try IDX.read(contentsOf: empty) } catch { #expect("\(error)".contains(empty.path)) }
        let good = dir.appendingPathComponent("labels-idx1-ubyte.gz")
        DataIOFixtures.write(Zlib.deflate(labels, format: .gzip), to: good)
        #expect(try IDX.read(contentsOf: good).payload == [7, 2, 1])
    }
}
