import Testing
import Kiso
import KisoData

@Suite struct ImageProcessingTests {
    @Test func grayscaleUsesBT601Luma() {
        let rgb = Image(width: 4, height: 1, channels: 3, pixels: [255, 0, 0, 0, 255, 0, 0, 0, 255, 255, 255, 255])
        // 0.299·255 = 76.2, 0.587·255 = 149.7, 0.114·255 = 29.1, and white stays 255.
        #expect(rgb.grayscale().pixels == [76, 150, 29, 255])
        #expect(rgb.grayscale().channels == 1)
        #expect(rgb.inverted().pixels == [0, 255, 255, 255, 0, 255, 255, 255, 0, 0, 0, 0])
    }

    @Test func shrinkingAveragesTheCoveredArea() {
        let image = Image(width: 4, height: 2, channels: 1, pixels: [0, 10, 20, 30,
                                                                    40, 50, 60, 70])
        #expect(image.resized(width: 2, height: 1).pixels == [25, 45])   // means of 2×2 blocks
        // 3 → 2 pixels: each new pixel covers 1.5 old ones: (0·1 + 90·0.5)/1.5 = 30, (90·0.5 + 180·1)/1.5 = 150.
        #expect(Image(width: 3, height: 1, channels: 1, pixels: [0, 90, 180]).resized(width: 2, height: 1).pixels == [30, 150])
    }

    @Test func growingInterpolatesLinearly() {
        // Centres of 4 new pixels fall at old positions −0.25 (clamped to 0), 0.25, 0.75, 1.25 (clamped to 1).
        #expect(Image(width: 2, height: 1, channels: 1, pixels: [0, 100]).resized(width: 4, height: 1).pixels == [0, 25, 75, 100])
    }

    @Test func resizingKeepsAConstantImageConstant() {
        let image = Image(width: 37, height: 23, channels: 3, fill: 200)
        for (w, h) in [(28, 28), (100, 7), (1, 1), (37, 23)] {
            let resized = image.resized(width: w, height: h)
            #expect(resized.width == w && resized.height == h)
            #expect(resized.pixels.allSatisfy { $0 == 200 })
        }
    }

    @Test func tensorsBecomeImagesAndBack() {
        let digit = Tensor(shape: [1, 28, 28], scalars: (0..<784).map { Float($0 % 256) / 255 })
        let image = Image(tensor: digit)
        #expect(image.width == 28 && image.height == 28 && image.channels == 1)
        #expect(image.pixels == (0..<784).map { UInt8($0 % 256) })
        #expect(image.tensor().shape == [1, 28, 28])
        #expect(Image(tensor: image.tensor()) == image)
        #expect(Image(tensor: digit.reshaped([784])) == image)
        // Channels first: [3, H, W] → interleaved RGB.
        let rgb = Image(tensor: Tensor(shape: [3, 1, 2], scalars: [1, 0, 0, 1, 0.5, 0]))
        #expect(rgb.pixels == [255, 0, 128, 0, 255, 0])   // 0.5 · 255 = 127.5 rounds to 128
        // Out-of-range values clamp; min–max scaling stretches a filter's weights over 0…255.
        #expect(Image(tensor: Tensor(shape: [1, 2], scalars: [-1, 2])).pixels == [0, 255])
        #expect(Image(tensor: Tensor(shape: [1, 3], scalars: [-0.2, 0, 0.2]), scaling: .minMax).pixels == [0, 128, 255])
    }

    @Test func aDarkDigitOnWhitePaperIsPreparedLikeMNIST() {
        // A black bar 10 wide and 40 tall on white paper, off-centre in 100×60.
        var paper = Image(width: 100, height: 60, channels: 3, fill: 255)
        for y in 10..<50 { for x in 20..<30 { for c in 0..<3 { paper[x, y, c] = 0 } } }
        let digit = paper.mnistDigit()
        #expect(digit.width == 28 && digit.height == 28 && digit.channels == 1)
        // Scaled by 20/40 to 5×20, white on black, centre of mass (2.5, 10) moved to (14, 14):
        // columns 12…16 (14 − 2.5 = 11.5 rounds to 12), rows 4…23.
        for y in 0..<28 {
            for x in 0..<28 {
                let inside = (12...16).contains(x) && (4...23).contains(y)
                #expect(digit[x, y] == (inside ? 255 : 0), "pixel (\(x), \(y))")
            }
        }
        #expect(Image(width: 50, height: 50, fill: 255).mnistDigit() == Image(width: 28, height: 28))
        // Gray paper (200) and gray ink (60) are stretched to black and white: the same digit.
        var dim = Image(width: 100, height: 60, fill: 200)
        for y in 10..<50 { for x in 20..<30 { dim[x, y] = 60 } }
        #expect(dim.mnistDigit() == digit)
    }
}
