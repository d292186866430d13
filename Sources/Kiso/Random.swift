import Foundation

/// A seedable pseudo-random generator (xoshiro256** seeded through SplitMix64): the same
/// seed gives the same numbers on every platform. Conforms to `RandomNumberGenerator`, so
/// it also drives Swift's own `shuffled(using:)` and `random(in:using:)`.
public struct RandomGenerator: RandomNumberGenerator, Sendable, Codable, Equatable {
    private var s0, s1, s2, s3: UInt64
    private var spareNormal: Double?

    /// A generator whose whole sequence is determined by `seed`.
    public init(seed: UInt64) {
        var x = seed
        func splitmix() -> UInt64 {
            x &+= 0x9E37_79B9_7F4A_7C15
            var z = x
            z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
            z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
            return z ^ (z >> 31)
        }
        s0 = splitmix(); s1 = splitmix(); s2 = splitmix(); s3 = splitmix()
        spareNormal = nil
    }

    /// The next 64 random bits.
    public mutating func next() -> UInt64 {
        let result = ((s1 &* 5) << 7 | (s1 &* 5) >> 57) &* 9
        let t = s1 << 17
        s2 ^= s0; s3 ^= s1; s1 ^= s2; s0 ^= s3
        s2 ^= t
        s3 = (s3 << 45) | (s3 >> 19)
        return result
    }

    /// A uniform double in [0, 1) with 53 random bits.
    public mutating func nextUniform() -> Double {
        Double(next() >> 11) * 0x1.0p-53
    }

    /// A standard normal double (Box–Muller, using both outputs).
    public mutating func nextNormal() -> Double {
        if let spare = spareNormal { spareNormal = nil; return spare }
        var u1 = nextUniform()
        while u1 <= 0 { u1 = nextUniform() }
        let u2 = nextUniform()
        let r = (-2 * Foundation.log(u1)).squareRoot()
        spareNormal = r * Foundation.sin(2 * Double.pi * u2)
        return r * Foundation.cos(2 * Double.pi * u2)
    }

    /// A uniform integer in `0..<upperBound` (unbiased).
    public mutating func nextInt(below upperBound: Int) -> Int {
        kisoPrecondition(upperBound > 0, "RandomGenerator.nextInt: upper bound \(upperBound) must be positive")
        return Int(next(upperBound: UInt64(upperBound)))
    }

    /// A random ordering of `0..<n` (Fisher–Yates), like `np.random.permutation(n)`.
    public mutating func permutation(_ n: Int) -> [Int] {
        var p = Array(0..<n)
        if n > 1 {
            for i in stride(from: n - 1, to: 0, by: -1) { p.swapAt(i, nextInt(below: i + 1)) }
        }
        return p
    }

    /// `k` integers drawn from `0..<n` with replacement, like `np.random.choice(n, k)`.
    public mutating func choice(_ n: Int, _ k: Int) -> [Int] {
        (0..<k).map { _ in nextInt(below: n) }
    }

    /// `k` distinct integers drawn from `0..<n`, like `np.random.choice(n, k, replace=False)`.
    public mutating func choiceWithoutReplacement(_ n: Int, _ k: Int) -> [Int] {
        kisoPrecondition(k <= n, "choiceWithoutReplacement: cannot draw \(k) distinct values from \(n)")
        return Array(permutation(n).prefix(k))
    }
}

extension Tensor {
    /// Standard normal samples of `shape` (`np.random.randn`).
    public static func randn(_ shape: [Int], using rng: inout RandomGenerator) -> Tensor {
        Tensor(shape: shape, unsafeUninitialized: { out in for i in 0..<out.count { out[i] = Float(rng.nextNormal()) } })
    }

    /// Uniform samples in [0, 1) of `shape` (`np.random.rand`).
    public static func rand(_ shape: [Int], using rng: inout RandomGenerator) -> Tensor {
        uniform(shape, low: 0, high: 1, using: &rng)
    }

    /// Uniform samples in [low, high) of `shape` (`np.random.uniform`).
    public static func uniform(_ shape: [Int], low: Float, high: Float, using rng: inout RandomGenerator) -> Tensor {
        kisoPrecondition(low <= high, "Tensor.uniform: low \(low) is above high \(high)")
        return Tensor(shape: shape, unsafeUninitialized: { out in
            for i in 0..<out.count { out[i] = Float(Double(low) + Double(high - low) * rng.nextUniform()) }
        })
    }
}
