/// The book's `smooth_curve` (common/util.py) for noisy loss curves: the series is mirrored by
/// 10 values at each end, convolved with an 11-point Kaiser window (β = 2) normalised to sum 1,
/// and cut back to its own length. Series shorter than 11 values are returned unchanged
/// (the mirroring needs them).
public func smoothCurve<C: Collection>(_ values: C) -> [Double] where C.Element: BinaryFloatingPoint {
    let x = values.map { Double($0) }
    let windowLength = 11, half = windowLength / 2
    guard x.count >= windowLength else { return x }
    let n = x.count
    // s = r_[x[10:0:-1], x, x[-1:-11:-1]]
    let s = (1..<windowLength).reversed().map { x[$0] } + x + (1..<windowLength).map { x[n - $0] }
    let w = kaiserWindow(length: windowLength, beta: 2)
    let total = w.reduce(0, +)
    // Full 'valid' convolution has n + 10 values; the book keeps [5, n + 5). The window is
    // symmetric, so convolution equals correlation.
    return (half..<(n + half)).map { i in
        var sum = 0.0
        for k in 0..<windowLength { sum += w[k] / total * s[i + k] }
        return sum
    }
}

/// `numpy.kaiser(length, beta)`: w[n] = I₀(β √(1 − (2n/(M−1) − 1)²)) / I₀(β).
func kaiserWindow(length: Int, beta: Double) -> [Double] {
    guard length > 1 else { return [1] }
    return (0..<length).map { n in
        let r = 2 * Double(n) / Double(length - 1) - 1
        return besselI0(beta * (max(0, 1 - r * r)).squareRoot()) / besselI0(beta)
    }
}

/// The modified Bessel function I₀(x) = Σₖ ((x/2)^k / k!)², summed until terms vanish.
func besselI0(_ x: Double) -> Double {
    var sum = 1.0, term = 1.0, k = 1.0
    while term > sum * 1e-17 {
        term *= (x / 2) * (x / 2) / (k * k)
        sum += term
        k += 1
    }
    return sum
}
