import Foundation
import XCTest
@testable import Crest

final class DatasetGeneratorTests: XCTestCase {
    func testEveryPromptLandsInItsBinAndSpreadsOverIt() {
        let generator = DatasetGenerator(seed: 7, promptsPerBin: 100)
        for bin in PromptBin.standard {
            let lengths = generator.prompts(for: bin).map(TokenEstimator.estimate)
            XCTAssertEqual(lengths.count, 100)
            XCTAssertTrue(lengths.allSatisfy(bin.contains(tokens:)), "\(bin.name): \(lengths.min()!)...\(lengths.max()!)")
            let width = Double(bin.upperTokens - bin.lowerTokens)
            XCTAssertGreaterThan(Double(lengths.max()! - lengths.min()!), 0.7 * width, "\(bin.name) spreads over the bin")
        }
    }

    func testTheSameSeedWritesTheSameBytes() {
        let bin = PromptBin.standard[1]
        XCTAssertEqual(DatasetGenerator(seed: 3, promptsPerBin: 20).payloadLines(for: bin), DatasetGenerator(seed: 3, promptsPerBin: 20).payloadLines(for: bin))
        XCTAssertNotEqual(DatasetGenerator(seed: 3, promptsPerBin: 20).payloadLines(for: bin), DatasetGenerator(seed: 4, promptsPerBin: 20).payloadLines(for: bin))
    }

    func testGeneratedLinesLoadAsFMBenchPayloads() throws {
        let bin = PromptBin.standard[0]
        let text = DatasetGenerator(seed: 1, promptsPerBin: 10).payloadLines(for: bin)
        let dataset = try DatasetLoader().parse(Data(text.utf8), path: "\(bin.name).jsonl")
        XCTAssertEqual(dataset.format, .fmbenchPayload)
        XCTAssertEqual(dataset.prompts.count, 10)
        XCTAssertTrue(dataset.prompts.allSatisfy { bin.contains(tokens: $0.promptTokens) })
    }

    func testPromptsReadLikeQuestionsOverPassages() {
        var text = SyntheticText(seed: 2)
        let prompt = text.prompt(targetTokens: 400)
        XCTAssertTrue(prompt.hasPrefix("Answer the question using only the passages below."))
        XCTAssertTrue(prompt.contains("Passage 1: The "))
        XCTAssertTrue(prompt.hasSuffix("\nAnswer:"))
    }

    func testBinNamesAndBounds() {
        XCTAssertEqual(PromptBin.standard.map(\.name), ["en_1-500", "en_500-1000", "en_1000-2000", "en_2000-3000", "en_3000-4000"])
        XCTAssertTrue(PromptBin.standard[2].contains(tokens: 1000))
        XCTAssertFalse(PromptBin.standard[2].contains(tokens: 2000))
    }
}
