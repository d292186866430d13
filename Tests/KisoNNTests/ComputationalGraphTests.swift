import Testing
import KisoNN

@Suite struct ComputationalGraphTests {
    // Double arithmetic on these small numbers is exact to ~1e-13.
    @Test func appleGraph() {
        let mulApple = MulLayer(), mulTax = MulLayer()
        let price = mulTax.forward(mulApple.forward(100, 2), 1.1)
        #expect(abs(price - 220) < 1e-9)
        let (dApplePrice, dTax) = mulTax.backward(1)
        let (dApple, dAppleNum) = mulApple.backward(dApplePrice)
        #expect(abs(dApple - 2.2) < 1e-9)
        #expect(abs(dAppleNum - 110) < 1e-9)
        #expect(abs(dTax - 200) < 1e-9)
    }

    @Test func appleAndOrangeGraph() {
        let mulApple = MulLayer(), mulOrange = MulLayer(), add = AddLayer(), mulTax = MulLayer()
        let applePrice = mulApple.forward(100, 2), orangePrice = mulOrange.forward(150, 3)
        let price = mulTax.forward(add.forward(applePrice, orangePrice), 1.1)
        #expect(abs(price - 715) < 1e-9)
        let (dAll, dTax) = mulTax.backward(1)
        let (dApplePrice, dOrangePrice) = add.backward(dAll)
        let (dOrange, dOrangeNum) = mulOrange.backward(dOrangePrice)
        let (dApple, dAppleNum) = mulApple.backward(dApplePrice)
        #expect(abs(dAppleNum - 110) < 1e-9)
        #expect(abs(dApple - 2.2) < 1e-9)
        #expect(abs(dOrange - 3.3) < 1e-9)
        #expect(abs(dOrangeNum - 165) < 1e-9)
        #expect(abs(dTax - 650) < 1e-9)
    }
}
