import Kiso

/// One contour line: a polyline where a gridded function equals `level`.
public struct ContourLine: Sendable, Equatable {
    /// The value of the function along the line.
    public var level: Double
    /// The points, in data coordinates.
    public var points: [(x: Double, y: Double)]
    /// True when the line is a loop (its last point joins the first); open lines end on the
    /// grid's border or at missing (NaN) values.
    public var isClosed: Bool

    /// Same level, closedness and points (compared coordinate by coordinate).
    public static func == (a: ContourLine, b: ContourLine) -> Bool {
        a.level == b.level && a.isClosed == b.isClosed && a.points.count == b.points.count
            && zip(a.points, b.points).allSatisfy { $0.x == $1.x && $0.y == $1.y }
    }
}

/// Marching squares: the lines where `z` crosses a level, for `z[j][i] = f(x[i], y[j])`
/// sampled on a rectangular grid (rows along y, columns along x, as `numpy.meshgrid` gives).
public enum Contour {
    /// The contour lines of `z` at `level`, crossing points interpolated linearly along cell
    /// edges; cells with a NaN corner are skipped. Saddle cells are resolved by the value at
    /// the cell's centre (mean of its corners). Lines come out in a fixed order.
    ///
    /// - Parameters:
    ///   - z: `y.count` rows of `x.count` values.
    ///   - x: increasing column coordinates.
    ///   - y: increasing row coordinates.
    ///   - level: the value the lines follow.
    public static func lines(z: [[Double]], x: [Double], y: [Double], level: Double) -> [ContourLine] {
        let nx = x.count, ny = y.count
        checkGrid(z: z, nx: nx, ny: ny)
        guard nx >= 2 && ny >= 2 else { return [] }
        // Edge ids: horizontal edge (i, j)–(i+1, j) is j*(nx-1)+i; vertical edge (i, j)–(i, j+1)
        // is hCount + j*nx + i.
        let hCount = (nx - 1) * ny
        func h(_ i: Int, _ j: Int) -> Int { j * (nx - 1) + i }
        func v(_ i: Int, _ j: Int) -> Int { hCount + j * nx + i }
        func point(_ e: Int) -> (x: Double, y: Double) {
            if e < hCount {
                let j = e / (nx - 1), i = e % (nx - 1)
                let t = (level - z[j][i]) / (z[j][i + 1] - z[j][i])
                return (x[i] + t * (x[i + 1] - x[i]), y[j])
            }
            let k = e - hCount, j = k / nx, i = k % nx
            let t = (level - z[j][i]) / (z[j + 1][i] - z[j][i])
            return (x[i], y[j] + t * (y[j + 1] - y[j]))
        }
        var segments: [(Int, Int)] = []
        for j in 0..<(ny - 1) {
            for i in 0..<(nx - 1) {
                let a = z[j][i], b = z[j][i + 1], c = z[j + 1][i + 1], d = z[j + 1][i]
                guard a.isFinite, b.isFinite, c.isFinite, d.isFinite else { continue }
                // Corners counter-clockwise from (i, j): a, b, c, d; a bit is set when the corner is above.
                let bits = (a > level ? 1 : 0) | (b > level ? 2 : 0) | (c > level ? 4 : 0) | (d > level ? 8 : 0)
                let bottom = h(i, j), right = v(i + 1, j), top = h(i, j + 1), left = v(i, j)
                let centreAbove = (a + b + c + d) / 4 > level
                switch bits {
                case 0, 15: break
                case 1, 14: segments.append((left, bottom))
                case 2, 13: segments.append((bottom, right))
                case 3, 12: segments.append((left, right))
                case 4, 11: segments.append((right, top))
                case 6, 9: segments.append((bottom, top))
                case 7, 8: segments.append((left, top))
                case 5:
                    if centreAbove { segments.append((left, top)); segments.append((bottom, right)) }
                    else { segments.append((left, bottom)); segments.append((right, top)) }
                case 10:
                    if centreAbove { segments.append((left, bottom)); segments.append((right, top)) }
                    else { segments.append((left, top)); segments.append((bottom, right)) }
                default: break
                }
            }
        }
        return chain(segments, edgeCount: hCount + nx * (ny - 1)).map { ids, closed in
            ContourLine(level: level, points: ids.map(point), isClosed: closed)
        }
    }

    /// The lines of `z` at each of `levels`, in order of the levels.
    public static func lines(z: [[Double]], x: [Double], y: [Double], levels: [Double]) -> [ContourLine] {
        levels.flatMap { lines(z: z, x: x, y: y, level: $0) }
    }

    /// Joins segments that share an edge into chains of edge ids: open chains first (started
    /// from an end), then loops; within each kind in the order the segments were found.
    private static func chain(_ segments: [(Int, Int)], edgeCount: Int) -> [([Int], Bool)] {
        // Each edge is crossed by at most two segments (one per neighbouring cell).
        var touching = [[Int]](repeating: [], count: edgeCount)
        for (s, seg) in segments.enumerated() {
            touching[seg.0].append(s)
            touching[seg.1].append(s)
        }
        var used = [Bool](repeating: false, count: segments.count)
        var chains: [([Int], Bool)] = []
        func walk(from s: Int, entering edge: Int) -> [Int] {
            var ids = [edge], current = s, at = edge
            while true {
                used[current] = true
                let seg = segments[current]
                let next = seg.0 == at ? seg.1 : seg.0
                ids.append(next)
                guard let following = touching[next].first(where: { !used[$0] }) else { return ids }
                current = following; at = next
            }
        }
        for (s, seg) in segments.enumerated() where !used[s] {
            for end in [seg.0, seg.1] where touching[end].count == 1 && !used[s] {
                chains.append((walk(from: s, entering: end), false))
            }
        }
        for s in segments.indices where !used[s] {
            var ids = walk(from: s, entering: segments[s].0)
            if ids.count > 1 && ids.first == ids.last { ids.removeLast() }
            chains.append((ids, true))
        }
        return chains
    }

    private static func checkGrid(z: [[Double]], nx: Int, ny: Int) {
        kisoPrecondition(z.count == ny, "Contour: z has \(z.count) rows but y has \(ny) values")
        if let bad = z.firstIndex(where: { $0.count != nx }) {
            kisoPrecondition(false, "Contour: row \(bad) of z has \(z[bad].count) values but x has \(nx)")
        }
    }
}
