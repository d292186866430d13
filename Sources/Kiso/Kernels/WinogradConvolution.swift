import CKisoKernels

extension Kernels {
    /// Winograd convolution for 3×3 filters with stride 1: F(4×4, 3×3) where the output's height
    /// and width are multiples of 4 (each 4×4 block of outputs costs 36 multiplies per channel
    /// and filter instead of 144), F(2×2, 3×3) elsewhere (16 instead of 36 per 2×2 block). With
    /// V = Bᵀ d B of a block's input patch d and U = G g Gᵀ of the filter g, the block's outputs
    /// are Aᵀ (U ⊙ V) A, and the sum over channels becomes, for each position of the patch, one
    /// matrix product (blocks × C)·(C × FN) on register-tiled kernels; the filter gradient is the
    /// same product the other way, ∂U = ∂Mᵀ·V with ∂M = A ∂y Aᵀ, ∂g = Gᵀ ∂U G.
    ///
    /// Rounding: F(2×2)'s transforms have coefficients ±1 and ½, so results stay within a few
    /// float32 ulps of Σ|terms| like the direct method's. F(4×4)'s have coefficients up to 8 (and
    /// 1/24), which amplifies rounding: measured errors are about 1e-5 of Σ|terms| (relative to
    /// the outputs' size, 1e-5 to 3e-5), against 1e-6 for F(2×2) — far below what training
    /// notices (float16 storage, at 5e-4, does not change accuracy).
    ///
    /// Single-threaded per call; callers split images between threads, each with its own
    /// `scratch` of ``scratchSize(filters:_:)`` floats, and pass all of a thread's images at
    /// once (small images are processed several per block of work).
    public enum WinogradConvolution {
        /// Whether `g` (with `filters` filters) runs faster here than the direct kernels: 3×3
        /// filters, stride 1, pad ≤ 2, and at least 8 channels and 8 filters (the products run
        /// on runs of 16 channels; with fewer, most of each run would be padding).
        public static func supports(_ g: ConvolutionGeometry, filters: Int) -> Bool {
            g.filterHeight == 3 && g.filterWidth == 3 && g.stride == 1 && g.pad <= 2 && g.channels >= 8 && filters >= 8
        }

        /// Floats needed by ``packFilters(_:filters:_:adjoint:into:)`` (either direction).
        public static func packedFiltersSize(filters: Int, _ g: ConvolutionGeometry) -> Int {
            kiso_winograd_packed_filters_size(filters, g.channels)
        }

        /// Per-thread scratch floats for ``forward(_:images:_:packedFilters:bias:filters:relu:output:scratch:)``
        /// and ``backward(_:dout:images:_:adjointFilters:filters:filterGradient:biasGradient:inputGradient:scratch:)``.
        public static func scratchSize(filters: Int, _ g: ConvolutionGeometry) -> Int {
            kiso_winograd_scratch_size(g.channels, g.height, g.width, g.pad, filters)
        }

        /// Transforms filters `w` ([FN, C, 3, 3]) to U = G g Gᵀ for `forward`, or with `adjoint`
        /// those of the turned, channel-swapped filters W′[c][f][i][j] = W[f][c][2−i][2−j] that
        /// `backward` convolves the upstream gradient with. Split over the threads by depth.
        public static func packFilters(_ w: UnsafePointer<Float>, filters: Int, _ g: ConvolutionGeometry,
                                       adjoint: Bool, into packed: UnsafeMutablePointer<Float>) {
            let depth = adjoint ? filters : g.channels, (pw, pp) = (UnsafeSendableBox(w), UnsafeSendableBox(packed))
            Kernels.parallelFor(depth, grain: Swift.max(1, 256 / Swift.max(1, adjoint ? g.channels : filters))) { r in
                kiso_winograd_pack_filters_depth(pw.value, filters, g.channels, adjoint ? g.height : g.outputHeight,
                                                 adjoint ? g.width : g.outputWidth, adjoint ? 1 : 0,
                                                 r.lowerBound, r.upperBound, pp.value)
            }
        }

        /// out[n][f][y][x] = bias[f] + Σ_{c,i,j} W[f][c][i][j] · image[n][c][y + i − P][x + j − P]
        /// for `images` consecutive C×H×W images, or max(that, 0) with `relu`; `output` is
        /// images × FN×OH×OW. `bias` may be nil.
        public static func forward(_ image: UnsafePointer<Float>, images: Int, _ g: ConvolutionGeometry,
                                   packedFilters: UnsafePointer<Float>, bias: UnsafePointer<Float>?, filters: Int,
                                   relu: Bool = false, output: UnsafeMutablePointer<Float>, scratch: UnsafeMutablePointer<Float>) {
            kiso_winograd_forward(image, images, g.channels, g.height, g.width, g.pad, packedFilters, bias, filters,
                                  relu ? 1 : 0, output, scratch)
        }

        /// For `images` consecutive images (each C×H×W) and their upstream gradients `dout`
        /// (each FN×OH×OW): adds ∂L/∂W to `filterGradient` ([FN, C, 3, 3]) and ∂L/∂b to
        /// `biasGradient` ([FN]), and writes ∂L/∂image (each C×H×W) into `inputGradient` unless
        /// it is nil.
        public static func backward(_ image: UnsafePointer<Float>, dout: UnsafePointer<Float>, images: Int, _ g: ConvolutionGeometry,
                                    adjointFilters: UnsafePointer<Float>, filters: Int,
                                    filterGradient: UnsafeMutablePointer<Float>, biasGradient: UnsafeMutablePointer<Float>,
                                    inputGradient: UnsafeMutablePointer<Float>?, scratch: UnsafeMutablePointer<Float>) {
            kiso_winograd_backward(image, dout, images, g.channels, g.height, g.width, g.pad, adjointFilters, filters,
                                   filterGradient, biasGradient, inputGradient, scratch)
        }
    }
}
