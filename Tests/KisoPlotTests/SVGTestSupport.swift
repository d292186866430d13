import Foundation
#if canImport(FoundationXML)
import FoundationXML
#endif
import Testing
import KisoPlot

/// A parsed SVG document, queried by element name and class the way the tests need.
struct ParsedSVG {
    let root: XMLElement

    /// Parses `text`; fails the test (by throwing) when it is not well-formed XML.
    init(_ text: String) throws {
        let document = try XMLDocument(xmlString: text, options: [])
        root = try #require(document.rootElement())
    }

    /// All elements in document order.
    var all: [XMLElement] {
        var out: [XMLElement] = []
        func visit(_ e: XMLElement) {
            out.append(e)
            for child in e.children ?? [] { if let c = child as? XMLElement { visit(c) } }
        }
        visit(root)
        return out
    }

    /// Elements named `name` (any name when nil) whose class list contains every word of `classes`.
    func elements(_ name: String? = nil, class classes: String) -> [XMLElement] {
        let wanted = classes.split(separator: " ").map(String.init)
        return all.filter { e in
            let have = e["class"].split(separator: " ").map(String.init)
            return (name == nil || e.name == name) && wanted.allSatisfy(have.contains)
        }
    }

    /// Descendants of `element` named `name` with the class word `word`.
    static func descendants(of element: XMLElement, _ name: String? = nil, class word: String) -> [XMLElement] {
        var out: [XMLElement] = []
        func visit(_ e: XMLElement) {
            for child in e.children ?? [] {
                guard let c = child as? XMLElement else { continue }
                let have = c["class"].split(separator: " ")
                if (name == nil || c.name == name) && have.contains(Substring(word)) { out.append(c) }
                visit(c)
            }
        }
        visit(element)
        return out
    }
}

extension XMLElement {
    /// The value of attribute `name`, or "" when it is absent. (Looked up by iterating:
    /// `attribute(forName:)` misses attributes of namespaced elements in swift-corelibs.)
    subscript(_ name: String) -> String {
        attributes?.first { $0.name == name }?.stringValue ?? ""
    }
}

/// The number of subpaths (move-to commands) in an SVG path `d`.
func moveCount(_ d: String) -> Int { d.filter { $0 == "M" }.count }
