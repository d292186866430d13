import Testing
import KisoPlot

@Suite struct ColorTests {
    @Test func svgHexMatchesComponents() {
        #expect(Color(hex: 0x1f77b4).svg == "#1f77b4")
        #expect(Color(red: 255, green: 0, blue: 10).svg == "#ff000a")
    }
}
