import Foundation
import XCTest

/// Runs the built `crest` executable, as a user would.
struct CrestBinary {
    struct Result {
        let status: Int32
        let standardOutput: String
        let standardError: String
    }

    /// The package's root folder.
    static let packageRoot = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

    /// The executable next to the test bundle in the build folder.
    static var executable: URL {
        get throws {
            var folder = Bundle.main.bundleURL
            for _ in 0..<3 {
                let candidate = folder.appendingPathComponent("crest")
                if FileManager.default.isExecutableFile(atPath: candidate.path) { return candidate }
                folder.deleteLastPathComponent()
            }
            throw XCTSkip("the crest executable was not found next to the tests (\(Bundle.main.bundleURL.path))")
        }
    }

    /// A running `crest arguments...` in `folder` and its output pipes.
    struct Started {
        let process: Process
        let standardOutput: Pipe
        let standardError: Pipe

        /// Everything written to stderr until the process closed it.
        func readStandardError() -> String { String(decoding: standardError.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self) }

        /// Reads stderr until it has said `text` (or closed); returns what it read. The process
        /// must say it: this is how a test waits for an event instead of sleeping.
        func waitForStandardError(containing text: String) -> String {
            var read = ""
            while !read.contains(text) {
                let data = standardError.fileHandleForReading.availableData
                guard !data.isEmpty else { break }
                read += String(decoding: data, as: UTF8.self)
            }
            return read
        }

        /// Waits for the process to exit; a watchdog of `limit` seconds kills it (false) so a hang
        /// fails the test instead of stalling the suite. Not a performance bound: tests count instead.
        func exits(watchdog limit: Double = 120) -> Bool {
            let exited = DispatchSemaphore(value: 0)
            let process = process
            DispatchQueue.global().async {
                process.waitUntilExit()
                exited.signal()
            }
            guard exited.wait(timeout: .now() + limit) == .success else {
                kill(process.processIdentifier, SIGKILL)
                process.waitUntilExit()
                return false
            }
            return true
        }
    }

    /// Starts `crest arguments...` in `folder`, under `ulimit -n openFileLimit` (soft and hard)
    /// when one is given, with `settings` added to the environment. The machine's own AWS
    /// variables and shared files never reach it: only what a test sets.
    static func start(_ arguments: [String], in folder: URL, openFileLimit: Int? = nil, settings: [String: String] = [:]) throws -> Started {
        let process = Process()
        if let openFileLimit {
            process.executableURL = URL(fileURLWithPath: "/bin/sh")
            process.arguments = ["-c", "ulimit -n \(openFileLimit) && exec \"$0\" \"$@\"", try executable.path] + arguments
        } else {
            process.executableURL = try executable
            process.arguments = arguments
        }
        process.currentDirectoryURL = folder
        var environment = ProcessInfo.processInfo.environment
        environment["SWIFT_BACKTRACE"] = "interactive=no"
        environment.removeValue(forKey: "CREST_DATASETS")
        environment.removeValue(forKey: "CREST_LIBSSL")
        for name in environment.keys where name.hasPrefix("AWS_") { environment.removeValue(forKey: name) }
        environment["AWS_SHARED_CREDENTIALS_FILE"] = folder.appendingPathComponent("no-aws-credentials").path
        environment["AWS_CONFIG_FILE"] = folder.appendingPathComponent("no-aws-config").path
        environment.merge(settings) { _, set in set }
        process.environment = environment
        let started = Started(process: process, standardOutput: Pipe(), standardError: Pipe())
        process.standardOutput = started.standardOutput
        process.standardError = started.standardError
        try process.run()
        return started
    }

    /// Starts `crest serve --port 0` in `folder` and returns it with the URL it printed.
    static func startServe(_ extra: [String] = [], in folder: URL, settings: [String: String] = [:]) throws -> (Process, String) {
        let started = try start(["serve", "--port", "0"] + extra, in: folder, settings: settings)
        let process = started.process
        let error = started.standardError
        var printed = ""
        while !printed.contains("\n") {
            let data = error.fileHandleForReading.availableData
            guard !data.isEmpty else { break }
            printed += String(decoding: data, as: UTF8.self)
        }
        guard let range = printed.range(of: #"https?://127\.0\.0\.1:\d+"#, options: .regularExpression) else {
            process.terminate()
            throw XCTSkip("crest serve printed no URL: \(printed)")
        }
        return (process, String(printed[range]))
    }

    /// Runs `crest arguments...` in `folder` and waits for it.
    static func run(_ arguments: [String], in folder: URL, openFileLimit: Int? = nil, settings: [String: String] = [:]) throws -> Result {
        let started = try start(arguments, in: folder, openFileLimit: openFileLimit, settings: settings)
        // Read before waiting: a full pipe would block the child.
        let outputData = started.standardOutput.fileHandleForReading.readDataToEndOfFile()
        let errorData = started.standardError.fileHandleForReading.readDataToEndOfFile()
        started.process.waitUntilExit()
        return Result(
            status: started.process.terminationStatus, standardOutput: String(decoding: outputData, as: UTF8.self),
            standardError: String(decoding: errorData, as: UTF8.self))
    }

    /// A new empty folder, with the package's datasets linked in as a user's checkout has them.
    static func workspace() throws -> URL {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("crest-cli-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        try FileManager.default.createSymbolicLink(
            at: folder.appendingPathComponent("datasets"), withDestinationURL: packageRoot.appendingPathComponent("datasets"))
        return folder
    }
}
