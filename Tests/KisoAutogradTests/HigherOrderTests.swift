import Foundation
import Kiso
import Testing
import KisoAutograd

/// The n-th derivative of `f` at `x0` by repeated backward with createGraph (step 35's loop).
func nthDerivative(_ f: (Variable) -> Variable, at x0: Float, order: Int) -> Float {
    let x = Variable(x0)
    let y = f(x)
    y.backward(createGraph: true)
    for _ in 1..<order {
        let gx = x.grad!
        x.clearGrad()
        gx.backward(createGraph: true)
    }
    return x.grad!.data.scalar
}

/// A function with two outputs: the first and second entries of a [2] tensor.
final class SplitInTwo: Function {
    override func forward(_ xs: [Tensor]) -> [Tensor] { [xs[0][0..<1], xs[0][1..<2]] }
    override func backward(_ gys: [Variable]) -> [Variable?] {
        [Variable(Tensor.concatenate([gys[0].data, gys[1].data]))]
    }
}

@Suite struct HigherOrderTests {
    @Test func anUnusedOutputOfAFunctionContributesZeros() {
        let x = Variable(Tensor([3, 4]))
        let second = SplitInTwo().apply([x])[1]   // the first output is dropped at once
        (second * 2).backward()
        #expect(x.grad!.data.scalars == [0, 2])
    }

    @Test func firstBackwardOfASquareGivesTwiceX() {
        let x = Variable(3)
        let y = x * x + 2 * x
        y.backward()
        #expect(x.grad!.data.scalar == 8)
    }

    @Test func aVariableUsedTwiceAccumulatesBothPaths() {
        // y = (x²)² + (x²)² = 2x⁴: dy/dx = 8x³ = 64 at 2 (step 16's generation ordering).
        let x = Variable(2)
        let a = x ** 2
        let y = a ** 2 + a ** 2
        y.backward()
        #expect(y.data.scalar == 32)
        #expect(x.grad!.data.scalar == 64)
    }

    @Test func intermediateGradientsAreDroppedUnlessRetained() {
        let x = Variable(2)
        let a = x * x
        let y = a + 1
        y.backward()
        #expect(a.grad == nil)
        let b = x * x
        let z = b + 1
        z.backward(retainGrad: true)
        #expect(b.grad!.data.scalar == 1)
    }

    @Test func sinDerivativesCycleThroughCosMinusSinMinusCosSin() {
        let x0: Float = 0.7
        let closed: [Float] = [cos(x0), -sin(x0), -cos(x0), sin(x0), cos(x0)]
        for (i, expected) in closed.enumerated() {
            let d = nthDerivative(KisoAutograd.sin, at: x0, order: i + 1)
            #expect(abs(d - expected) < 1e-5, "order \(i + 1): \(d) vs \(expected)")
        }
    }

    @Test func tanhDerivativesMatchTheirClosedForms() {
        // With t = tanh x: t′ = 1 − t², t″ = −2t(1 − t²), t‴ = (1 − t²)(6t² − 2).
        let x0: Float = 0.5
        let t = Double(tanh(x0))
        let closed = [1 - t * t, -2 * t * (1 - t * t), (1 - t * t) * (6 * t * t - 2)]
        for (i, expected) in closed.enumerated() {
            let d = Double(nthDerivative(KisoAutograd.tanh, at: x0, order: i + 1))
            #expect(abs(d - expected) < 1e-5, "order \(i + 1): \(d) vs \(expected)")
        }
    }

    @Test func quarticDerivativesMatchTheirClosedForms() {
        // y = x⁴ − 2x²: y′ = 4x³ − 4x, y″ = 12x² − 4, y‴ = 24x, y⁗ = 24.
        let x0: Float = 2
        let closed: [Float] = [24, 44, 48, 24]
        for (i, expected) in closed.enumerated() {
            #expect(nthDerivative(NewtonMethod.quartic, at: x0, order: i + 1) == expected)
        }
    }

    @Test func newtonIteratesMatchDeZerosFloat64RunWithinFloat32() {
        // DeZero (float64) prints 2.0, 1.4545454545454546, 1.1510467893775467,
        // 1.0253259289766978, 1.0009084519430513, 1.0000012353089454, 1.000000000002289, 1.0 …
        let reference = [2.0, 1.4545454545454546, 1.1510467893775467, 1.0253259289766978,
                         1.0009084519430513, 1.0000012353089454, 1.000000000002289, 1.0, 1.0, 1.0]
        let iterates = NewtonMethod.iterates()
        #expect(iterates.count == 10)
        for (x, expected) in zip(iterates, reference) {
            // A few float32 ulps near 1 (ulp = 1.2e-7): the cancellation in 4x³ − 4x costs
            // relative precision in f′ but Newton's step is tiny there.
            #expect(abs(Double(x) - expected) < 4e-7, "\(x) vs \(expected)")
        }
        #expect(iterates.last == 1)
    }

    @Test func doubleBackpropGradientOfAGradientNorm() {
        // z = (∂y/∂x)³ + y with y = x²: ∂y/∂x = 2x, z = 8x³ + x², dz/dx = 24x² + 2x = 100 at 2.
        let x = Variable(2)
        let y = x ** 2
        y.backward(createGraph: true)
        let gx = x.grad!
        x.clearGrad()
        let z = gx ** 3 + y
        z.backward()
        #expect(x.grad!.data.scalar == 100)
    }
}
