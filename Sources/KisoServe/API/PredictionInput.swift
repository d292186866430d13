import Foundation
import Kiso
import KisoData

/// Turns the body of `POST /api/predict` into the 28×28 picture a network classifies.
public enum PredictionInput {
    /// Pixels in a picture: 28 × 28.
    public static let pixelCount = 784
    /// The largest PNG accepted, in pixels (width × height), checked in its header before
    /// anything is decompressed: 4096 × 4096.
    public static let maximumPNGPixels = 4096 * 4096

    /// The 784 values in 0…1 (row-major 28×28, ink bright on black) that a request body holds.
    ///
    /// - `image/png`: any PNG that `PNG.decode` reads (gray or colour, any size up to
    ///   ``maximumPNGPixels``), prepared exactly as `kiso predict` prepares its images
    ///   (`Image.mnistDigit()`: inverted when the paper is light, cropped to the ink, scaled to
    ///   20×20 and centred by mass in 28×28), then scaled v ↦ v / 255.
    /// - `application/json`: `{"pixels": [784 numbers in 0…1]}`, used as they are.
    ///
    /// Parameters after `;` in `contentType` (e.g. `charset=utf-8`) are ignored; case does not matter.
    /// Never traps, whatever the bytes.
    /// - Throws: ``ServeError`` 415 for another content type, 400 for a body that is not a
    ///   readable PNG or such JSON.
    public static func decode(body: [UInt8], contentType: String) throws -> [Float] {
        let mediaType = contentType.split(separator: ";", maxSplits: 1).first
            .map { $0.trimmingCharacters(in: .whitespaces).lowercased() } ?? ""
        switch mediaType {
        case "image/png": return try pixels(png: body)
        case "application/json": return try pixels(json: body)
        case "": throw ServeError(.unsupportedMediaType, "say Content-Type: image/png or application/json")
        default:
            throw ServeError(.unsupportedMediaType, "Content-Type \(mediaType) is not accepted; send image/png or application/json")
        }
    }

    /// A PNG prepared like `kiso predict` does.
    static func pixels(png body: [UInt8]) throws -> [Float] {
        if let (width, height) = headerSize(png: body), width * height > maximumPNGPixels {
            throw ServeError(.badRequest, "the PNG is \(width)×\(height) pixels; at most \(maximumPNGPixels) are accepted")
        }
        let image: Image
        do { image = try PNG.decode(body) } catch {
            throw ServeError(.badRequest, "not a readable PNG: \(error)")
        }
        return image.mnistDigit().tensor().scalars
    }

    /// The width and height in a PNG's IHDR chunk (bytes 16…23), when the body is that long
    /// and starts with the PNG signature.
    static func headerSize(png body: [UInt8]) -> (Int, Int)? {
        guard body.count >= 24, Array(body[0..<8]) == PNG.signature else { return nil }
        func bigEndian(_ at: Int) -> Int { body[at..<at + 4].reduce(0) { $0 << 8 | Int($1) } }
        return (bigEndian(16), bigEndian(20))
    }

    /// The body of a JSON request.
    private struct Pixels: Decodable {
        var pixels: [Double]
    }

    /// `{"pixels": [784 numbers in 0…1]}`.
    static func pixels(json body: [UInt8]) throws -> [Float] {
        let values: [Double]
        do { values = try JSONDecoder().decode(Pixels.self, from: Data(body)).pixels } catch {
            throw ServeError(.badRequest, #"the body is not JSON of the form {"pixels": [784 numbers in 0…1]}"#)
        }
        guard values.count == pixelCount else {
            throw ServeError(.badRequest, "\"pixels\" holds \(values.count) numbers; a 28×28 picture needs \(pixelCount)")
        }
        if let bad = values.firstIndex(where: { !(0...1).contains($0) }) {
            throw ServeError(.badRequest, "pixels[\(bad)] = \(values[bad]) is outside 0…1")
        }
        return values.map(Float.init)
    }
}
