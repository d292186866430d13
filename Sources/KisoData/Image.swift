import Kiso

/// An 8-bit raster image: `height` rows of `width` pixels with `channels` samples each
/// (1 = gray, 3 = RGB), row-major, top row first.
public struct Image: Equatable, Sendable {
    /// Width in pixels.
    public var width: Int
    /// Height in pixels.
    public var height: Int
    /// Samples per pixel: 1 (gray) or 3 (RGB).
    public var channels: Int
    /// `height × width × channels` samples, row-major.
    public var pixels: [UInt8]

    /// An image of the given size filled with `value` in every sample.
    public init(width: Int, height: Int, channels: Int = 1, fill value: UInt8 = 0) {
        kisoPrecondition(width >= 0 && height >= 0, "Image: negative size \(width)×\(height)")
        kisoPrecondition(channels == 1 || channels == 3, "Image: \(channels) channels; only 1 (gray) or 3 (RGB) are supported")
        self.width = width
        self.height = height
        self.channels = channels
        pixels = [UInt8](repeating: value, count: width * height * channels)
    }

    /// An image wrapping `pixels` (`height × width × channels` samples).
    public init(width: Int, height: Int, channels: Int, pixels: [UInt8]) {
        kisoPrecondition(channels == 1 || channels == 3, "Image: \(channels) channels; only 1 (gray) or 3 (RGB) are supported")
        kisoPrecondition(pixels.count == width * height * channels,
                     "Image: \(pixels.count) samples do not fill \(width)×\(height)×\(channels)")
        self.width = width
        self.height = height
        self.channels = channels
        self.pixels = pixels
    }

    /// The sample at column `x`, row `y`, channel `c`.
    public subscript(x: Int, y: Int, c: Int = 0) -> UInt8 {
        get { pixels[(y * width + x) * channels + c] }
        set { pixels[(y * width + x) * channels + c] = newValue }
    }
}
