import Foundation

/// The machine-readable result of a command (`--json`): one JSON object with sorted keys,
/// written as a single line so that it can be read as the last line of the output.
public struct JSONSummary {
    private var fields: [String: Any] = [:]

    /// An empty summary.
    public init() {}

    /// Sets `key` to a number, string, boolean, array or dictionary of those. Non-finite
    /// numbers (NaN, ±∞) become `null`, since JSON has no spelling for them.
    public subscript(key: String) -> Any? {
        get { fields[key] }
        set { fields[key] = newValue.map(Self.sanitized) }
    }

    /// The summary as one line of JSON with sorted keys.
    public func render() -> String {
        let data = (try? JSONSerialization.data(withJSONObject: fields, options: [.sortedKeys])) ?? Data("{}".utf8)
        return String(decoding: data, as: UTF8.self)
    }

    private static func sanitized(_ value: Any) -> Any {
        switch value {
        case let x as Double: return x.isFinite ? x : NSNull()
        case let x as Float: return x.isFinite ? Double("\(x)") ?? Double(x) : NSNull()  // shortest decimal, not 0.93519997
        case let xs as [Double]: return xs.map { sanitized($0) }
        case let xs as [Float]: return xs.map { sanitized($0) }
        case let xs as [Any]: return xs.map(sanitized)
        case let dict as [String: Any]: return dict.mapValues(sanitized)
        default: return value
        }
    }
}
