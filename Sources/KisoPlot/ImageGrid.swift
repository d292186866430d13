import Foundation
import Kiso
import KisoData

/// Small images (digits, filters, misclassified examples) laid out in rows of `columns`
/// tiles on a light background, each optionally captioned underneath in `BitmapFont`, rendered
/// into an 8-bit `Image` — the raster counterpart of the book's `imshow` subplot grids.
///
/// ```swift
/// var grid = ImageGrid(columns: 10, scale: 2)
/// grid.normalization = .minMax; grid.invert = true   // like imshow(…, cmap=gray_r)
/// grid.add(batch: conv1W)                            // [30, 1, 5, 5]
/// let image = grid.image()
/// ```
public struct ImageGrid: Sendable {
    /// How tile values become gray levels.
    public enum Normalization: Sendable, Equatable {
        /// Values are already in [0, 1] (clamped): 0 → black, 1 → white.
        case unit
        /// Each tile's own minimum → black and maximum → white (a constant tile is mid-gray),
        /// as `imshow` scales each filter.
        case minMax
        /// `lower` → black and `upper` → white for every tile (clamped).
        case range(lower: Double, upper: Double)
    }

    /// One image to place: `height × width × channels` values, row-major (channels last).
    struct Tile: Sendable {
        var width: Int, height: Int, channels: Int
        var values: [Float]
        var caption: String?
        var captionColor: Color
    }

    /// Tiles per row.
    public var columns: Int
    /// Each image pixel becomes a `scale × scale` square.
    public var scale: Int
    /// Background pixels between and around tiles.
    public var padding: Int
    /// Each caption pixel becomes a `captionScale × captionScale` square.
    public var captionScale: Int
    /// How values map to gray levels.
    public var normalization: Normalization = .unit
    /// Draw high values dark (matplotlib's `gray_r`), as the book shows digits and filters.
    public var invert = false
    /// Gray level of the background.
    public var background: UInt8 = 255
    private(set) var tiles: [Tile] = []

    /// An empty grid.
    public init(columns: Int, scale: Int = 1, padding: Int = 2, captionScale: Int = 1) {
        kisoPrecondition(columns > 0 && scale > 0 && padding >= 0 && captionScale > 0,
                         "ImageGrid: columns \(columns), scale \(scale), captionScale \(captionScale) must be positive and padding \(padding) not negative")
        self.columns = columns; self.scale = scale; self.padding = padding; self.captionScale = captionScale
    }

    /// The number of tiles added so far.
    public var count: Int { tiles.count }

    /// Adds one image of `height × width × channels` values (channels last, 1 = gray,
    /// 3 = RGB), with an optional caption drawn under it in `captionColor`.
    public mutating func add<C: Collection>(_ values: C, width: Int, height: Int, channels: Int = 1,
                                            caption: String? = nil, captionColor: Color = Color(hex: 0x000000))
    where C.Element: BinaryFloatingPoint {
        kisoPrecondition(channels == 1 || channels == 3, "ImageGrid.add: \(channels) channels; only 1 or 3 are supported")
        kisoPrecondition(values.count == width * height * channels,
                         "ImageGrid.add: \(values.count) values do not fill \(height)×\(width)×\(channels)")
        tiles.append(Tile(width: width, height: height, channels: channels, values: values.map { Float($0) },
                          caption: caption, captionColor: captionColor))
    }

    /// Adds one image from a tensor of shape `[H, W]` (gray) or `[C, H, W]` with C = 1 or 3.
    public mutating func add(_ image: Tensor, caption: String? = nil, captionColor: Color = Color(hex: 0x000000)) {
        let s = image.shape
        switch s.count {
        case 2: add(image.scalars, width: s[1], height: s[0], caption: caption, captionColor: captionColor)
        case 3:
            kisoPrecondition(s[0] == 1 || s[0] == 3, "ImageGrid.add: shape \(s) has \(s[0]) channels; need 1 or 3")
            let (c, h, w) = (s[0], s[1], s[2]), chw = image.scalars
            var hwc = [Float](repeating: 0, count: chw.count)
            for k in 0..<c { for p in 0..<(h * w) { hwc[p * c + k] = chw[k * h * w + p] } }
            add(hwc, width: w, height: h, channels: c, caption: caption, captionColor: captionColor)
        default: kisoPrecondition(false, "ImageGrid.add: image shape \(s); expected [H, W] or [C, H, W]")
        }
    }

    /// Adds every image of a batch: shape `[N, H, W]`, `[N, C, H, W]`, or `[N, D]` with D a
    /// perfect square (flattened square gray images such as MNIST's 784). `captions`, when
    /// given, has one entry per image.
    public mutating func add(batch: Tensor, captions: [String]? = nil, captionColor: Color = Color(hex: 0x000000)) {
        let s = batch.shape
        kisoPrecondition(s.count >= 2 && s.count <= 4, "ImageGrid.add(batch:): shape \(s); expected [N, D], [N, H, W] or [N, C, H, W]")
        let n = s[0]
        kisoPrecondition(captions == nil || captions!.count == n, "ImageGrid.add(batch:): \(captions?.count ?? 0) captions for \(n) images")
        var imageShape = Array(s.dropFirst())
        if imageShape.count == 1 {
            let side = Int(Double(imageShape[0]).squareRoot().rounded())
            kisoPrecondition(side * side == imageShape[0], "ImageGrid.add(batch:): \(imageShape[0]) values per image is not a square image")
            imageShape = [side, side]
        }
        let per = imageShape.reduce(1, *), all = batch.scalars
        for i in 0..<n {
            let one = Tensor(shape: imageShape, scalars: Array(all[(i * per)..<((i + 1) * per)]))
            add(one, caption: captions?[i], captionColor: captionColor)
        }
    }

    /// Height of the caption strip under each tile (0 when no tile has a caption).
    private var captionHeight: Int {
        tiles.contains { $0.caption != nil } ? (BitmapFont.glyphHeight + 3) * captionScale : 0
    }

    /// The grid as an image: gray unless a tile is RGB or a caption is coloured. Tiles sit in
    /// cells as large as the largest tile, top-left aligned, captions centred under them.
    public func image() -> Image {
        let cellW = (tiles.map(\.width).max() ?? 0) * scale, tileH = (tiles.map(\.height).max() ?? 0) * scale
        let cellH = tileH + captionHeight
        let rows = (tiles.count + columns - 1) / columns, cols = min(columns, max(1, tiles.count))
        let rgb = tiles.contains { $0.channels == 3 || ($0.caption != nil && !$0.captionColor.isGray) }
        var out = Image(width: cols * cellW + (cols + 1) * padding, height: rows * cellH + (rows + 1) * padding,
                        channels: rgb ? 3 : 1, fill: background)
        for (i, tile) in tiles.enumerated() {
            let x0 = padding + (i % columns) * (cellW + padding), y0 = padding + (i / columns) * (cellH + padding)
            let levels = grayLevels(tile)
            for y in 0..<(tile.height * scale) {
                for x in 0..<(tile.width * scale) {
                    let p = (y / scale) * tile.width + x / scale
                    for k in 0..<out.channels {
                        out[x0 + x, y0 + y, k] = levels[p * tile.channels + min(k, tile.channels - 1)]
                    }
                }
            }
            if let caption = tile.caption {
                let textX = x0 + (cellW - BitmapFont.width(of: caption, scale: captionScale)) / 2
                BitmapFont.draw(caption, into: &out, x: max(x0, textX), y: y0 + tileH + 2 * captionScale,
                                scale: captionScale, color: tile.captionColor, clip: x0..<(x0 + cellW))
            }
        }
        return out
    }

    /// Writes `image()` as a PNG file at `url` (atomically).
    /// - Throws: `PNGError` naming the path when the file cannot be written.
    public func write(to url: URL) throws(PNGError) {
        try PNG.write(image(), to: url)
    }

    /// The tile's samples as 8-bit levels after normalisation and inversion.
    private func grayLevels(_ tile: Tile) -> [UInt8] {
        var lo = 0.0, hi = 1.0
        switch normalization {
        case .unit: break
        case .range(let a, let b): lo = a; hi = b
        case .minMax:
            let finite = tile.values.lazy.filter { $0.isFinite }
            lo = Double(finite.min() ?? 0); hi = Double(finite.max() ?? 1)
        }
        return tile.values.map { v in
            var t = hi > lo ? (Double(v) - lo) / (hi - lo) : 0.5
            t = t.isFinite ? max(0, min(1, t)) : 0
            if invert { t = 1 - t }
            return UInt8((t * 255).rounded())
        }
    }
}

extension Color {
    /// True when red, green and blue are equal.
    var isGray: Bool { red == green && green == blue }
}
