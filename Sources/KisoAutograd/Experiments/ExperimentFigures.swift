import Foundation
import Kiso
import KisoPlot

/// The figures of the sequel's experiments, drawn with KisoPlot.
public enum ExperimentFigures {
    /// y = x⁴ − 2x² with Newton's iterates marked on it (step 33).
    public static func newton(iterates: [Float]) -> Figure {
        var axes = Axes(title: "Newton's method on y = x⁴ − 2x²", xLabel: "x", yLabel: "y")
        let xs = stride(from: -2.2, through: 2.2, by: 0.02).map { $0 }
        axes.line(x: xs, y: xs.map { $0 * $0 * $0 * $0 - 2 * $0 * $0 }, label: "y")
        let points = iterates.map(Double.init)
        axes.line(x: points, y: points.map { $0 * $0 * $0 * $0 - 2 * $0 * $0 }, label: "iterates", style: .dashed, marker: .circle)
        var figure = Figure()
        figure[0, 0] = axes
        return figure
    }

    /// Contours of the Rosenbrock function with the path of gradient descent (step 28).
    public static func rosenbrock(path: [(x0: Float, x1: Float)]) -> Figure {
        var axes = Axes(title: "Gradient descent on the Rosenbrock function", xLabel: "x0", yLabel: "x1")
        axes.contour(x: -2...2, y: -1...3, resolution: 121, levels: [1, 4, 16, 64, 256, 1024]) { x0, x1 in
            100 * (x1 - x0 * x0) * (x1 - x0 * x0) + (1 - x0) * (1 - x0)
        }
        axes.line(x: path.map(\.x0), y: path.map(\.x1), label: "path", marker: .circle, markerSize: 3,
                  markEvery: Swift.max(path.count / 50, 1))
        axes.scatter(x: [1.0], y: [1.0], label: "minimum (1, 1)", marker: .cross, size: 10)
        var figure = Figure()
        figure[0, 0] = axes
        return figure
    }

    /// The noisy sine data and the network's prediction over [0, 1] (steps 43–45).
    public static func sinRegression(_ result: SinRegression.Result) -> Figure {
        var axes = Axes(title: "Fitting y = sin(2πx) + noise with a 1-10-1 network", xLabel: "x", yLabel: "y")
        axes.scatter(x: result.x.scalars, y: result.y.scalars, label: "data", size: 5)
        let grid = Tensor.linspace(0, 1, count: 101).reshaped([101, 1])
        let prediction = withNoGrad { result.model(Variable(grid)) }
        axes.line(x: grid.scalars, y: prediction.data.scalars, label: "prediction", color: Color.cycle[3])
        var figure = Figure()
        figure[0, 0] = axes
        return figure
    }

    /// The spiral's points over the regions each class wins, the decision boundary (step 48).
    public static func spiral(_ result: SpiralTraining.Result, resolution: Int = 60) -> Figure {
        var axes = Axes(title: "Spiral: decision regions of the trained MLP", xLabel: "x0", yLabel: "x1")
        let range: ClosedRange<Float> = -1.1...1.1
        let regions = SpiralTraining.decisionRegions(of: result.model, range: range, resolution: resolution)
        let step = (range.upperBound - range.lowerBound) / Float(resolution - 1)
        let markers: [Marker] = [.circle, .cross, .triangle]
        for c in 0..<Spiral.classCount {
            var xs: [Float] = [], ys: [Float] = []
            for (row, classes) in regions.enumerated() {
                for (column, predicted) in classes.enumerated() where predicted == c {
                    xs.append(range.lowerBound + Float(column) * step)
                    ys.append(range.lowerBound + Float(row) * step)
                }
            }
            axes.scatter(x: xs, y: ys, color: lighter(Color.cycle[c]), marker: .square, size: 8.5)
        }
        let points = result.x.scalars
        for c in 0..<Spiral.classCount {
            let members = result.labels.indices.filter { result.labels[$0] == c }
            axes.scatter(x: members.map { points[2 * $0] }, y: members.map { points[2 * $0 + 1] },
                         label: "class \(c)", color: Color.cycle[c], marker: markers[c], size: 6)
        }
        axes.xLimits = Double(range.lowerBound)...Double(range.upperBound)
        axes.yLimits = axes.xLimits
        var figure = Figure(width: 560, height: 520)
        figure[0, 0] = axes
        return figure
    }

    /// `color` mixed 70 % with white, for the background regions.
    static func lighter(_ color: Color) -> Color {
        func mix(_ v: UInt8) -> UInt8 { UInt8((Double(v) * 0.3 + 255 * 0.7).rounded()) }
        return Color(red: mix(color.red), green: mix(color.green), blue: mix(color.blue))
    }
}
