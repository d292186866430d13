extension Kernels {
    /// Unfolds one C×H×W image into its column matrix in channel-major layout,
    /// (C·FH·FW) rows × (OH·OW) columns, row-major:
    ///
    ///     col[(c·FH + i)·FW + j][oh·OW + ow] = x[c][oh·S + i − P][ow·S + j − P]   (0 in the padding)
    ///
    /// With this layout `W[FN × C·FH·FW] · col` is the image's convolution already in
    /// FN×OH×OW (NCHW) order, so no transpose is needed, and for stride 1 every row is a run
    /// of contiguous copies. (The book's im2col is the transpose of this, per image.)
    public static func im2col(_ image: UnsafePointer<Float>, _ g: ConvolutionGeometry,
                              into col: UnsafeMutablePointer<Float>) {
        let (h, w, oh, ow, s) = (g.height, g.width, g.outputHeight, g.outputWidth, g.stride)
        var row = col
        for c in 0..<g.channels {
            let plane = image + c * h * w
            for i in 0..<g.filterHeight {
                let rows = validOutputs(tap: i, pad: g.pad, stride: s, input: h, output: oh)
                for j in 0..<g.filterWidth {
                    let cols = validOutputs(tap: j, pad: g.pad, stride: s, input: w, output: ow)
                    row.update(repeating: 0, count: rows.lowerBound * ow)
                    for y in rows {
                        let dst = row + y * ow
                        let src = plane + (y * s + i - g.pad) * w + (j - g.pad)
                        for x in 0..<cols.lowerBound { dst[x] = 0 }
                        if s == 1 {
                            for x in cols { dst[x] = src[x] }
                        } else {
                            for x in cols { dst[x] = src[x * s] }
                        }
                        for x in cols.upperBound..<ow { dst[x] = 0 }
                    }
                    (row + rows.upperBound * ow).update(repeating: 0, count: (oh - rows.upperBound) * ow)
                    row += oh * ow
                }
            }
        }
    }

    /// The adjoint of ``im2col(_:_:into:)``: adds every element of a channel-major column
    /// matrix ((C·FH·FW) × (OH·OW)) onto the image pixel it was copied from; elements that
    /// came from the padding are dropped. Overlapping windows accumulate, as in the book's
    /// col2im, so this is the gradient of im2col.
    public static func col2im(_ col: UnsafePointer<Float>, _ g: ConvolutionGeometry,
                              addingInto image: UnsafeMutablePointer<Float>) {
        let (h, w, oh, ow, s) = (g.height, g.width, g.outputHeight, g.outputWidth, g.stride)
        var row = col
        for c in 0..<g.channels {
            let plane = image + c * h * w
            for i in 0..<g.filterHeight {
                let rows = validOutputs(tap: i, pad: g.pad, stride: s, input: h, output: oh)
                for j in 0..<g.filterWidth {
                    let cols = validOutputs(tap: j, pad: g.pad, stride: s, input: w, output: ow)
                    for y in rows {
                        let src = row + y * ow
                        let dst = plane + (y * s + i - g.pad) * w + (j - g.pad)
                        if s == 1 {
                            for x in cols { dst[x] += src[x] }
                        } else {
                            for x in cols { dst[x * s] += src[x] }
                        }
                    }
                    row += oh * ow
                }
            }
        }
    }

    /// The output positions o in 0..<output whose input index o·stride + tap − pad lies in
    /// 0..<input (the rest read the zero padding).
    @inline(__always)
    static func validOutputs(tap: Int, pad: Int, stride: Int, input: Int, output: Int) -> Range<Int> {
        // o·stride ≥ pad − tap  and  o·stride ≤ input − 1 + pad − tap
        let low = Swift.min(output, Swift.max(0, ceilDivide(pad - tap, stride)))
        let high = Swift.min(output, floorDivide(input - 1 + pad - tap, stride) + 1)
        return low..<Swift.max(low, high)
    }

    @inline(__always)
    static func floorDivide(_ a: Int, _ b: Int) -> Int {
        let q = a / b
        return (a % b != 0 && a < 0) ? q - 1 : q
    }

    @inline(__always)
    static func ceilDivide(_ a: Int, _ b: Int) -> Int {
        -floorDivide(-a, b)
    }
}
