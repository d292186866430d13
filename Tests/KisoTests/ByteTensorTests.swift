import Testing
import Kiso

/// `ByteTensor`: bytes read as `Float(byte) * scale`, converted batch by batch.
@Suite struct ByteTensorTests {
    /// 5 samples of shape [2, 3] covering every byte value pattern a little.
    static let images = ByteTensor(shape: [5, 2, 3], bytes: (0..<30).map { UInt8(($0 * 37) % 256) }, scale: 1 / 255)

    @Test func everyByteConvertsToItsScaledValue() {
        let all = ByteTensor(shape: [256], bytes: (0...255).map { UInt8($0) }, scale: 1 / 255)
        let floats = all.floats().scalars
        for b in 0...255 {
            // The definition, bit for bit (the expression MNIST's float32 loader always used) …
            #expect(floats[b] == Float(b) * (1 / 255 as Float))
            // … and the book's x / 255 to within one unit in the last place: the reciprocal
            // 1/255 is rounded once (½ ulp) and the product once more (½ ulp).
            #expect(abs(floats[b] - Float(b) / 255) <= (Float(b) / 255).ulp)
        }
        #expect(floats[0] == 0 && floats[255] == 1)
    }

    @Test func gatheredBatchEqualsTheFloatRows() {
        let floats = Self.images.floats()
        #expect(floats.shape == [5, 2, 3])
        let indices = [4, 0, 4, -1, 2]                       // repeats and a negative index
        let batch = Self.images.batch(indices)
        #expect(batch.shape == [5, 2, 3])
        #expect(batch.scalars == floats[indices].scalars)
        #expect(Self.images.batch([]).shape == [0, 2, 3])
    }

    /// A book-sized batch (300 random rows of 784 bytes) is split over the threads and
    /// prefetched; it must still equal the float rows, and the float gather must equal an index loop.
    @Test func largeGatheredBatchesEqualTheFloatRows() {
        var generator = RandomGenerator(seed: 11)
        let bytes = (0..<(1000 * 784)).map { _ in UInt8(generator.nextInt(below: 256)) }
        let images = ByteTensor(shape: [1000, 784], bytes: bytes, scale: 1 / 255)
        let floats = images.floats()
        let indices = generator.choice(1000, 300)
        let batch = images.batch(indices), gathered = floats[indices]
        var expected = [Float](); expected.reserveCapacity(300 * 784)
        for i in indices { expected += bytes[(i * 784)..<((i + 1) * 784)].map { Float($0) * (1 / 255 as Float) } }
        #expect(batch.shape == [300, 784] && gathered.shape == [300, 784])
        #expect(batch.scalars == expected)
        #expect(gathered.scalars == expected)
    }

    @Test func rangeBatchEqualsTheFloatRows() {
        let floats = Self.images.floats()
        #expect(Self.images.batch(1..<4).shape == [3, 2, 3])
        #expect(Self.images.batch(1..<4).scalars == floats[1..<4].scalars)
        #expect(Self.images.batch(5..<5).shape == [0, 2, 3])
    }

    @Test func shapeViewsAndPrefix() {
        #expect(Self.images.sampleCount == 5 && Self.images.sampleShape == [2, 3] && Self.images.count == 30)
        let flat = Self.images.reshaped([5, 6])
        #expect(flat.batch([3]).scalars == Self.images.batch([3]).scalars)
        let first = Self.images.prefix(2)
        #expect(first.shape == [2, 2, 3] && first.bytes == Array(Self.images.bytes.prefix(12)))
        #expect(Self.images.prefix(9) == Self.images)
        let raw = ByteTensor(shape: [2], bytes: [7, 200])    // scale 1: the byte values themselves
        #expect(raw.floats().scalars == [7, 200])
    }

    @Test func tensorIsAMiniBatchSourceOfItsRows() {
        let x = Tensor.arange(12).reshaped(4, 3)
        #expect(x.sampleCount == 4 && x.sampleShape == [3])
        #expect(x.batch([3, 1]).scalars == x[[3, 1]].scalars)
        #expect(x.batch(1..<3).scalars == x[1..<3].scalars)
        #expect(Tensor(shape: [], scalars: [1]).sampleCount == 0)   // a scalar holds no samples
    }
}
