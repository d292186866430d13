/// Colours along a continuous scale, for contour levels.
public enum Colormap {
    /// matplotlib's default "viridis" map at `t` in [0, 1] (dark purple → green → yellow),
    /// linearly interpolated between nine samples of the original table.
    public static func viridis(_ t: Double) -> Color {
        let anchors: [UInt32] = [0x440154, 0x472d7b, 0x3b528b, 0x2c728e, 0x21918c, 0x28ae80, 0x5ec962, 0xaddc30, 0xfde725]
        let x = max(0, min(1, t.isFinite ? t : 0)) * Double(anchors.count - 1)
        let i = min(anchors.count - 2, Int(x)), f = x - Double(i)
        let a = Color(hex: anchors[i]), b = Color(hex: anchors[i + 1])
        func mix(_ p: UInt8, _ q: UInt8) -> UInt8 { UInt8((Double(p) + (Double(q) - Double(p)) * f).rounded()) }
        return Color(red: mix(a.red, b.red), green: mix(a.green, b.green), blue: mix(a.blue, b.blue))
    }

    /// `count` colours evenly spaced along viridis (one colour: its middle).
    public static func viridis(count: Int) -> [Color] {
        count == 1 ? [viridis(0.5)] : (0..<max(0, count)).map { viridis(Double($0) / Double(count - 1)) }
    }
}
