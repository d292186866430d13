import Foundation
import Testing
import Kiso
import KisoData
import KisoPlot

@Suite struct ImageGridTests {
    @Test func sizeFollowsColumnsScaleAndPadding() {
        // 30 first-layer filters of 5 × 5, ten per row, doubled, 2 px apart.
        var grid = ImageGrid(columns: 10, scale: 2, padding: 2)
        grid.add(batch: Tensor(shape: [30, 1, 5, 5], repeating: 0.5))
        let image = grid.image()
        #expect(grid.count == 30)
        #expect(image.width == 10 * 10 + 11 * 2)
        #expect(image.height == 3 * 10 + 4 * 2)
        #expect(image.channels == 1)
        #expect(image[0, 0] == 255)  // padding is background
        #expect(image[2, 2] == 128)  // 0.5 × 255 rounded
    }

    @Test func minMaxNormalisesEachTileAndInvertDarkensHighValues() {
        var grid = ImageGrid(columns: 2, padding: 0)
        grid.normalization = .minMax
        grid.invert = true
        grid.add((0..<4).map(Float.init), width: 2, height: 2)              // 0 1 / 2 3
        grid.add((0..<4).map { Float($0) * 100 - 7 }, width: 2, height: 2)  // same ranks, other range
        let image = grid.image()
        #expect((0..<2).map { image[$0, 0] } == [255, 170])
        #expect((0..<2).map { image[$0, 1] } == [85, 0])
        #expect((2..<4).map { image[$0, 0] } == [255, 170])
        #expect((2..<4).map { image[$0, 1] } == [85, 0])
    }

    @Test func unitAndFixedRangesClamp() {
        var grid = ImageGrid(columns: 4, padding: 0)
        grid.add([-1.0, 0, 1, 2], width: 4, height: 1)
        #expect(grid.image().pixels == [0, 0, 255, 255])
        grid.normalization = .range(lower: -1, upper: 1)
        #expect(grid.image().pixels == [0, 128, 255, 255])
    }

    @Test func flatSquareBatchesBecomeSquareTiles() {
        var grid = ImageGrid(columns: 5, padding: 1)
        grid.add(batch: Tensor(shape: [7, 784], repeating: 1))
        let image = grid.image()
        #expect(grid.count == 7)
        #expect(image.width == 5 * 28 + 6 && image.height == 2 * 28 + 3)
    }

    @Test func rgbTilesKeepChannelOrder() {
        // [C, H, W] = [3, 1, 2]: red plane [1, 0], green [0, 1], blue [0, 0].
        var grid = ImageGrid(columns: 1, padding: 0)
        grid.add(Tensor(shape: [3, 1, 2], scalars: [1, 0, 0, 1, 0, 0]))
        let image = grid.image()
        #expect(image.channels == 3)
        #expect(image.pixels == [255, 0, 0, 0, 255, 0])
    }

    @Test func captionsInkExactlyTheGlyphPixelsUnderTheTile() {
        let caption = "7/1"
        var grid = ImageGrid(columns: 1, scale: 1, padding: 2)
        grid.add([Float](repeating: 0, count: 28 * 28), width: 28, height: 28, caption: caption)
        let image = grid.image()
        #expect(image.height == 2 + 28 + (BitmapFont.glyphHeight + 3) + 2)
        let textWidth = BitmapFont.width(of: caption)
        #expect(textWidth == 17)
        let left = 2 + (28 - textWidth) / 2, top = 2 + 28 + 2
        for (k, ch) in caption.enumerated() {
            for row in 0..<BitmapFont.glyphHeight {
                for column in 0..<BitmapFont.glyphWidth {
                    let expected: UInt8 = BitmapFont.isInked(ch, column: column, row: row) ? 0 : 255
                    #expect(image[left + k * BitmapFont.advance + column, top + row] == expected)
                }
            }
        }
        // Nothing else under the tile is inked.
        let inked = (30..<image.height).flatMap { y in (0..<image.width).map { image[$0, y] } }.filter { $0 == 0 }.count
        let glyphInk = caption.map { ch in
            (0..<7).flatMap { r in (0..<5).map { BitmapFont.isInked(ch, column: $0, row: r) } }.filter { $0 }.count
        }.reduce(0, +)
        #expect(inked == glyphInk)
    }

    @Test func colouredCaptionsMakeAnRGBImage() {
        var grid = ImageGrid(columns: 1, padding: 0, captionScale: 2)
        grid.add([Float](repeating: 1, count: 12 * 12), width: 12, height: 12, caption: "1", captionColor: Color(hex: 0xd62728))
        let image = grid.image()
        #expect(image.channels == 3)
        // "1" has its stem in glyph column 2 at rows 0…6; at scale 2 that is image column 3 + 4.
        let x = (12 - BitmapFont.width(of: "1", scale: 2)) / 2 + 2 * 2, y = 12 + 2 * 2 + 2 * 3
        #expect([image[x, y, 0], image[x, y, 1], image[x, y, 2]] == [0xd6, 0x27, 0x28])
    }

    @Test func writesAPNGThatDecodesToTheSameImage() throws {
        var grid = ImageGrid(columns: 4, scale: 3, padding: 2)
        grid.normalization = .minMax
        grid.add(batch: Tensor(shape: [6, 1, 5, 5], scalars: (0..<150).map { Float($0 % 7) }),
                 captions: ["0/1", "1/2", "2/3", "3/4", "4/5", "5/6"])
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("kiso-grid-\(UUID().uuidString).png")
        defer { try? FileManager.default.removeItem(at: url) }
        try grid.write(to: url)
        let decoded = try PNG.read(contentsOf: url)
        #expect(decoded.width == 4 * 15 + 5 * 2 && decoded.height == 2 * (15 + 10) + 3 * 2)
        #expect(decoded == grid.image())
    }

    @Test func writingIntoAMissingFolderThrowsNamingThePath() {
        let url = URL(fileURLWithPath: "/nonexistent-kiso-folder/grid.png")
        var grid = ImageGrid(columns: 1)
        grid.add([Float(0)], width: 1, height: 1)
        #expect { try grid.write(to: url) } throws: { error in (error as? PNGError)?.path == url.path }
    }
}
