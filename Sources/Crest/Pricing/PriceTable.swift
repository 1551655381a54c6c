import Foundation

/// The prices Crest ships (`datasets/pricing.json`): instance prices by the hour (SageMaker `ml.`
/// types and EC2 types) and Bedrock models' prices per 1,000 tokens, for one region at one date.
/// A sweep takes its price from here when the command line names an instance (`--instance`) or a
/// Bedrock model and gives no price of its own; the report says which price it used and its date.
public struct PriceTable: Sendable, Equatable, Decodable {
    public struct TokenPrices: Sendable, Equatable, Decodable {
        public let input: Double
        public let output: Double
    }

    public let about: String
    public let asOf: String
    public let region: String
    public let hourly: [String: Double]
    public let perThousandTokens: [String: TokenPrices]

    enum CodingKeys: String, CodingKey {
        case about, region
        case asOf = "as_of"
        case hourly = "hourly_usd"
        case perThousandTokens = "per_1k_tokens_usd"
    }

    /// The file's name in a datasets folder.
    public static let fileName = "pricing.json"

    /// The table's path in the first of `folders` that holds one (the dataset folders:
    /// `DatasetLocator.searchFolders`); nil when none does.
    public static func path(in folders: [String]) -> String? {
        folders.map { "\($0)/\(fileName)" }.first { FileManager.default.fileExists(atPath: $0) }
    }

    /// Reads the table at `path`; the error names the file.
    public static func load(path: String) throws -> PriceTable {
        let data: Data
        do {
            data = try Data(contentsOf: URL(fileURLWithPath: path))
        } catch {
            throw PriceTableError.unreadable(path: path)
        }
        do {
            return try JSONDecoder().decode(PriceTable.self, from: data)
        } catch {
            throw PriceTableError.malformed(path: path, detail: "\(error)")
        }
    }

    /// The hourly price of `instance` (`ml.g5.12xlarge`, `g6e.2xlarge`) for `instances` of them.
    public func price(instance: String, instances: Int = 1) -> Pricing? {
        hourly[instance].map { .hourly(usdPerHour: $0, instances: instances) }
    }

    /// The token prices of a Bedrock model: by its id, an inference profile's id without its
    /// geography prefix (`us.anthropic...` is priced as `anthropic...`), or the model id that ends
    /// an ARN.
    public func price(model: String) -> Pricing? {
        var candidates = [model]
        if let last = model.split(separator: "/").last, model.hasPrefix("arn:") { candidates.append(String(last)) }
        for candidate in candidates {
            for name in [candidate] + Self.withoutGeography(candidate) {
                if let prices = perThousandTokens[name] { return .perToken(usdPer1kInput: prices.input, usdPer1kOutput: prices.output) }
            }
        }
        return nil
    }

    /// Where a price from this table comes from, for run.json and the report.
    public var origin: String { "Crest's price table, \(region) list prices as of \(asOf)" }

    private static func withoutGeography(_ id: String) -> [String] {
        let parts = id.split(separator: ".", maxSplits: 1)
        guard parts.count == 2, ["us", "eu", "apac", "us-gov", "global"].contains(String(parts[0])) else { return [] }
        return [String(parts[1])]
    }
}

public enum PriceTableError: Error, Equatable, CustomStringConvertible {
    case unreadable(path: String)
    case malformed(path: String, detail: String)

    public var description: String {
        switch self {
        case .unreadable(let path): return "\(path): cannot read the price table"
        case .malformed(let path, let detail): return "\(path): not a price table: \(detail)"
        }
    }
}
