import ArgumentParser
import Kiso
import KisoNN
import KisoPlot

/// `kiso functions`: chapter 3's activation functions plotted as the book draws them.
public struct FunctionsCommand: ConsoleCommand {
    public static let configuration = CommandConfiguration(
        commandName: "functions",
        abstract: "Chapter 3: plot the step, sigmoid, ReLU and tanh functions (book figures 3-6 to 3-9) as SVG.",
        discussion: "Writes step.svg, sigmoid.svg, step-sigmoid.svg, relu.svg and tanh.svg over x = -5 … 5 (step 0.1)."
    )

    @OptionGroup var figures: FigureOptions

    public init() {}

    public func execute(_ console: Console) throws {
        // The book's np.arange(-5.0, 5.0, 0.1): 100 points.
        let x = Tensor.arange(-5, 5, step: 0.1)
        let xs = x.scalars
        let step = stepFunction(x).scalars, sig = sigmoid(x).scalars
        let plots: [(file: String, title: String, series: [(String, [Float], LineStyle)], y: ClosedRange<Double>)] = [
            ("step.svg", "Step function (figure 3-6)", [("step", step, .solid)], -0.1...1.1),
            ("sigmoid.svg", "Sigmoid function (figure 3-7)", [("sigmoid", sig, .solid)], -0.1...1.1),
            ("step-sigmoid.svg", "Sigmoid and step functions (figure 3-8)",
             [("sigmoid", sig, .solid), ("step", step, .dashed)], -0.1...1.1),
            ("relu.svg", "ReLU function (figure 3-9)", [("ReLU", relu(x).scalars, .solid)], -1...5.5),
            ("tanh.svg", "tanh function", [("tanh", tanh(x).scalars, .solid)], -1.1...1.1),
        ]
        for plot in plots {
            var figure = Figure()
            var axes = Axes(title: plot.title, xLabel: "x", yLabel: "y")
            axes.yLimits = plot.y
            for (label, y, style) in plot.series {
                axes.line(x: xs, y: y, label: plot.series.count > 1 ? label : nil, style: style)
            }
            figure[0, 0] = axes
            try figures.write(figure, as: plot.file, console: console)
        }
    }
}
