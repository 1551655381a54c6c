import Foundation

/// Turns what a user typed after `--dataset` into a file path: a path to an existing file, or the
/// name of a shipped bin (`en_1000-2000`) looked up in the dataset folders.
public struct DatasetLocator: Sendable {
    /// Folders searched for bin names, in order.
    public let searchFolders: [String]

    public init(searchFolders: [String]) {
        self.searchFolders = searchFolders
    }

    /// The folders Crest searches by default: `$CREST_DATASETS` if set, then `./datasets`.
    public static func standard(environment: [String: String] = ProcessInfo.processInfo.environment) -> DatasetLocator {
        var folders: [String] = []
        if let custom = environment["CREST_DATASETS"], !custom.isEmpty { folders.append(custom) }
        folders.append("datasets")
        return DatasetLocator(searchFolders: folders)
    }

    /// The path of the dataset named `nameOrPath`.
    /// - Throws: `WorkloadError.unknownBin` listing every place looked at.
    public func path(for nameOrPath: String) throws -> String {
        let files = FileManager.default
        var isFolder: ObjCBool = false
        if files.fileExists(atPath: nameOrPath, isDirectory: &isFolder), !isFolder.boolValue { return nameOrPath }
        var searched = [nameOrPath]
        for folder in searchFolders {
            for candidate in ["\(folder)/\(nameOrPath).jsonl", "\(folder)/\(nameOrPath)"] {
                if files.fileExists(atPath: candidate, isDirectory: &isFolder), !isFolder.boolValue { return candidate }
                searched.append(candidate)
            }
        }
        throw WorkloadError.unknownBin(name: nameOrPath, searched: searched)
    }
}
