import Testing
import Kiso
import KisoPlot

@Suite struct HistogramTests {
    @Test func binsLikeNumpyLastBinClosedOutsideValuesDropped() {
        // numpy.histogram([0, 0.25, 0.5, 1, 1.5, -1, nan], bins=2, range=(0, 1)) → [2, 2]
        let h = Histogram([0, 0.25, 0.5, 1, 1.5, -1, Double.nan], bins: 2, range: 0...1)
        #expect(h.counts == [2, 2])
        #expect(h.edges == [0, 0.5, 1])
    }

    @Test func defaultRangeIsTheDataRange() {
        let h = Histogram([Float(3), 1, 2, 2], bins: 4)
        #expect(h.edges == [1, 1.5, 2, 2.5, 3])
        #expect(h.counts == [1, 0, 2, 1])
        #expect(Histogram([5.0, 5.0], bins: 2).edges == [4.5, 5, 5.5])
    }

    @Test func tensorScalarsAreAllCounted() {
        let t = Tensor(shape: [2, 3], scalars: [0.1, 0.2, 0.3, 0.7, 0.8, 0.9])
        #expect(Histogram(t, bins: 3, range: 0...0.9).counts.reduce(0, +) == 6)
    }
}
