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
}
