/// The sizes of one sliding-window operation (convolution or pooling) on a C×H×W image:
/// a filter of FH×FW moved with `stride` over the image zero-padded by `pad` on every side.
///
/// The output has OH×OW positions, where OH = ⌊(H + 2·pad − FH) / stride⌋ + 1 (likewise OW):
/// as in the book and PyTorch, a window that would hang over the padded border is dropped, so
/// the last rows or columns of the input may be read by no window.
public struct ConvolutionGeometry: Sendable, Equatable, CustomStringConvertible {
    /// Channels C, height H and width W of one input image.
    public let channels: Int, height: Int, width: Int
    /// Filter (window) height FH and width FW.
    public let filterHeight: Int, filterWidth: Int
    /// Step between windows, and zero padding added to each side of the image.
    public let stride: Int, pad: Int
    /// Output height OH and width OW.
    public let outputHeight: Int, outputWidth: Int

    /// The geometry of a FH×FW window moved with `stride` over a C×H×W image padded by `pad`.
    /// - Throws: ``ConvolutionShapeError`` when a size is not positive, the padding is negative,
    ///   or the filter is larger than the padded image.
    public init(channels: Int, height: Int, width: Int,
                filterHeight: Int, filterWidth: Int, stride: Int = 1, pad: Int = 0) throws(ConvolutionShapeError) {
        guard channels > 0, height > 0, width > 0, filterHeight > 0, filterWidth > 0, stride > 0, pad >= 0 else {
            throw .invalidParameters(channels: channels, height: height, width: width, filterHeight: filterHeight,
                                     filterWidth: filterWidth, stride: stride, pad: pad)
        }
        self.channels = channels
        self.height = height
        self.width = width
        self.filterHeight = filterHeight
        self.filterWidth = filterWidth
        self.stride = stride
        self.pad = pad
        outputHeight = try Self.outputSize(input: height, filter: filterHeight, stride: stride, pad: pad, axis: "height")
        outputWidth = try Self.outputSize(input: width, filter: filterWidth, stride: stride, pad: pad, axis: "width")
    }

    /// ⌊(input + 2·pad − filter) / stride⌋ + 1, the number of window positions along one axis.
    /// - Throws: ``ConvolutionShapeError/filterLargerThanInput(axis:input:filter:pad:)`` when the
    ///   filter does not fit in the padded input.
    public static func outputSize(input: Int, filter: Int, stride: Int, pad: Int,
                                  axis: String = "size") throws(ConvolutionShapeError) -> Int {
        let span = input + 2 * pad - filter
        guard span >= 0 else { throw .filterLargerThanInput(axis: axis, input: input, filter: filter, pad: pad) }
        return span / stride + 1
    }

    /// Rows of one image's column matrix: C·FH·FW (one per filter tap).
    public var patchSize: Int { channels * filterHeight * filterWidth }
    /// Output positions per channel: OH·OW.
    public var outputPositions: Int { outputHeight * outputWidth }
    /// Elements of one input image: C·H·W.
    public var imageSize: Int { channels * height * width }

    /// The sizes in one line, e.g. `1×28×28 image, 5×5 window, stride 1, pad 0 → 24×24`.
    public var description: String {
        "\(channels)×\(height)×\(width) image, \(filterHeight)×\(filterWidth) window, stride \(stride), pad \(pad) → \(outputHeight)×\(outputWidth)"
    }
}

/// An impossible sliding-window configuration, with a message naming the sizes.
public enum ConvolutionShapeError: Error, Equatable, CustomStringConvertible {
    /// The filter is larger than the padded input.
    case filterLargerThanInput(axis: String, input: Int, filter: Int, pad: Int)
    /// A size, filter or stride that is not positive, or a negative pad.
    case invalidParameters(channels: Int, height: Int, width: Int, filterHeight: Int, filterWidth: Int, stride: Int, pad: Int)

    /// The problem and the sizes involved, with the fix where there is one.
    public var description: String {
        switch self {
        case let .filterLargerThanInput(axis, input, filter, pad):
            return "filter \(axis) \(filter) is larger than the padded input \(axis) \(input) + 2·\(pad)"
        case let .invalidParameters(c, h, w, fh, fw, stride, pad):
            return "invalid sliding window: input \(c)×\(h)×\(w), filter \(fh)×\(fw), stride \(stride), pad \(pad) (sizes and stride must be positive, pad ≥ 0)"
        }
    }
}
