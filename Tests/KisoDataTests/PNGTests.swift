import Foundation
import Testing
import KisoData

@Suite struct PNGTests {
    /// PNG files built by an independent Python script (zlib + struct, filters written out by hand)
    /// so that decoding is checked against an encoder other than Kiso's own.
    static let fixtures: [String: [UInt8]] = [
        "rgba": "iVBORw0KGgoAAAANSUhEUgAAAAMAAAACCAYAAACddGYaAAAAIklEQVR42mP8z8Dwn/E/QyMD4/8GFm4ROYYTqSL1lkwsBwBygQgBgV/21gAAAABJRU5ErkJggg==",
        "palette": "iVBORw0KGgoAAAANSUhEUgAAAAQAAAACAgMAAAACxpXwAAAADFBMVEUAAAD/////AAAAAP8BHTNKAAAAA3RSTlP//wDXyg1BAAAADElEQVR42mOSZr4OAAE6APglW/VNAAAAAElFTkSuQmCC",
        "gray16": "iVBORw0KGgoAAAANSUhEUgAAAAIAAAACEAAAAAAHTY67AAAAEklEQVR42mMQMvn/nynvDCMDABNnA4Jwj701AAAAAElFTkSuQmCC",
        "grayalpha": "iVBORw0KGgoAAAANSUhEUgAAAAIAAAABCAQAAABeK7cBAAAADUlEQVR42mNO+X+uEQAGvgK2N2qMuQAAAABJRU5ErkJggg==",
        "gray1": "iVBORw0KGgoAAAANSUhEUgAAAAoAAAABAQAAAADPjgLTAAAAC0lEQVR42mPY4AAAAaMA8Xp1on0AAAAASUVORK5CYII=",
        "interlaced": "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAAAAAFNeavDAAAACklEQVR42mNgAAAAAgAB5Sfe/AAAAABJRU5ErkJggg==",
        "rgb16": "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABEAIAAADA54+dAAAAD0lEQVR42mNYfZaR6T8DAAoSAnvtCTIxAAAAAElFTkSuQmCC",
        "badfilter": "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAAAAAA6fptVAAAACklEQVR42mNlAAAADAAGI+VJ8gAAAABJRU5ErkJggg==",
        "toolarge": "iVBORw0KGgoAAAANSUhEUgABhqAAAYagCAAAAACNOVQUAAAACklEQVR42mNgAAAAAgAB5Sfe/AAAAABJRU5ErkJggg==",
        "nopalette": "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAMAAAAoyzS7AAAACklEQVR42mNgAAAAAgAB5Sfe/AAAAABJRU5ErkJggg==",
        "unknowncritical": "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAAAAAA6fptVAAAAAVpaWlp4b5AoBwAAAApJREFUeJxjYAcAAAkACCAjw4wAAAAASUVORK5CYII=",
        "shortdata": "iVBORw0KGgoAAAANSUhEUgAAAAIAAAACCAAAAABX3VL4AAAAC0lEQVR42mNgZAIAAAcABOXtlM8AAAAASUVORK5CYII=",
    ].mapValues { [UInt8](Data(base64Encoded: $0)!) }

    private func reason(_ name: String) -> PNGError.Reason? {
        do { _ = try PNG.decode(Self.fixtures[name]!) } catch { return error.reason }
        return nil
    }

    @Test func decodesRGBAWithSubAndPaethFiltersOverWhite() throws {
        let image = try PNG.decode(Self.fixtures["rgba"]!)
        #expect(image.width == 3 && image.height == 2 && image.channels == 3)
        // Alpha α over white: round((v·α + 255·(255 − α)) / 255); e.g. (1, 2, 3) at α = 64 → (191, 192, 192).
        #expect(image.pixels == [255, 0, 0, 127, 255, 127, 255, 255, 255,
                                 10, 20, 30, 200, 100, 50, 191, 192, 192])
        let overBlack = try PNG.decode(Self.fixtures["rgba"]!, background: 0)
        #expect(Array(overBlack.pixels[3..<9]) == [0, 128, 0, 0, 0, 0])
    }

    @Test func decodesTwoBitPaletteWithTransparencyUpAndAverageFilters() throws {
        let image = try PNG.decode(Self.fixtures["palette"]!)
        #expect(image.channels == 3 && image.width == 4 && image.height == 2)
        // Palette black, white, red (fully transparent → white), blue.
        #expect(image.pixels == [0, 0, 0, 255, 255, 255, 255, 255, 255, 0, 0, 255,
                                 0, 0, 255, 255, 255, 255, 255, 255, 255, 0, 0, 0])
    }

    @Test func decodesGrayAtEveryDepth() throws {
        #expect(try PNG.decode(Self.fixtures["gray16"]!).pixels == [0x12, 0xFF, 0x80, 0x00])   // high bytes
        #expect(try PNG.decode(Self.fixtures["grayalpha"]!).pixels == [100, 255])              // α = 0 → white
        let bits = try PNG.decode(Self.fixtures["gray1"]!)
        #expect(bits.channels == 1 && bits.width == 10)
        #expect(bits.pixels == [255, 0, 255, 255, 0, 0, 0, 0, 0, 255])
        #expect(try PNG.decode(Self.fixtures["rgb16"]!).pixels == [0xAB, 0x01, 0xFF])
    }

    @Test func roundTripsGrayAndRGBThroughEveryFilter() throws {
        // A gradient plus noise makes the heuristic pick different filters on different rows.
        var gray = Image(width: 37, height: 23)
        var rgb = Image(width: 19, height: 11, channels: 3)
        var state: UInt32 = 12345
        func next() -> UInt8 { state = state &* 1_664_525 &+ 1_013_904_223; return UInt8(state >> 24) }
        for i in gray.pixels.indices { gray.pixels[i] = i % 7 == 0 ? next() : UInt8(truncatingIfNeeded: i / 37 * 9 + i % 37 * 3) }
        for i in rgb.pixels.indices { rgb.pixels[i] = i % 2 == 0 ? next() : UInt8(truncatingIfNeeded: i) }
        for image in [gray, rgb, Image(width: 1, height: 1, fill: 42)] {
            for level in [0, 9] {
                let file = PNG.encode(image, level: level)
                #expect(Array(file.prefix(8)) == PNG.signature)
                #expect(try PNG.decode(file) == image)
            }
        }
    }

    @Test func writesAndReadsFiles() throws {
        let dir = DataIOFixtures.temporaryDirectory()
        defer { DataIOFixtures.cleanUp(dir) }
        let url = dir.appendingPathComponent("digit.png")
        let image = Image(width: 28, height: 28, channels: 1, pixels: (0..<784).map { UInt8($0 % 256) })
        try PNG.write(image, to: url)
        #expect(try PNG.read(contentsOf: url) == image)
        #expect(throws: PNGError(.isDirectory, path: dir.path)) { _ = try PNG.read(contentsOf: dir) }
        let missing = dir.appendingPathComponent("none.png")
        #expect(throws: PNGError(.notFound, path: missing.path)) { _ = try PNG.read(contentsOf: missing) }
    }

    @Test func badFilesGiveSpecificErrors() {
        #expect(reason("interlaced") == .interlaced)
        #expect(reason("badfilter") == .badFilter(row: 0, type: 5))
        #expect(reason("toolarge") == .tooLarge(width: 100_000, height: 100_000))
        #expect(reason("nopalette") == .badPalette)
        #expect(reason("unknowncritical") == .unknownCriticalChunk("ZZZZ"))
        #expect(reason("shortdata") == .imageDataSize(expected: 6, actual: 3))
        #expect(throws: PNGError(.empty)) { _ = try PNG.decode([UInt8]()) }
        #expect(throws: PNGError(.notPNG)) { _ = try PNG.decode(Array("GIF89a, not a PNG at all".utf8)) }
        do { _ = try PNG.decode(Self.fixtures["interlaced"]!) } catch { #expect("\(error)".contains("not supported")) }
    }

    @Test func corruptionIsDetectedByCRCAndLength() {
        let good = PNG.encode(Image(width: 8, height: 8, fill: 200))
        var flipped = good
        flipped[45] ^= 0x01   // inside IDAT's data (signature 8 + IHDR 25 + IDAT length and type 8)
        #expect(throws: PNGError(.crcMismatch(chunk: "IDAT"))) { _ = try PNG.decode(flipped) }
        for cut in [5, 20, good.count - 20, good.count - 1] {
            #expect { _ = try PNG.decode(Array(good[..<cut])) } throws: { error in
                guard let reason = (error as? PNGError)?.reason else { return false }
                if case .truncated = reason { return true }
                return false
            }
        }
        #expect(throws: PNGError(.missingEnd)) { _ = try PNG.decode(Array(good[..<(good.count - 12)])) }
    }
}
