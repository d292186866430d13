/// Stops the program with `message` when `condition` is false — in every build
/// configuration. Swift's own `precondition` drops its message in optimised builds, and a
/// shape error must always name the operation and the shapes involved.
@inlinable
public func kisoPrecondition(_ condition: @autoclosure () -> Bool, _ message: @autoclosure () -> String,
                             file: StaticString = #fileID, line: UInt = #line) {
    if !condition() { fatalError(message(), file: file, line: line) }
}
