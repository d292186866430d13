import Testing
import Kiso
import KisoNN

@Suite struct ParameterTests {
    @Test func gradientStartsAsZerosShapedLikeValue() {
        let p = Parameter(Tensor([[1, 2, 3], [4, 5, 6]]))
        #expect(p.gradient.shape == [2, 3])
        #expect(p.gradient.scalars == [0, 0, 0, 0, 0, 0])
    }
}
