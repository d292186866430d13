/// Settings of the autograd engine (DeZero's `Config`).
public enum Autograd {
    /// Whether operations record the graph for backward (DeZero's `enable_backprop`).
    /// True by default; ``withNoGrad(_:)`` turns it off for the duration of a closure, in
    /// the current task only.
    @TaskLocal public static var isBackpropEnabled = true
}

/// Runs `body` without recording any graph (DeZero's `with no_grad():`, step 18): results
/// have no creator, and the intermediate values are freed as soon as they are not used.
/// Use it for inference, parameter updates and evaluation.
public func withNoGrad<R>(_ body: () throws -> R) rethrows -> R {
    try Autograd.$isBackpropEnabled.withValue(false, operation: body)
}

/// Runs `body` with graph recording on or off as `enabled` says (what backward uses for
/// `createGraph`).
public func withBackprop<R>(_ enabled: Bool, _ body: () throws -> R) rethrows -> R {
    try Autograd.$isBackpropEnabled.withValue(enabled, operation: body)
}
