import Foundation
import Kiso

/// The sequel's toy classification set (DeZero's `get_spiral`, step 48): three arms of a
/// spiral in the plane, 100 points each. Point i of class j sits at radius r = i/100 and
/// angle θ = 4j + 4r + 0.2·ε (ε standard normal), at (r·sin θ, r·cos θ); the points are then
/// shuffled. Kiso's seeded generator replaces NumPy's, so the points are not DeZero's but
/// are drawn the same way.
public enum Spiral {
    /// The number of classes (arms).
    public static let classCount = 3
    /// Points per class.
    public static let pointsPerClass = 100

    /// The 300 points [300, 2] and their classes; `seed` 1984 for the training set (DeZero's), 2020 for the test set.
    public static func make(seed: UInt64 = 1984) -> (x: Tensor, labels: ClassLabels) {
        var generator = RandomGenerator(seed: seed)
        var points: [Float] = [], labels: [Int] = []
        for j in 0..<classCount {
            for i in 0..<pointsPerClass {
                let rate = Double(i) / Double(pointsPerClass)
                let theta = Double(j) * 4 + 4 * rate + generator.nextNormal() * 0.2
                points += [Float(rate * sin(theta)), Float(rate * cos(theta))]
                labels.append(j)
            }
        }
        let order = generator.permutation(labels.count)
        let x = Tensor(shape: [labels.count, 2], scalars: points)[order]
        return (x, ClassLabels(labels)[order])
    }
}
