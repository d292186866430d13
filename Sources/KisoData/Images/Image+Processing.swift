import Kiso

extension Image {
    /// The image in gray: unchanged if it is gray, else the luma Y = 0.299 R + 0.587 G + 0.114 B
    /// (ITU-R BT.601) of each pixel, rounded.
    public func grayscale() -> Image {
        guard channels == 3 else { return self }
        var gray = Image(width: width, height: height)
        for p in 0..<(width * height) {
            let r = Float(pixels[3 * p]), g = Float(pixels[3 * p + 1]), b = Float(pixels[3 * p + 2])
            gray.pixels[p] = UInt8((0.299 * r + 0.587 * g + 0.114 * b).rounded())
        }
        return gray
    }

    /// The negative: every sample v becomes 255 − v (dark ink on white ↔ white ink on black).
    public func inverted() -> Image {
        Image(width: width, height: height, channels: channels, pixels: pixels.map { 255 - $0 })
    }

    /// The image resampled to `width × height`: along an axis that shrinks, each new pixel is the
    /// average of the source area it covers (partial pixels weighted by their covered fraction);
    /// along an axis that grows, it is interpolated linearly (bilinear over both axes).
    /// - Precondition: `width` and `height` are positive and the image is not empty.
    public func resized(width newWidth: Int, height newHeight: Int) -> Image {
        kisoPrecondition(newWidth > 0 && newHeight > 0, "Image.resized: target size \(newWidth)×\(newHeight) must be positive")
        kisoPrecondition(width > 0 && height > 0, "Image.resized: cannot resize an empty \(width)×\(height) image")
        let xTaps = Self.resamplingTaps(from: width, to: newWidth)
        let yTaps = Self.resamplingTaps(from: height, to: newHeight)
        // Horizontal pass into floats, then vertical pass into bytes.
        var rows = [Float](repeating: 0, count: height * newWidth * channels)
        for y in 0..<height {
            for (x, taps) in xTaps.enumerated() {
                for c in 0..<channels {
                    var sum: Float = 0
                    for (source, weight) in taps { sum += weight * Float(pixels[(y * width + source) * channels + c]) }
                    rows[(y * newWidth + x) * channels + c] = sum
                }
            }
        }
        var result = Image(width: newWidth, height: newHeight, channels: channels)
        for (y, taps) in yTaps.enumerated() {
            for x in 0..<newWidth {
                for c in 0..<channels {
                    var sum: Float = 0
                    for (source, weight) in taps { sum += weight * rows[(source * newWidth + x) * channels + c] }
                    result.pixels[(y * newWidth + x) * channels + c] = UInt8(min(max(sum.rounded(), 0), 255))
                }
            }
        }
        return result
    }

    /// For each of `n` destination pixels along an axis of `m` source pixels, the source pixels
    /// and weights (summing to 1) that make it: area coverage when shrinking, linear when growing.
    static func resamplingTaps(from m: Int, to n: Int) -> [[(Int, Float)]] {
        let scale = Double(m) / Double(n)
        return (0..<n).map { i -> [(Int, Float)] in
            if scale >= 1 {
                let start = Double(i) * scale, end = Double(i + 1) * scale
                var taps: [(Int, Float)] = []
                var s = Int(start)
                while Double(s) < end && s < m {
                    let covered = min(end, Double(s + 1)) - max(start, Double(s))
                    if covered > 1e-9 { taps.append((s, Float(covered / scale))) }
                    s += 1
                }
                return taps
            }
            let position = min(max((Double(i) + 0.5) * scale - 0.5, 0), Double(m - 1))
            let left = Int(position), right = min(left + 1, m - 1)
            let t = Float(position - Double(left))
            return t == 0 ? [(left, Float(1))] : [(left, 1 - t), (right, t)]
        }
    }
}
