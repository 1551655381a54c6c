import CrestTestSupport
import Foundation
import XCTest

/// An API key comes from the environment only and reaches no file a run writes and no line it
/// prints, even from an endpoint that echoes the request's headers back in its error pages (as
/// some proxies do): every file of the folder and every console line is searched for it.
final class SecretsCommandTests: WorkspaceTestCase {
    private let key = "sk-crest-test-Z9x8Y7w6V5u4"

    private func everything(in folder: String) throws -> String {
        let root = workspace.appendingPathComponent(folder)
        guard let walker = FileManager.default.enumerator(at: root, includingPropertiesForKeys: nil) else { return "" }
        var text = ""
        while let url = walker.nextObject() as? URL {
            if let data = try? Data(contentsOf: url) { text += String(decoding: data, as: UTF8.self) }
        }
        return text
    }

    func testAnAPIKeyEchoedByTheEndpointReachesNoFileAndNoConsoleLine() throws {
        // Refused at once (401, the key echoed in the page), and after a good first answer (500s).
        for (name, answer, healthy) in [("refused", FaultyServer.Answer.echo(status: 401), 0), ("failing", .echo(status: 500), 1)] {
            let server = try FaultyServer(answer, healthyFirst: healthy)
            defer { server.stop() }
            let result = try CrestBinary.run(
                ["sweep", "--url", server.url, "--model", "m", "--api-key-env", "CREST_TEST_KEY", "--levels", "1", "--requests-per-level", "4",
                 "--dataset", "en_1-500", "--max-tokens", "8", "--out", name],
                in: workspace, settings: ["CREST_TEST_KEY": key])
            XCTAssertEqual(result.status, 3, "\(name): \(result.standardError)")
            // The key went out with every request, and came back in the answers...
            let generations = server.requests.filter { $0.method == "POST" }
            XCTAssertFalse(generations.isEmpty, name)
            XCTAssertTrue(generations.allSatisfy { $0.fields["authorization"] == "Bearer \(key)" }, name)
            let written = try everything(in: name) + result.standardOutput + result.standardError
            // ...where Crest shows the answer with the key blanked, and nowhere as itself.
            XCTAssertTrue(written.contains("[API key]"), "\(name): the echoed page was shown, redacted")
            XCTAssertFalse(written.contains(key), "\(name): the API key reached a file or the console")
            XCTAssertFalse(written.contains(String(key.dropFirst(3).prefix(12))), "\(name): part of the key reached a file or the console")
        }
    }
}
