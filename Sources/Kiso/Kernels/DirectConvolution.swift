import CKisoKernels

extension Kernels {
    /// Direct stride-1 convolution of one image, without building an im2col matrix: the image
    /// is zero-padded and stored FW times, each copy shifted by one more column, so that every
    /// filter tap is a constant offset from an output position (and no position is spent on
    /// padding columns); a register-tiled kernel (AVX2+FMA when the CPU has it) accumulates FN × positions
    /// tiles straight from it. Faster than im2col + sgemm for the book's 3×3 and 5×5 filters,
    /// because the (C·FH·FW)×(OH·OW) column matrix is never written, read or packed.
    ///
    /// Single-threaded per call; callers split images between threads, each with its own
    /// `scratch` of ``scratchSize(filters:_:)`` floats.
    public enum DirectConvolution {
        /// Whether `g` can run here: stride 1, square filters, and pad ≤ FH − 1 (so that the
        /// input gradient is again a convolution with non-negative padding).
        public static func supports(_ g: ConvolutionGeometry) -> Bool {
            g.stride == 1 && g.filterHeight == g.filterWidth && g.pad <= g.filterHeight - 1
        }

        /// Floats needed by ``packFilters(_:filters:_:adjoint:into:)`` for `filters` filters over `g`.
        public static func packedFiltersSize(filters: Int, _ g: ConvolutionGeometry) -> Int {
            kiso_conv_packed_filters_size(filters, g.channels, g.filterHeight, g.filterWidth)
        }

        /// Per-thread scratch floats for ``forward(_:_:packedFilters:bias:filters:output:scratch:)``
        /// and ``backward(_:dout:_:adjointFilters:filters:filterGradient:biasGradient:inputGradient:scratch:)``.
        public static func scratchSize(filters: Int, _ g: ConvolutionGeometry) -> Int {
            kiso_conv_scratch_size(g.channels, g.height, g.width, g.pad, filters, g.filterHeight, g.filterWidth)
        }

        /// Packs filters `w` ([FN, C, FH, FW]) into register-tile order for `forward`, or with
        /// `adjoint` the flipped, channel-swapped filters W′[c][f][i][j] = W[f][c][FH−1−i][FW−1−j]
        /// that `backward` convolves the upstream gradient with.
        public static func packFilters(_ w: UnsafePointer<Float>, filters: Int, _ g: ConvolutionGeometry,
                                       adjoint: Bool, into packed: UnsafeMutablePointer<Float>) {
            kiso_conv_pack_filters(w, filters, g.channels, g.filterHeight, g.filterWidth, adjoint ? 1 : 0, packed)
        }

        /// out[f][y][x] = bias[f] + Σ_{c,i,j} W[f][c][i][j] · image[c][y + i − P][x + j − P] for one
        /// C×H×W image, or max(that, 0) with `relu` (a ReLU fused into the output write);
        /// `output` is FN×OH×OW. `bias` may be nil.
        public static func forward(_ image: UnsafePointer<Float>, _ g: ConvolutionGeometry,
                                   packedFilters: UnsafePointer<Float>, bias: UnsafePointer<Float>?, filters: Int,
                                   relu: Bool = false, output: UnsafeMutablePointer<Float>, scratch: UnsafeMutablePointer<Float>) {
            kiso_conv_forward(image, g.channels, g.height, g.width, g.pad, packedFilters, bias, filters,
                              g.filterHeight, g.filterWidth, relu ? 1 : 0, output, scratch)
        }

        /// For `images` consecutive images (starting at `image`, each C×H×W) and their upstream
        /// gradients `dout` (each FN×OH×OW): adds ∂L/∂W to `filterGradient` ([FN, C, FH, FW])
        /// and ∂L/∂b to `biasGradient` ([FN]), and writes ∂L/∂image (each C×H×W) into
        /// `inputGradient` unless it is nil. Small planes are stacked several images per
        /// kernel call, so pass all of a thread's images at once.
        public static func backward(_ image: UnsafePointer<Float>, dout: UnsafePointer<Float>, images: Int, _ g: ConvolutionGeometry,
                                    adjointFilters: UnsafePointer<Float>, filters: Int,
                                    filterGradient: UnsafeMutablePointer<Float>, biasGradient: UnsafeMutablePointer<Float>,
                                    inputGradient: UnsafeMutablePointer<Float>?, scratch: UnsafeMutablePointer<Float>) {
            kiso_conv_backward(image, dout, images, g.channels, g.height, g.width, g.pad, adjointFilters, filters,
                               g.filterHeight, g.filterWidth, filterGradient, biasGradient, inputGradient, scratch)
        }
    }
}
