import Testing
import KisoPlot

@Suite struct SmoothingTests {
    @Test func matchesTheBooksSmoothCurve() {
        // x and smooth_curve(x) from the book's common/util.py with NumPy 2.4.
        let x: [Double] = (0..<15).map { (i: Int) -> Double in
            let a = Double((i * 7) % 13) * 0.1
            return a + 1 / Double(i + 1)
        }
        let expected = [0.8540733146589475, 0.8254702940485718, 0.8488260906629275, 0.8160644935273027,
                        0.8370345698005381, 0.8030295792309894, 0.8165011425408023, 0.8068804654360417,
                        0.7948460982256965, 0.7755886006464517, 0.7804018238751769, 0.7189312058034665,
                        0.7007922536122164, 0.6870946663395037, 0.6797310521498348]
        let y = smoothCurve(x)
        #expect(y.count == x.count)
        // Both sides sum 11 products of doubles of size ~1: rounding differences stay below 1e-14.
        for (a, b) in zip(y, expected) { #expect(abs(a - b) < 1e-14) }
    }

    @Test func constantSeriesStaysConstantAndShortSeriesAreUnchanged() {
        #expect(smoothCurve([Float](repeating: 2, count: 30)).allSatisfy { abs($0 - 2) < 1e-14 })
        #expect(smoothCurve([1.0, 5, 2]) == [1, 5, 2])
    }
}
