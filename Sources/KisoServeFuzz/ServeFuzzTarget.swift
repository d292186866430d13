import KisoData
public import KisoFuzz
internal import KisoServe

/// The server's request decoding as a libFuzzer target: `PredictionInput.decode(body:contentType:)`
/// must return 784 values in 0…1 or throw, for any body and content type.
public enum ServeFuzzTarget: LibFuzzerTarget {
    case request

    /// Content types the first input byte chooses among (modulo their count).
    static let contentTypes = ["image/png", "application/json", "Image/PNG; charset=utf-8", " application/JSON ;x", "text/plain", ""]

    /// Decodes `bytes.dropFirst()` as a request body of the content type `bytes[0]` selects
    /// (a PNG body also with its chunk CRCs repaired, as in the png target); a returned value
    /// must hold 784 values in 0…1.
    public func check(_ bytes: [UInt8]) {
        guard let first = bytes.first else { return }
        let contentType = Self.contentTypes[Int(first) % Self.contentTypes.count]
        let body = Array(bytes.dropFirst())
        let repaired = PNGChunks.withRepairedCRCs(body)
        for input in repaired == body ? [body] : [body, repaired] {
            guard let pixels = try? PredictionInput.decode(body: input, contentType: contentType) else { continue }
            guard pixels.count == PredictionInput.pixelCount else {
                fatalError("fuzz check failed: serve: \(pixels.count) values, not \(PredictionInput.pixelCount)")
            }
            if let bad = pixels.first(where: { !(0...1).contains($0) }) {
                fatalError("fuzz check failed: serve: value \(bad) outside 0…1")
            }
        }
    }

    /// A 28×28 digit and a larger light-paper RGB drawing as PNG bodies, and a JSON body.
    public var seeds: [[UInt8]] {
        var digit = Image(width: 28, height: 28, channels: 1)
        for y in 6..<22 { for x in 12..<16 { digit.pixels[y * 28 + x] = 255 } }
        var paper = Image(width: 40, height: 30, channels: 3, fill: 250)
        for y in 5..<25 { for x in 15..<22 { for c in 0..<3 { paper.pixels[(y * 40 + x) * 3 + c] = 10 } } }
        let json = "{\"pixels\": [" + (0..<784).map { $0 % 29 == 0 ? "1" : $0 % 7 == 0 ? "0.5" : "0" }.joined(separator: ",") + "]}"
        return [[0] + PNG.encode(digit), [0] + PNG.encode(paper), [1] + Array(json.utf8)]
    }
}
