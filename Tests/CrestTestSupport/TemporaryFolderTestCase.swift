import Foundation
import XCTest

/// A test case with a new empty folder of its own for files it writes, removed after each test.
open class TemporaryFolderTestCase: XCTestCase {
    public var folder: URL!

    override open func setUpWithError() throws {
        folder = FileManager.default.temporaryDirectory.appendingPathComponent("crest-test-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
    }

    override open func tearDownWithError() throws {
        try? FileManager.default.removeItem(at: folder)
    }
}
