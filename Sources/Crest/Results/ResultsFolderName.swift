import Foundation

/// The default name of a run's results folder: `results/<preset>-<dataset>-<UTC time>`, with a
/// `-2`, `-3`... suffix when a run in the same second took the name.
public enum ResultsFolderName {
    public static func next(target: String, dataset: String, at date: Date, parent: String = "results") -> String {
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.timeZone = TimeZone(identifier: "UTC")
        formatter.dateFormat = "yyyyMMdd-HHmmss"
        let base = "\(parent)/\(target)-\(dataset)-\(formatter.string(from: date))"
        var folder = base
        var attempt = 1
        while FileManager.default.fileExists(atPath: folder) {
            attempt += 1
            folder = "\(base)-\(attempt)"
        }
        return folder
    }

    /// `name` as one folder name: a file's stem (a path's last part, its extension dropped), with
    /// anything but letters, digits, '.', '_' and '-' as '_'. A study's dataset given as
    /// "../../x.jsonl" once wrote its results outside the study's folder.
    public static func component(_ name: String) -> String {
        var stem = Substring(name.split(separator: "/").last ?? "")
        for suffix in [".jsonl", ".json", ".txt"] where stem.hasSuffix(suffix) {
            stem = stem.dropLast(suffix.count)
        }
        let safe = String(stem.map { $0.isASCII && ($0.isLetter || $0.isNumber || "._-".contains($0)) ? $0 : "_" })
        return safe.allSatisfy({ $0 == "." }) ? "dataset" : safe
    }
}
