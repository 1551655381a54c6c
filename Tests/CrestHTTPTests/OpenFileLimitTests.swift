import Crest
import Glibc
import XCTest
@testable import CrestHTTP
import CrestTestSupport

/// The load generator at the open-files limit. Regression test: sockets that could not be opened
/// for want of a descriptor were counted as the endpoint's `transport` failures.
final class OpenFileLimitTests: XCTestCase {
    func testRunningOutOfDescriptorsEndsTheLevelAndBlamesNoEndpoint() async throws {
        let server = try ScriptedServer(ScriptedEndpoint.Script())
        defer { server.stop() }
        let dataset = Dataset.scripted(prompts: 1)
        let endpoint = try LiveEndpoint(url: server.url, api: .openAIChat, model: "m", metricsPath: nil)
        let measurer = try LiveMeasurer(endpoint: endpoint, dataset: dataset, seed: 1, requestTimeoutSeconds: 5)
        defer { measurer.shutdown() }
        // Lower the soft limit, then fill it but for ten descriptors: a level of 50 passes the
        // check against the limit and runs out of descriptors on its eleventh connection.
        var saved = rlimit()
        getrlimit(__rlimit_resource_t(RLIMIT_NOFILE.rawValue), &saved)
        var lowered = saved
        lowered.rlim_cur = 512
        setrlimit(__rlimit_resource_t(RLIMIT_NOFILE.rawValue), &lowered)
        var filler: [Int32] = []
        while true {
            let descriptor = open("/dev/null", O_RDONLY)
            guard descriptor >= 0 else { break }
            filler.append(descriptor)
        }
        for descriptor in filler.suffix(10) { close(descriptor) }
        defer {
            for descriptor in filler.dropLast(10) { close(descriptor) }
            setrlimit(__rlimit_resource_t(RLIMIT_NOFILE.rawValue), &saved)
        }
        do {
            let run = try await measurer.measure(Level(concurrency: 50), until: .requests(100))
            XCTFail("the level ran: \(Dictionary(grouping: run.samples, by: \.category).mapValues(\.count))")
        } catch let error as LoadGeneratorError {
            guard case .outOfFileDescriptors(let concurrency, let limit, _) = error else { return XCTFail("\(error)") }
            XCTAssertEqual(concurrency, 50)
            XCTAssertEqual(limit, 512)
            XCTAssertTrue(error.description.contains("not the endpoint's"), error.description)
        }
    }
}
