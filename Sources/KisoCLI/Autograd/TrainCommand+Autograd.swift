import KisoAutograd
import KisoNN

extension TrainCommand {
    /// `network` trained through autograd (`--autograd`), or a one-line error for a network
    /// the adapter does not rebuild.
    func autogradNetwork(wrapping network: any Network) throws -> any Network {
        do { return try AutogradNetwork(wrapping: network) } catch let error as AutogradNetworkError {
            throw KisoError(error.description)
        }
    }
}
