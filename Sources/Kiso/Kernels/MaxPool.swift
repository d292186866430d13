import CKisoKernels

extension Kernels {
    /// Whether ``maxPool2x2(_:planes:height:width:output:argmax:)`` handles `g`: a 2×2 window
    /// with stride 2, no padding, on a plane of even height and width (the book's pooling).
    public static func isMaxPool2x2(_ g: ConvolutionGeometry) -> Bool {
        g.filterHeight == 2 && g.filterWidth == 2 && g.stride == 2 && g.pad == 0 && g.height % 2 == 0 && g.width % 2 == 0
    }

    /// The vectorised 2×2, stride-2 case of ``maxPool(_:_:output:argmax:)`` for `planes`
    /// consecutive `height`×`width` planes (both even), with the same results.
    public static func maxPool2x2(_ input: UnsafePointer<Float>, planes: Int, height: Int, width: Int,
                                  output: UnsafeMutablePointer<Float>, argmax: UnsafeMutablePointer<Int32>) {
        kiso_max_pool_2x2(input, planes, height, width, output, argmax)
    }

    /// The gradient of ``maxPool2x2(_:planes:height:width:output:argmax:)``: writes every
    /// element of the `planes` input planes — the window's upstream gradient on its winner, 0
    /// elsewhere — so `dx` needs no zeroing first.
    public static func maxPool2x2Backward(_ dout: UnsafePointer<Float>, argmax: UnsafePointer<Int32>, planes: Int,
                                          height: Int, width: Int, into dx: UnsafeMutablePointer<Float>) {
        kiso_max_pool_2x2_backward(dout, argmax, planes, height, width, dx)
    }

    /// Max pooling of one H×W plane (the geometry's channel count is ignored): for each of
    /// the OH×OW windows, `output` gets the largest value and `argmax` the index h·W + w of
    /// its first occurrence in row-major window order (NumPy's `argmax`), or −1 when the
    /// maximum is a padding zero. The padding is zeros, as in the book (its im2col pads with 0).
    public static func maxPool(_ plane: UnsafePointer<Float>, _ g: ConvolutionGeometry,
                               output: UnsafeMutablePointer<Float>, argmax: UnsafeMutablePointer<Int32>) {
        let (h, w, oh, ow, s, p) = (g.height, g.width, g.outputHeight, g.outputWidth, g.stride, g.pad)
        if g.filterHeight == 2 && g.filterWidth == 2 && s == 2 && p == 0 {
            for y in 0..<oh {
                let top = plane + 2 * y * w, bottom = top + w
                for x in 0..<ow {
                    var best = top[2 * x], index = 2 * y * w + 2 * x
                    if top[2 * x + 1] > best { best = top[2 * x + 1]; index = 2 * y * w + 2 * x + 1 }
                    if bottom[2 * x] > best { best = bottom[2 * x]; index = (2 * y + 1) * w + 2 * x }
                    if bottom[2 * x + 1] > best { best = bottom[2 * x + 1]; index = (2 * y + 1) * w + 2 * x + 1 }
                    output[y * ow + x] = best
                    argmax[y * ow + x] = Int32(truncatingIfNeeded: index)
                }
            }
            return
        }
        for y in 0..<oh {
            for x in 0..<ow {
                var best = -Float.infinity, index = -1
                for i in 0..<g.filterHeight {
                    let ih = y * s + i - p
                    for j in 0..<g.filterWidth {
                        let iw = x * s + j - p
                        let inside = ih >= 0 && ih < h && iw >= 0 && iw < w
                        let v = inside ? plane[ih * w + iw] : 0
                        if v > best { best = v; index = inside ? ih * w + iw : -1 }
                    }
                }
                output[y * ow + x] = best
                argmax[y * ow + x] = Int32(truncatingIfNeeded: index)
            }
        }
    }

    /// The gradient of ``maxPool(_:_:output:argmax:)`` for one plane: adds each of the
    /// `positions` upstream gradients onto the input pixel that won its window
    /// (`plane[argmax[k]] += dout[k]`); windows won by padding contribute nothing. `plane`
    /// must be zeroed by the caller.
    public static func maxPoolBackward(_ dout: UnsafePointer<Float>, argmax: UnsafePointer<Int32>, positions: Int,
                                       addingInto plane: UnsafeMutablePointer<Float>) {
        for k in 0..<positions {
            let index = Int(argmax[k])
            if index >= 0 { plane[index] += dout[k] }
        }
    }
}
