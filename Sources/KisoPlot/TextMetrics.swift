/// A rectangle in SVG pixels, y growing downwards.
struct Rect {
    var x: Double, y: Double, width: Double, height: Double
    var maxX: Double { x + width }
    var maxY: Double { y + height }
    var midX: Double { x + width / 2 }
    var midY: Double { y + height / 2 }
    func contains(_ px: Double, _ py: Double) -> Bool { px >= x && px <= maxX && py >= y && py <= maxY }
}

/// Rough text widths for layout, from the advance widths of DejaVu Sans (matplotlib's default
/// font, units of 1/2048 em), plus 5 % for renderers that substitute a wider font; good
/// enough to keep labels from overlapping, not for typesetting.
enum TextMetrics {
    /// Advance widths of ASCII 32…126 in DejaVu Sans.
    private static let advances: [Int] = [
        651, 821, 748, 1716, 1303, 1946, 1597, 449, 799, 799, 1024, 1716, 651, 739, 651, 690,
        1303, 1303, 1303, 1303, 1303, 1303, 1303, 1303, 1303, 1303, 690, 690, 1716, 1716, 1716, 1087,
        2048, 1401, 1405, 1430, 1577, 1294, 1178, 1587, 1540, 604, 604, 1343, 1141, 1767, 1532, 1612,
        1235, 1612, 1423, 1300, 1251, 1499, 1401, 2025, 1403, 1251, 1403, 799, 690, 799, 1716, 1024,
        1024, 1255, 1300, 1126, 1300, 1260, 721, 1300, 1298, 569, 569, 1186, 569, 1995, 1298, 1253,
        1300, 1300, 842, 1067, 803, 1298, 1212, 1675, 1212, 1212, 1075, 1303, 690, 1303, 1716,
    ]

    static func width(_ s: String, fontSize: Double) -> Double {
        var units = 0
        for ch in s.unicodeScalars {
            let v = Int(ch.value)
            units += (32...126).contains(v) ? advances[v - 32] : (ch == "\u{2212}" ? 1716 : 1300)
        }
        return Double(units) / 2048 * fontSize * 1.05
    }

    /// The width of a tick label (a power of ten is drawn as 10 with a smaller exponent).
    static func width(_ tick: Tick, fontSize: Double) -> Double {
        if let e = tick.exponent {
            return width("10", fontSize: fontSize) + width(minusSigned(e), fontSize: fontSize * 0.7)
        }
        return width(tick.label, fontSize: fontSize)
    }

    /// `n` with a typographic minus sign, as matplotlib prints negative numbers.
    static func minusSigned(_ n: Int) -> String {
        n < 0 ? "\u{2212}\(-n)" : "\(n)"
    }
}
