import Foundation
import Testing
import KisoPlot

/// Writes example figures for looking at (render them with `rsvg-convert`); runs only when
/// `KISO_PLOT_GALLERY` names an output folder, e.g.
/// `KISO_PLOT_GALLERY=/tmp/gallery swift test --filter GalleryTests`.
@Suite(.enabled(if: ProcessInfo.processInfo.environment["KISO_PLOT_GALLERY"] != nil))
struct GalleryTests {
    let folder = URL(fileURLWithPath: ProcessInfo.processInfo.environment["KISO_PLOT_GALLERY"] ?? "/tmp")

    @Test func writeGallery() throws {
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        for (name, figure) in Examples.all {
            try figure.write(to: folder.appendingPathComponent(name + ".svg"))
        }
        for (name, grid) in try Examples.grids() {
            try grid.write(to: folder.appendingPathComponent(name + ".png"))
        }
    }
}
