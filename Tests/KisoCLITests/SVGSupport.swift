import Foundation
#if canImport(FoundationXML)
import FoundationXML
#endif

/// An SVG file parsed as XML, queried by element name and class words.
struct ParsedSVG {
    let elements: [XMLElement]

    /// Parses `text`; throws when it is not well-formed XML.
    init(_ text: String) throws {
        let document = try XMLDocument(xmlString: text, options: [])
        var all: [XMLElement] = []
        func visit(_ element: XMLElement) {
            all.append(element)
            for child in element.children ?? [] { if let c = child as? XMLElement { visit(c) } }
        }
        if let root = document.rootElement() { visit(root) }
        elements = all
    }

    /// Parses the file at `url`.
    init(contentsOf url: URL) throws { try self.init(String(contentsOf: url, encoding: .utf8)) }

    /// Elements named `name` (any when nil) whose `class` holds every word of `classes`.
    func elements(_ name: String? = nil, class classes: String) -> [XMLElement] {
        let wanted = classes.split(separator: " ")
        return elements.filter { element in
            let have = (element.attributes?.first { $0.name == "class" }?.stringValue ?? "").split(separator: " ")
            return (name == nil || element.name == name) && wanted.allSatisfy(have.contains)
        }
    }
}
