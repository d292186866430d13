import ArgumentParser
import KisoNN

/// `kiso graph`: chapter 5's shopping examples, forward and backward through MulLayer and
/// AddLayer (the book's buy_apple.py and buy_apple_orange.py).
public struct GraphCommand: ConsoleCommand {
    public static let configuration = CommandConfiguration(
        commandName: "graph",
        abstract: "Chapter 5: the apple and apple+orange computational graphs, forward (price) and backward (derivatives).",
        discussion: """
            Apples cost 100 each, 2 bought; oranges 150 each, 3 bought; tax 1.1. Prints what the book's \
            buy_apple.py and buy_apple_orange.py print (whole-number results printed as integers, as the book does).
            """
    )

    @OptionGroup var output: OutputOptions

    public init() {}

    public func execute(_ console: Console) throws {
        output.configure(console)
        var summary = JSONSummary()
        let apple = Self.buyApple()
        console.line("Apples: price = (100 × 2) × 1.1")
        for (name, value) in apple { console.line("  \(name): \(Self.format(name, value))") }
        console.line("Apples and oranges: price = (100 × 2 + 150 × 3) × 1.1")
        let both = Self.buyAppleOrange()
        for (name, value) in both { console.line("  \(name): \(Self.format(name, value))") }
        summary["apple"] = Dictionary(uniqueKeysWithValues: apple)
        summary["apple_orange"] = Dictionary(uniqueKeysWithValues: both)
        if output.json { console.line(summary.render()) }
    }

    /// The book prints `int(price)`, `int(dapple_num)`, `int(dorange_num)` and `dtax`; the rest as floats.
    static func format(_ name: String, _ value: Double) -> String {
        let asInteger = ["price", "dApple_num", "dOrange_num", "dTax"]
        return asInteger.contains(name) ? String(Int(value)) : String(value)
    }

    /// Forward and backward through `apple × num → × tax` (book figure 5-16).
    static func buyApple() -> [(String, Double)] {
        let (apple, appleNum, tax) = (100.0, 2.0, 1.1)
        let mulAppleLayer = MulLayer(), mulTaxLayer = MulLayer()
        let applePrice = mulAppleLayer.forward(apple, appleNum)
        let price = mulTaxLayer.forward(applePrice, tax)
        let (dApplePrice, dTax) = mulTaxLayer.backward(1)
        let (dApple, dAppleNum) = mulAppleLayer.backward(dApplePrice)
        return [("price", price), ("dApple", dApple), ("dApple_num", dAppleNum), ("dTax", dTax)]
    }

    /// Forward and backward through `(apple × num + orange × num) × tax` (book figure 5-17).
    static func buyAppleOrange() -> [(String, Double)] {
        let (apple, appleNum, orange, orangeNum, tax) = (100.0, 2.0, 150.0, 3.0, 1.1)
        let mulAppleLayer = MulLayer(), mulOrangeLayer = MulLayer()
        let addAppleOrangeLayer = AddLayer(), mulTaxLayer = MulLayer()
        let applePrice = mulAppleLayer.forward(apple, appleNum)
        let orangePrice = mulOrangeLayer.forward(orange, orangeNum)
        let allPrice = addAppleOrangeLayer.forward(applePrice, orangePrice)
        let price = mulTaxLayer.forward(allPrice, tax)
        let (dAllPrice, dTax) = mulTaxLayer.backward(1)
        let (dApplePrice, dOrangePrice) = addAppleOrangeLayer.backward(dAllPrice)
        let (dOrange, dOrangeNum) = mulOrangeLayer.backward(dOrangePrice)
        let (dApple, dAppleNum) = mulAppleLayer.backward(dApplePrice)
        return [("price", price), ("dApple_num", dAppleNum), ("dApple", dApple),
                ("dOrange", dOrange), ("dOrange_num", dOrangeNum), ("dTax", dTax)]
    }
}
