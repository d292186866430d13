import ArgumentParser
import KisoNN
import KisoPlot

/// `kiso gradient`: chapter 4's numerical derivative, gradient field and gradient descent.
public struct GradientCommand: ConsoleCommand {
    public static let configuration = CommandConfiguration(
        commandName: "gradient",
        abstract: "Chapter 4: numerical derivatives, the gradient of x0² + x1² and the gradient-descent path, with figures.",
        discussion: """
            Prints what the book's gradient_1d.py, gradient_2d.py and gradient_method.py print and writes \
            derivative.svg (figure 4-7), gradient-field.svg (figure 4-9) and gradient-descent.svg (figure 4-10).
            """
    )

    @OptionGroup var figures: FigureOptions
    @OptionGroup var output: OutputOptions

    public init() {}

    /// The book's function_1: y = 0.01x² + 0.1x.
    static func function1(_ x: Double) -> Double { 0.01 * (x * x) + 0.1 * x }

    /// The book's function_2: f(x0, x1) = x0² + x1².
    static func function2(_ x: [Double]) -> Double { x.reduce(0) { $0 + $1 * $1 } }

    // Chapter 4's demonstrations run in float64 like the book's NumPy code (KisoNN's
    // `numericalGradient(_:at:)` and `gradientDescent(_:from:learningRate:steps:)`), so that the
    // printed digits match the book's.

    /// An array printed the way NumPy prints it: `[6. 8.]`, `[-6.11110793e-10  8.14814391e-10]`.
    static func numpy(_ values: [Double]) -> String {
        if values.allSatisfy({ $0 == $0.rounded() && abs($0) < 1e16 }) {
            return "[" + values.map { String(format: "%.0f.", $0) }.joined(separator: " ") + "]"
        }
        let scientific = values.contains { $0 != 0 && (abs($0) < 1e-4 || abs($0) >= 1e8) }
        let texts = values.map { value -> String in
            if scientific { return String(format: "%.8e", value) }
            var text = String(format: "%.8f", value)
            while text.hasSuffix("0") { text.removeLast() }
            return text
        }
        let width = texts.map(\.count).max() ?? 0
        return "[" + texts.map { String(repeating: " ", count: width - $0.count) + $0 }.joined(separator: " ") + "]"
    }

    public func execute(_ console: Console) throws {
        output.configure(console)
        var summary = JSONSummary()

        // Numerical differentiation (section 4.3).
        let d5 = numericalDiff(Self.function1, 5), d10 = numericalDiff(Self.function1, 10)
        console.line("numerical_diff(function_1, 5)  = \(d5)    (analytic 0.2)")
        console.line("numerical_diff(function_1, 10) = \(d10)    (analytic 0.3)")
        summary["numerical_diff"] = [d5, d10]
        try figures.write(derivativeFigure(slope: d5), as: "derivative.svg", console: console)

        // Gradients (section 4.4).
        var gradients: [[Double]] = []
        for point: [Double] in [[3, 4], [0, 2], [3, 0]] {
            let grad = numericalGradient(Self.function2, at: point)
            console.line("numerical_gradient(function_2, \(Self.numpy(point))) = \(Self.numpy(grad))")
            gradients.append(grad)
        }
        summary["numerical_gradient"] = gradients
        try figures.write(gradientFieldFigure(), as: "gradient-field.svg", console: console)

        // Gradient descent from (-3, 4) (section 4.4.1), and the learning rates too large and too small.
        let initX: [Double] = [-3, 4]
        let run = gradientDescent(Self.function2, from: initX, learningRate: 0.1, steps: 100)
        console.line("gradient_descent(function_2, init_x=[-3, 4], lr=0.1, step_num=100)   = \(Self.numpy(run.x))")
        let path = gradientDescent(Self.function2, from: initX, learningRate: 0.1, steps: 20)
        console.line("gradient_descent(function_2, init_x=[-3, 4], lr=0.1, step_num=20)    = \(Self.numpy(path.x))    (the figure's path)")
        let large = gradientDescent(Self.function2, from: initX, learningRate: 10, steps: 100).x
        console.line("gradient_descent(function_2, init_x=[-3, 4], lr=10, step_num=100)    = \(Self.numpy(large))    (too large: diverges)")
        let small = gradientDescent(Self.function2, from: initX, learningRate: 1e-10, steps: 100).x
        console.line("gradient_descent(function_2, init_x=[-3, 4], lr=1e-10, step_num=100) = \(Self.numpy(small))    (too small: barely moves)")
        summary["gradient_descent"] = run.x
        summary["gradient_descent_20_steps"] = path.x
        summary["gradient_descent_lr_10"] = large
        summary["gradient_descent_lr_1e-10"] = small
        try figures.write(descentFigure(history: path.history), as: "gradient-descent.svg", console: console)
        if output.json { console.line(summary.render()) }
    }

    /// function_1 over 0…20 with its tangent at x = 5 (figure 4-7).
    func derivativeFigure(slope: Double) -> Figure {
        let xs = stride(from: 0.0, to: 20.0, by: 0.1).map { $0 }
        var axes = Axes(title: "f(x) = 0.01x² + 0.1x and its tangent at x = 5", xLabel: "x", yLabel: "f(x)")
        axes.line(x: xs, y: xs.map(Self.function1), label: "f(x)")
        let intercept = Self.function1(5) - slope * 5
        axes.line(x: xs, y: xs.map { slope * $0 + intercept }, label: "tangent at x = 5", style: .dashed)
        var figure = Figure()
        figure[0, 0] = axes
        return figure
    }

    /// Arrows of −∇f for f = x0² + x1² on the book's grid −2 … 2.25 step 0.25 (figure 4-9).
    func gradientFieldFigure() -> Figure {
        let ticks = stride(from: -2.0, to: 2.5, by: 0.25).map { $0 }
        var x: [Double] = [], y: [Double] = [], u: [Double] = [], v: [Double] = []
        for y1 in ticks {
            for x0 in ticks {
                let grad = numericalGradient(Self.function2, at: [x0, y1])
                x.append(x0); y.append(y1)
                u.append(-grad[0]); v.append(-grad[1])
            }
        }
        var axes = Axes(title: "−∇f for f(x0, x1) = x0² + x1²", xLabel: "x0", yLabel: "x1")
        axes.xLimits = -2...2
        axes.yLimits = -2...2
        axes.grid = true
        axes.arrows(x: x, y: y, u: u, v: v)
        var figure = Figure()
        figure[0, 0] = axes
        return figure
    }

    /// The 20 points visited from (−3, 4) with lr 0.1 (figure 4-10).
    func descentFigure(history: [[Double]]) -> Figure {
        var axes = Axes(title: "Gradient descent on x0² + x1² from (−3, 4), lr = 0.1", xLabel: "x0", yLabel: "x1")
        axes.xLimits = -3.5...3.5
        axes.yLimits = -4.5...4.5
        axes.line(x: [-5.0, 5.0], y: [0.0, 0.0], color: Color(hex: 0x0000FF), style: .dashed, width: 1)
        axes.line(x: [0.0, 0.0], y: [-5.0, 5.0], color: Color(hex: 0x0000FF), style: .dashed, width: 1)
        axes.scatter(x: history.map { $0[0] }, y: history.map { $0[1] }, marker: .circle)
        var figure = Figure()
        figure[0, 0] = axes
        return figure
    }
}
