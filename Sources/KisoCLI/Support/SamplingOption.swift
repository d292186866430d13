import ArgumentParser
import KisoNN

/// `--sampling`: how mini-batches are drawn from the training images.
public enum SamplingOption: String, ExpressibleByArgument, CaseIterable, Sendable {
    /// Each batch: random indices drawn with replacement (the book's Trainer).
    case replacement
    /// Each epoch: a new random order of all images, cut into consecutive batches (every image
    /// once per epoch; PyTorch's `DataLoader(shuffle=True)`).
    case shuffled

    /// The help text of the option.
    static let help = "replacement (each batch drawn with replacement, like the book's Trainer) or shuffled (a new order of all images each epoch, cut into batches)."

    /// The Trainer's setting for this option.
    var trainerSampling: TrainerConfiguration.Sampling {
        switch self {
        case .replacement: return .withReplacement
        case .shuffled: return .shuffledEpochs
        }
    }
}
