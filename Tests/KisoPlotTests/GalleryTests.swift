import Foundation
import KisoData
import KisoPlot
import Testing

/// Writes every example figure and image grid to a folder, to look at (render the SVGs with
/// `rsvg-convert`), and checks what was written: each SVG parses and draws something, each
/// PNG decodes at the grid's size. The folder is `KISO_PLOT_GALLERY` when set, e.g.
/// `KISO_PLOT_GALLERY=/tmp/gallery swift test --filter GalleryTests`, else a temporary one.
@Suite struct GalleryTests {
    let folder = ProcessInfo.processInfo.environment["KISO_PLOT_GALLERY"].map { URL(fileURLWithPath: $0) }
        ?? FileManager.default.temporaryDirectory.appendingPathComponent("kiso-gallery-\(UUID().uuidString)")

    @Test func writeGallery() throws {
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        for (name, figure) in Examples.all {
            let url = folder.appendingPathComponent(name + ".svg")
            try figure.write(to: url)
            let svg = try ParsedSVG(String(contentsOf: url, encoding: .utf8))
            #expect(svg.root.name == "svg" && !svg.elements(class: "series").isEmpty, "\(name) draws no series")
        }
        for (name, grid) in try Examples.grids() {
            let url = folder.appendingPathComponent(name + ".png")
            try grid.write(to: url)
            let image = try PNG.read(contentsOf: url)
            #expect(image.width > 0 && image.height > 0, "\(name) is empty")
        }
    }
}
