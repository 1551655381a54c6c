import Foundation

/// Writes whole files into a results folder, each atomically: the report, the plots. Used by the
/// sweep as it ends, and by `crest report` to write them again into a folder that exists.
public struct ReportFiles: Sendable {
    public let folder: String

    public init(folder: String) {
        self.folder = folder
    }

    /// Writes plots (SVG text by file name) into the folder's `plots/`.
    public func write(plots: [(name: String, svg: String)]) throws {
        let directory = "\(folder)/plots"
        do {
            try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        } catch {
            throw ResultsError.unwritable(path: directory, reason: ResultsError.reason(of: error))
        }
        for plot in plots { try write(plot.svg, to: "plots/\(plot.name)") }
    }

    /// Writes `text` as the folder's file `name`, atomically.
    public func write(_ text: String, to name: String) throws {
        let path = "\(folder)/\(name)"
        do {
            try Data(text.utf8).write(to: URL(fileURLWithPath: path), options: .atomic)
        } catch {
            throw ResultsError.unwritable(path: path, reason: ResultsError.reason(of: error))
        }
    }
}
