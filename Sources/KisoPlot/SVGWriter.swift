/// Builds SVG text element by element: attributes in the order given, text escaped for XML,
/// numbers in a fixed format, so the same figure always gives the same bytes.
struct SVGWriter {
    private(set) var text = ""
    private var depth = 0

    /// Opens `<name …>`; close it with `close(name)`.
    mutating func open(_ name: String, _ attributes: [(String, String)] = []) {
        line("<\(name)\(Self.attributes(attributes))>")
        depth += 1
    }

    /// Closes the element opened last.
    mutating func close(_ name: String) {
        depth -= 1
        line("</\(name)>")
    }

    /// A complete element: `<name …/>`, or `<name …>content</name>` when `content` is given
    /// (`content` is escaped).
    mutating func element(_ name: String, _ attributes: [(String, String)], content: String? = nil) {
        if let content {
            line("<\(name)\(Self.attributes(attributes))>\(Self.escape(content))</\(name)>")
        } else {
            line("<\(name)\(Self.attributes(attributes))/>")
        }
    }

    /// An element whose content is already SVG markup (e.g. `<tspan>`s built with `escape`).
    mutating func element(_ name: String, _ attributes: [(String, String)], markup: String) {
        line("<\(name)\(Self.attributes(attributes))>\(markup)</\(name)>")
    }

    private mutating func line(_ s: String) {
        text += String(repeating: " ", count: depth) + s + "\n"
    }

    private static func attributes(_ pairs: [(String, String)]) -> String {
        pairs.map { " \($0.0)=\"\(escape($0.1))\"" }.joined()
    }

    /// `s` with `& < > " '` replaced by XML entities; control characters other than tab and
    /// newline (not allowed in XML 1.0) are dropped.
    static func escape(_ s: String) -> String {
        var out = ""
        out.reserveCapacity(s.utf8.count)
        for ch in s.unicodeScalars {
            switch ch {
            case "&": out += "&amp;"
            case "<": out += "&lt;"
            case ">": out += "&gt;"
            case "\"": out += "&quot;"
            case "'": out += "&apos;"
            case "\t", "\n": out.unicodeScalars.append(ch)
            default:
                if ch.value >= 0x20 && ch.value != 0xFFFE && ch.value != 0xFFFF { out.unicodeScalars.append(ch) }
            }
        }
        return out
    }
}

/// `value` with at most `decimals` digits after the point, trailing zeros dropped, `.` as the
/// decimal separator whatever the locale, and never `-0`. Non-finite values print as `0`
/// (callers skip them before drawing).
func formatNumber(_ value: Double, decimals: Int = 2) -> String {
    guard value.isFinite else { return "0" }
    let decimals = max(0, min(decimals, 12))
    var scale: Int64 = 1
    for _ in 0..<decimals { scale *= 10 }
    let limit = 9.0e18 / Double(scale)
    let clamped = max(-limit, min(limit, value))
    let scaled = Int64((clamped * Double(scale)).rounded())
    let magnitude = scaled.magnitude
    var s = scaled < 0 ? "-" : ""
    s += String(magnitude / UInt64(scale))
    var fraction = magnitude % UInt64(scale)
    if fraction != 0 {
        var digits = decimals
        while fraction % 10 == 0 { fraction /= 10; digits -= 1 }
        let f = String(fraction)
        s += "." + String(repeating: "0", count: digits - f.count) + f
    }
    return s
}

/// A coordinate in SVG user units (pixels), to 0.01 px; clamped so that far-off points of a
/// zoomed-in chart stay numbers every renderer accepts.
func px(_ value: Double) -> String {
    formatNumber(max(-1.0e6, min(1.0e6, value)), decimals: 2)
}
