import Foundation
import Kiso
import KisoData
import KisoPlot

/// Figures shaped like the book's, shared by the structure tests and the gallery.
enum Examples {
    static var all: [(String, Figure)] {
        [("activations", activations()), ("losses", losses()), ("gradient-descent", gradientDescent()),
         ("quiver", quiver()), ("optimizers", optimizers()), ("histograms", histograms()),
         ("batchnorm-grid", smallGrid())]
    }

    static func range(_ a: Double, _ b: Double, _ step: Double) -> [Double] {
        Array(stride(from: a, to: b, by: step))
    }

    /// Book figures 3-3…3-6: step, sigmoid, ReLU, tanh.
    static func activations() -> Figure {
        var figure = Figure()
        let x = range(-5, 5, 0.1)
        figure[0, 0].line(x: x, y: x.map { $0 > 0 ? 1.0 : 0.0 }, label: "step", style: .dashed)
        figure[0, 0].line(x: x, y: x.map { 1 / (1 + exp(-$0)) }, label: "sigmoid")
        figure[0, 0].line(x: x, y: x.map { max(0, $0) / 5 }, label: "ReLU / 5", style: .dotted)
        figure[0, 0].line(x: x, y: x.map { tanh($0) }, label: "tanh", style: .dashDot)
        figure[0, 0].yLimits = -1.1...1.1
        figure[0, 0].xLabel = "x"
        figure[0, 0].yLabel = "y"
        figure[0, 0].title = "Activation functions <&>"
        return figure
    }

    /// Loss curves of four optimizers on a log axis, markers every 100 iterations.
    static func losses() -> Figure {
        var figure = Figure()
        let markers: [Marker] = [.circle, .cross, .square, .diamond]
        for (k, name) in ["SGD", "Momentum", "AdaGrad", "Adam"].enumerated() {
            let rate = 0.001 * Double(k + 1)
            let y = (0..<2000).map { i in 2.3 * exp(-rate * Double(i)) + 0.02 + 0.01 * sin(Double(i) * 0.3) }
            figure[0, 0].line(y, label: name, marker: markers[k], markEvery: 100)
        }
        figure[0, 0].yScale = .log
        figure[0, 0].xLabel = "iterations"
        figure[0, 0].yLabel = "loss"
        return figure
    }

    /// Gradient descent on x0² + x1² from (-3, 4), over its contour lines.
    static func gradientDescent() -> Figure {
        var figure = Figure(width: 560, height: 480)
        var p = (-3.0, 4.0), path: [(Double, Double)] = []
        for _ in 0..<20 { path.append(p); p = (p.0 - 0.1 * 2 * p.0, p.1 - 0.1 * 2 * p.1) }
        figure[0, 0].contour(x: -4.5...4.5, y: -4.5...4.5, levels: [1, 4, 9, 16]) { $0 * $0 + $1 * $1 }
        figure[0, 0].line(x: [-5, 5], y: [0, 0], color: Color(hex: 0x0000ff), style: .dashed, width: 1)
        figure[0, 0].line(x: [0, 0], y: [-5, 5], color: Color(hex: 0x0000ff), style: .dashed, width: 1)
        figure[0, 0].scatter(x: path.map(\.0), y: path.map(\.1), label: "x", color: Color.cycle[0])
        figure[0, 0].xLimits = -3.5...3.5
        figure[0, 0].yLimits = -4.5...4.5
        figure[0, 0].xLabel = "X0"
        figure[0, 0].yLabel = "X1"
        return figure
    }

    /// The negative gradient field of x0² + x1² (book figure 4-9).
    static func quiver() -> Figure {
        var figure = Figure()
        let g = range(-2, 2.5, 0.25)
        var x: [Double] = [], y: [Double] = []
        for b in g { for a in g { x.append(a); y.append(b) } }
        figure[0, 0].arrows(x: x, y: y, u: x.map { -2 * $0 }, v: y.map { -2 * $0 })
        figure[0, 0].xLimits = -2...2
        figure[0, 0].yLimits = -2...2
        figure[0, 0].xLabel = "x0"
        figure[0, 0].yLabel = "x1"
        figure[0, 0].grid = true
        return figure
    }

    /// Optimizer trajectories on x²/20 + y², a 2 × 2 grid.
    static func optimizers() -> Figure {
        var figure = Figure(width: 800, height: 640, rows: 2, columns: 2)
        for (k, name) in ["SGD", "Momentum", "AdaGrad", "Adam"].enumerated() {
            var p = (-7.0, 2.0), xs: [Double] = [], ys: [Double] = []
            let lr = [0.95, 0.1, 1.5, 0.3][k]
            for _ in 0..<30 { xs.append(p.0); ys.append(p.1); p = (p.0 - lr * p.0 / 10 * 0.5, p.1 - lr * 2 * p.1 * 0.4) }
            var axes = Axes(title: name, xLabel: "x", yLabel: "y")
            axes.contour(x: -10...10, y: -5...5, resolution: 81) { x, y in
                let z = x * x / 20 + y * y
                return z > 7 ? 0 : z
            }
            axes.line(x: xs, y: ys, color: Color(hex: 0xff0000), marker: .circle, markerSize: 5)
            axes.scatter(x: [0], y: [0], color: Color(hex: 0x000000), marker: .plus, size: 9)
            axes.xLimits = -10...10
            axes.yLimits = -10...10
            figure[k / 2, k % 2] = axes
        }
        return figure
    }

    /// Activation histograms of five layers side by side.
    static func histograms() -> Figure {
        var figure = Figure(width: 1000, height: 300, columns: 5)
        var state: UInt64 = 42
        func uniform() -> Double {
            state = state &* 6364136223846793005 &+ 1442695040888963407
            return Double(state >> 11) / Double(1 << 53)
        }
        for layer in 0..<5 {
            let values = (0..<1000).map { _ in 1 / (1 + exp(-(uniform() - 0.5) * 8 / Double(layer + 1))) }
            figure[0, layer].histogram(values, bins: 30, range: 0...1)
            figure[0, layer].title = "\(layer + 1)-layer"
            figure[0, layer].showsYTicks = layer == 0
        }
        return figure
    }

    /// A 4 × 4 grid of small train/test accuracy charts (batch normalisation's figure).
    static func smallGrid() -> Figure {
        var figure = Figure(width: 1000, height: 900, rows: 4, columns: 4)
        figure.fontSize = 10
        figure.title = "Batch Normalization vs. normal"
        for k in 0..<16 {
            let epochs = (0..<20).map(Double.init)
            let title = k == 1 ? "Best-2 (val acc:0.83) lr:0.00512, weight decay:1.2e-07" : "w: \(formatted(pow(10, -4 + Double(k) * 0.25)))"
            var axes = Axes(title: title)
            axes.line(x: epochs, y: epochs.map { 1 - 0.9 * exp(-$0 / Double(k + 2)) }, label: "Batch Normalization")
            axes.line(x: epochs, y: epochs.map { 1 - 0.9 * exp(-$0 / Double(k + 6)) }, label: "Normal(without BatchNorm)",
                      style: .dashed)
            axes.yLimits = 0...1
            axes.legend = k == 15 ? .lowerRight : .hidden
            if k % 4 == 0 { axes.yLabel = "accuracy" }
            if k >= 12 { axes.xLabel = "epochs" }
            figure[k / 4, k % 4] = axes
        }
        return figure
    }

    static func formatted(_ v: Double) -> String {
        String(Double((v * 1e6).rounded()) / 1e6)
    }

    /// Image grids: 30 synthetic 5 × 5 filters (min-max, gray_r), and MNIST test digits with
    /// "true/pred" captions when the shared data is present.
    static func grids() throws -> [(String, ImageGrid)] {
        var filters = ImageGrid(columns: 10, scale: 6, padding: 3)
        filters.normalization = .minMax
        filters.invert = true
        let values = (0..<(30 * 25)).map { (i: Int) -> Float in
            let filter = Double(i / 25), column = Double(i % 5)
            return Float(sin(Double(i) * 0.37) + cos(filter * column))
        }
        filters.add(batch: Tensor(shape: [30, 1, 5, 5], scalars: values))
        var result = [("filters", filters)]
        let mnist = URL(fileURLWithPath: "/work/shared/data/mnist/t10k-images-idx3-ubyte.gz")
        if FileManager.default.fileExists(atPath: mnist.path) {
            let images = try MNIST.readImages(mnist)
            var digits = ImageGrid(columns: 10, scale: 2, padding: 4, captionScale: 2)
            digits.invert = true
            let first = Tensor(shape: [20, 784], scalars: Array(images.scalars[0..<(20 * 784)]))
            digits.add(batch: first, captions: (0..<20).map { "\($0 % 10)/\(($0 * 3) % 10)" },
                       captionColor: Color(hex: 0xd62728))
            result.append(("misclassified", digits))
        }
        return result
    }
}
