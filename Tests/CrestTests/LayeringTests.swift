import Foundation
import XCTest

/// The Crest library's folders are layers: each builds only on those below it, so a change to the
/// search never reaches into how a level is measured or judged, and the layers can be read from
/// the bottom up. This reads the sources and fails on a type used from a folder above its own.
final class LayeringTests: XCTestCase {
    /// From the bottom up. The README's layout section describes each.
    private let layers = [
        "Support", "Statistics", "Fitting", "Workload",
        "Budget", "Records", "Pricing", "Judging", "Measurement", "Search", "Sweep", "Results",
    ]

    func testEachFolderUsesOnlyTheFoldersBelowIt() throws {
        let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent("Sources/Crest")
        var sources: [(folder: String, file: String, text: String)] = []
        let walker = try XCTUnwrap(FileManager.default.enumerator(atPath: root.path))
        while let path = walker.nextObject() as? String {
            guard path.hasSuffix(".swift") else { continue }
            let text = try String(contentsOf: root.appendingPathComponent(path), encoding: .utf8)
            sources.append((String(path.split(separator: "/")[0]), path, text))
        }
        XCTAssertEqual(Set(sources.map(\.folder)), Set(layers), "every folder of Sources/Crest has its place in `layers`")

        // The types (and free functions) each folder declares.
        let declaration = try NSRegularExpression(pattern: #"^(?:public |private |fileprivate )?(?:final )?(?:struct|enum|class|protocol|func) ([A-Z]\w*)"#, options: .anchorsMatchLines)
        var owner: [String: String] = [:]
        for source in sources {
            let range = NSRange(source.text.startIndex..., in: source.text)
            for match in declaration.matches(in: source.text, range: range) {
                owner[String(source.text[Range(match.range(at: 1), in: source.text)!])] = source.folder
            }
        }
        var violations: [String] = []
        for source in sources {
            let code = source.text.split(separator: "\n").map { $0.split(separator: "//", maxSplits: 1, omittingEmptySubsequences: false).first ?? "" }
                .joined(separator: "\n")
            let words = Set(code.split { !($0.isLetter || $0.isNumber || $0 == "_") }.map(String.init))
            let level = layers.firstIndex(of: source.folder)!
            for word in words {
                guard let folder = owner[word], let used = layers.firstIndex(of: folder), used > level else { continue }
                violations.append("\(source.file) uses \(word) from \(folder)")
            }
        }
        XCTAssertEqual(violations.sorted(), [], "a lower layer reaches into a higher one")
    }
}
