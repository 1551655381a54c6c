import Crest
import XCTest
@testable import CrestHTTP

final class ServerGaugesTests: XCTestCase {
    func testVLLMPageWithLabelsSumsSeriesAndIgnoresTheRest() {
        let page = """
            # HELP vllm:num_requests_running Number of requests in model execution batches.
            # TYPE vllm:num_requests_running gauge
            vllm:num_requests_running{engine="0",model_name="llama"} 12.0
            vllm:num_requests_running{engine="1",model_name="llama"} 3.0
            vllm:num_requests_waiting{model_name="llama"} 4.0 1732900000000
            vllm:gpu_cache_usage_perc{model_name="llama"} 0.625
            vllm:prompt_tokens_total{model_name="llama"} 123456.0
            vllm:num_requests_running{broken
            """
        let gauges = ServerGauges(prometheusText: page)
        XCTAssertEqual(gauges.running, 15)
        XCTAssertEqual(gauges.waiting, 4, "a trailing timestamp is not the value")
        XCTAssertEqual(gauges.kvCacheUsage, 0.625, "the old vLLM name is read when the new one is absent")
    }

    func testTGINamesAndAPageWithNothingKnown() {
        let tgi = ServerGauges(prometheusText: "tgi_batch_current_size 7\ntgi_queue_size 2\n")
        XCTAssertEqual(tgi, ServerGauges(running: 7, waiting: 2, kvCacheUsage: nil))
        XCTAssertTrue(ServerGauges(prometheusText: "process_cpu_seconds_total 1.5\n").isEmpty)
        XCTAssertTrue(ServerGauges(prometheusText: "<html>not found</html>").isEmpty)
    }

    /// The prefix cache's hit rate over a level: vLLM's counters' growth from the first reading to
    /// the last (what they held before the level is not the level's), else SGLang's gauge.
    func testThePrefixCachesHitRateIsTheLevelsGrowthOfTheCounters() throws {
        let pages = [
            "vllm:prefix_cache_queries_total{engine=\"0\"} 1000\nvllm:prefix_cache_hits_total{engine=\"0\"} 100\nvllm:num_requests_running 2\n",
            "vllm:prefix_cache_queries_total{engine=\"0\"} 3000\nvllm:prefix_cache_hits_total{engine=\"0\"} 1700\nvllm:num_requests_running 4\n",
            "vllm:prefix_cache_queries_total{engine=\"0\"} 5000\nvllm:prefix_cache_hits_total{engine=\"0\"} 3300\n",
        ]
        let readings = pages.map(ServerGauges.init(prometheusText:))
        XCTAssertEqual(readings[0].prefixCacheQueries, 1000)
        XCTAssertFalse(readings[2].isEmpty, "counters alone are a reading")
        let metrics = try XCTUnwrap(ServerMetrics(readings: readings))
        XCTAssertEqual(try XCTUnwrap(metrics.prefixCacheHitRate), 3200.0 / 4000, accuracy: 1e-12, "not 3300 / 5000, which counts the time before")
        XCTAssertEqual(metrics.runningMean, 3)
        XCTAssertNil(ServerMetrics(readings: [readings[0], readings[0]])?.prefixCacheHitRate, "no lookups during the level: no rate")
        let sglang = ServerMetrics(readings: ["sglang:cache_hit_rate 0.5\n", "sglang:cache_hit_rate 0.7\n"].map(ServerGauges.init(prometheusText:)))
        XCTAssertEqual(try XCTUnwrap(sglang?.prefixCacheHitRate), 0.6, accuracy: 1e-12)
        XCTAssertNil(ServerMetrics(readings: []))
    }
}
