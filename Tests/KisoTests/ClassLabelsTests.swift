import Testing
import Kiso

/// `ClassLabels`: integer labels, their book forms (float indices, one-hot rows) and batches.
@Suite struct ClassLabelsTests {
    @Test func literalsIntegersAndBytesMakeTheSameLabels() {
        let literal: ClassLabels = [7, 2, 1, 0]
        #expect(Array(literal) == [7, 2, 1, 0])
        #expect(ClassLabels([7, 2, 1, 0]) == literal)
        #expect(ClassLabels(bytes: [7, 2, 1, 0] as [UInt8]) == literal)
        #expect(ClassLabels(bytes: (0...255).map { UInt8($0) }).last == 255)
        #expect(literal.count == 4 && literal[0] == 7 && literal.description == "[7, 2, 1, 0]")
        #expect(ClassLabels([]).isEmpty)
    }

    @Test func floatIndicesConvertBothWays() {
        let t = Tensor([3, 0, 9, 3])
        let labels = ClassLabels(targets: t)
        #expect(Array(labels) == [3, 0, 9, 3])
        #expect(labels.asTensor().shape == [4])
        #expect(labels.asTensor().scalars == t.scalars)
        #expect(ClassLabels(targets: labels.asTensor()) == labels)
    }

    @Test func oneHotRowsConvertBothWays() {
        let labels: ClassLabels = [2, 0, 1]
        let t = labels.oneHot(classes: 4)
        #expect(t.shape == [3, 4])
        #expect(t.scalars == [0, 0, 1, 0, 1, 0, 0, 0, 0, 1, 0, 0])
        #expect(ClassLabels(targets: t) == labels)
        #expect(Tensor.oneHot([2, 0, 1], classes: 4).scalars == t.scalars)
        #expect(ClassLabels([]).oneHot(classes: 3).shape == [0, 3])
    }

    /// The book's `t = [0, 0, 1]` for a single `x`: with one sample, a 1-D target of K > 1
    /// values is that sample's one-hot row; a single value is its label.
    @Test func oneSampleReadsAOneHotVectorAsItsRow() {
        #expect(ClassLabels(targets: Tensor([0, 0, 1]), samples: 1) == [2])
        #expect(ClassLabels(targets: Tensor([2]), samples: 1) == [2])
        #expect(ClassLabels(targets: Tensor([0, 0, 1]), samples: 3) == [0, 0, 1])
        #expect(ClassLabels(targets: Tensor([0, 0, 1])) == [0, 0, 1])
    }

    @Test func minimumClassCountIsTheLargestLabelPlusOne() {
        #expect(ClassLabels([3, 0, 5]).minimumClassCount == 6)
        #expect(ClassLabels([]).minimumClassCount == 0)
    }

    @Test func slicesAndGathersAreNewLabelsFromZero() {
        let labels: ClassLabels = [5, 6, 7, 8, 9]
        let slice: ClassLabels = labels[1..<4]
        #expect(slice == [6, 7, 8] && slice[0] == 6)
        #expect(labels[2..<2].isEmpty)
        let batch: ClassLabels = labels[[4, 0, 4, -1]]
        #expect(batch == [9, 5, 9, 9])
        #expect(labels[[Int]()].isEmpty)
    }

    @Test func aNonWholeIndexStopsWithItsValue() async {
        let result = await #expect(processExitsWith: .failure, observing: [\.standardErrorContent]) {
            _ = ClassLabels(targets: Tensor([1, 2.5]))
        }
        expect(result, toSay: ["2.5", "index 1"])
        let negative = await #expect(processExitsWith: .failure, observing: [\.standardErrorContent]) {
            _ = ClassLabels(targets: Tensor([-1]))
        }
        expect(negative, toSay: ["-1.0"])
        let tooLarge = await #expect(processExitsWith: .failure, observing: [\.standardErrorContent]) {
            _ = ClassLabels(targets: Tensor([0, 2_147_483_648]))
        }
        expect(tooLarge, toSay: ["index 1"])
    }

    @Test func aRowThatIsNotOneHotStopsWithTheRow() async {
        let twoOnes = await #expect(processExitsWith: .failure, observing: [\.standardErrorContent]) {
            _ = ClassLabels(targets: Tensor([[0, 1, 0], [1, 1, 0]]))
        }
        expect(twoOnes, toSay: ["row 1", "[2, 3]"])
        let soft = await #expect(processExitsWith: .failure, observing: [\.standardErrorContent]) {
            _ = ClassLabels(targets: Tensor([[0.1, 0.9, 0]]))
        }
        expect(soft, toSay: ["row 0", "0.9"])
        let none = await #expect(processExitsWith: .failure, observing: [\.standardErrorContent]) {
            _ = ClassLabels(targets: Tensor([[0, 0, 0]]))
        }
        expect(none, toSay: ["row 0"])
    }

    @Test func otherShapesAndCountsStop() async {
        let cube = await #expect(processExitsWith: .failure, observing: [\.standardErrorContent]) {
            _ = ClassLabels(targets: Tensor.zeros([1, 2, 2]))
        }
        expect(cube, toSay: ["[1, 2, 2]", "[N] or one-hot rows [N, K]"])
        let count = await #expect(processExitsWith: .failure, observing: [\.standardErrorContent]) {
            _ = ClassLabels(targets: Tensor([0, 1, 2]), samples: 2)
        }
        expect(count, toSay: ["3 labels for 2 samples"])
        let negative = await #expect(processExitsWith: .failure, observing: [\.standardErrorContent]) {
            _ = ClassLabels([1, -3])
        }
        expect(negative, toSay: ["-3"])
    }

    @Test func outOfRangeLabelsAndIndicesStop() async {
        let check = await #expect(processExitsWith: .failure, observing: [\.standardErrorContent]) {
            ClassLabels([1, 10]).check(classes: 10, operation: "loss")
        }
        expect(check, toSay: ["loss: label 10 at index 1", "0..<10"])
        let oneHot = await #expect(processExitsWith: .failure, observing: [\.standardErrorContent]) {
            _ = ClassLabels([3]).oneHot(classes: 3)
        }
        expect(oneHot, toSay: ["ClassLabels.oneHot", "label 3"])
        let gather = await #expect(processExitsWith: .failure, observing: [\.standardErrorContent]) {
            _ = ClassLabels([1, 2, 3])[[0, 5]]
        }
        expect(gather, toSay: ["index 5", "3 labels"])
        let slice = await #expect(processExitsWith: .failure, observing: [\.standardErrorContent]) {
            _ = ClassLabels([1, 2, 3])[2..<4]
        }
        expect(slice, toSay: ["2..<4", "3 labels"])
    }

    /// Expects the stopped child process of `result` to have written every one of `parts`.
    private func expect(_ result: ExitTest.Result?, toSay parts: [String]) {
        let message = result.map { String(decoding: $0.standardErrorContent, as: UTF8.self) } ?? ""
        for part in parts { #expect(message.contains(part), "\(message) lacks \(part)") }
    }
}
