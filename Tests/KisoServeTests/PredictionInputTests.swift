import Foundation
import Kiso
import KisoData
import KisoServe
import Testing

/// `PredictionInput.decode`: what it accepts, what it refuses, and that no bytes make it trap.
@Suite struct PredictionInputTests {
    typealias F = ServeFixtures

    func status(_ body: [UInt8], _ contentType: String) -> Int? {
        do { _ = try PredictionInput.decode(body: body, contentType: contentType); return nil } catch let error as ServeError {
            return error.status.code
        } catch { return -1 }
    }

    @Test func aPNGBecomesTheDigitKisoPredictWouldSee() throws {
        let png = F.sevenPNG()
        let pixels = try PredictionInput.decode(body: png, contentType: "IMAGE/PNG")
        #expect(pixels == (try PNG.decode(png).mnistDigit().tensor().scalars))
        #expect(pixels.count == 784 && pixels.allSatisfy { (0...1).contains($0) })
        #expect(pixels.max() == 1)  // contrast stretched: the ink's brightest sample is 255
    }

    @Test func jsonPixelsAreTakenAsTheyAre() throws {
        let values = (0..<784).map { Float($0 % 11) / 10 }
        let body = Array(#"{"pixels": ["#.utf8) + Array(values.map { "\($0)" }.joined(separator: ", ").utf8) + Array("]}".utf8)
        #expect(try PredictionInput.decode(body: body, contentType: "application/json") == values)
    }

    @Test func aPNGClaimingAHugeSizeIsRefusedFromItsHeader() {
        var png = PNG.encode(Image(width: 1, height: 1))
        png.replaceSubrange(16..<24, with: [0, 0, 0x40, 0, 0, 0, 0x40, 0])  // 16384 × 16384
        #expect(status(png, "image/png") == 400)
    }

    /// libFuzzer's finding (Fuzz/regressions/serve/crash-png-size-overflow): an IHDR of
    /// 0xCFCFCFCF × 0xCFCFCFCF overflowed width × height and trapped; it is a 400 now.
    @Test func aPNGWhoseSizeOverflowsIsRefused() {
        var png = PNG.encode(Image(width: 1, height: 1))
        png.replaceSubrange(16..<24, with: [UInt8](repeating: 0xCF, count: 8))
        #expect(status(png, "image/png") == 400)
    }

    @Test func contentTypesOtherThanPNGAndJSONAre415() {
        #expect(status([1, 2, 3], "image/jpeg") == 415)
        #expect(status([1, 2, 3], "") == 415)
        #expect(status([1, 2, 3], ";;;") == 415)
    }

    @Test func mutatedPNGsAndJSONNeverTrap() {
        // A seeded walk of byte flips, truncations and insertions over both kinds of body.
        var generator = SplitMix(seed: 15)
        let seeds: [([UInt8], String)] = [
            (F.sevenPNG(), "image/png"),
            (Array(#"{"pixels": [0.5, 1, 0, 1e-3]}"#.utf8), "application/json"),
        ]
        var refused = 0
        for round in 0..<1500 {
            var (body, type) = seeds[round % 2]
            for _ in 0...(generator.next() % 8) {
                let at = Int(generator.next() % UInt64(max(body.count, 1)))
                switch generator.next() % 4 {
                case 0 where !body.isEmpty: body[at] = UInt8(truncatingIfNeeded: generator.next())
                case 1: body = Array(body.prefix(at))
                case 2: body.insert(UInt8(truncatingIfNeeded: generator.next()), at: min(at, body.count))
                default: body += body.prefix(16)
                }
            }
            if let code = status(body, type) {
                #expect(code == 400, "round \(round)")
                refused += 1
            }
        }
        #expect(refused > 0)
    }
}

/// A small seeded generator (SplitMix64) so the mutations are the same on every run.
struct SplitMix {
    var state: UInt64
    init(seed: UInt64) { state = seed }
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}
