import Foundation

/// Turns what a user typed after `--dataset` into a file path: a path to an existing file, or the
/// name of a shipped bin (`en_1000-2000`) looked up in the dataset folders.
public struct DatasetLocator: Sendable {
    /// Folders searched for bin names, in order.
    public let searchFolders: [String]

    public init(searchFolders: [String]) {
        self.searchFolders = searchFolders
    }

    /// The folders Crest searches by default: `$CREST_DATASETS` if set, then `./datasets`, then the
    /// `datasets` folder of the package the executable was built in, so the shipped bins are found
    /// when `crest` runs from another directory.
    public static func standard(
        environment: [String: String] = ProcessInfo.processInfo.environment, executablePath: String? = Self.runningExecutable()
    ) -> DatasetLocator {
        var folders: [String] = []
        if let custom = environment["CREST_DATASETS"], !custom.isEmpty { folders.append(custom) }
        folders.append("datasets")
        if let executablePath, let package = packageFolder(containing: executablePath) { folders.append("\(package)/datasets") }
        return DatasetLocator(searchFolders: folders)
    }

    /// The nearest folder above `path` that holds both `Package.swift` and `datasets/`: a build's
    /// executable sits in `<package>/.build/<configuration>/`.
    static func packageFolder(containing path: String) -> String? {
        var folder = URL(fileURLWithPath: path).deletingLastPathComponent()
        for _ in 0..<6 {
            let files = FileManager.default
            if files.fileExists(atPath: folder.appendingPathComponent("Package.swift").path),
                files.fileExists(atPath: folder.appendingPathComponent("datasets").path)
            {
                return folder.path
            }
            let parent = folder.deletingLastPathComponent()
            if parent.path == folder.path { break }
            folder = parent
        }
        return nil
    }

    /// The running executable's real path (Linux's /proc link), nil where there is none.
    public static func runningExecutable() -> String? {
        try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe")
    }

    /// The path of the dataset named `nameOrPath`.
    /// - Throws: `WorkloadError.unknownBin` listing every place looked at.
    public func path(for nameOrPath: String) throws -> String {
        let files = FileManager.default
        var isFolder: ObjCBool = false
        if files.fileExists(atPath: nameOrPath, isDirectory: &isFolder) {
            // A folder named by a path is the user's mistake, which the loader names ("it is a
            // directory"); a bare name may still be a bin.
            if !isFolder.boolValue || nameOrPath.contains("/") { return nameOrPath }
        }
        var searched = [nameOrPath]
        for folder in searchFolders {
            for candidate in ["\(folder)/\(nameOrPath).jsonl", "\(folder)/\(nameOrPath).json", "\(folder)/\(nameOrPath)"] {
                if files.fileExists(atPath: candidate, isDirectory: &isFolder), !isFolder.boolValue { return candidate }
                searched.append(candidate)
            }
        }
        throw WorkloadError.unknownBin(name: nameOrPath, searched: searched)
    }
}
