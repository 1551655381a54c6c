import Foundation
import XCTest

/// A test case that runs `crest` in a new empty folder of its own (with the shipped datasets
/// linked in, as a checkout has them), removed after each test.
class WorkspaceTestCase: XCTestCase {
    var workspace: URL!

    override func setUpWithError() throws {
        workspace = try CrestBinary.workspace()
    }

    override func tearDownWithError() throws {
        try? FileManager.default.removeItem(at: workspace)
    }

    /// A file of the workspace as text.
    func text(_ path: String) throws -> String {
        try String(contentsOf: workspace.appendingPathComponent(path), encoding: .utf8)
    }
}
