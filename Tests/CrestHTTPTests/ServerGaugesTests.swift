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
}
