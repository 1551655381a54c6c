import Foundation
import XCTest

/// `crest sweep --resume`: a sweep killed with SIGKILL at moments it cannot choose (inside a
/// level, between a level's samples and its search line, during a write) is continued from its
/// folder and ends exactly as the uninterrupted sweep with the same seed: the same files, byte for
/// byte, so no sample on disk before the kill is lost and none is there twice.
final class ResumeCommandTests: WorkspaceTestCase {
    /// A search of a few dozen levels on the simulator, a few seconds long in a debug build.
    private let sweep = ["sweep", "--dataset", "en_1-500", "--max-tokens", "64", "--budget", "e2e.p95<=4s", "--seed", "7"]
    private let comparedFiles = ["samples.jsonl", "search.jsonl", "levels.csv", "recommendation.json"]

    private func lineCount(_ path: String) -> Int {
        (try? String(contentsOf: workspace.appendingPathComponent(path), encoding: .utf8))?.split(separator: "\n").count ?? 0
    }

    /// Kill moments as shares of the uninterrupted sweep's wall time: three spread over it in CI;
    /// `CREST_CRASH_TEST_KILLS=N` draws N (seeded), for the crash test's figure.
    private var killMoments: [Double] {
        guard let count = ProcessInfo.processInfo.environment["CREST_CRASH_TEST_KILLS"].flatMap(Int.init), count > 0 else { return [0.15, 0.5, 0.9] }
        var state: UInt64 = 0x5EED
        return (0..<count).map { _ in
            state = state &* 6364136223846793005 &+ 1442695040888963407
            return Double(state >> 11) / Double(1 << 53)
        }
    }

    func testASweepKilledAtAnyMomentResumesToTheUninterruptedAnswer() throws {
        let began = Date()
        let whole = try CrestBinary.run(sweep + ["--out", "whole"], in: workspace)
        let wallTime = Date().timeIntervalSince(began)
        XCTAssertEqual(whole.status, 0, whole.standardError)
        XCTAssertGreaterThan(lineCount("whole/search.jsonl"), 3, "a search of several steps")
        var resumedRuns = 0, finishedFirst = 0, repaired = 0
        for (index, share) in killMoments.enumerated() {
            let name = "killed\(index)"
            let started = try CrestBinary.start(sweep + ["--out", name], in: workspace)
            usleep(useconds_t(share * wallTime * 1e6))
            kill(started.process.processIdentifier, SIGKILL)
            _ = started.exits()
            let onDisk = Set((try? text("\(name)/samples.jsonl"))?.split(separator: "\n").map(String.init) ?? [])
            let stepsOnDisk = lineCount("\(name)/search.jsonl")
            let resumed = try CrestBinary.run(sweep + ["--resume", name], in: workspace)
            if started.process.terminationReason == .exit {
                // The sweep finished before the kill landed: there is nothing to resume, and it says so.
                finishedFirst += 1
                XCTAssertEqual(resumed.status, 2, resumed.standardError)
                XCTAssertTrue(resumed.standardError.contains("the sweep finished; there is nothing to resume"), resumed.standardError)
                continue
            }
            if !FileManager.default.fileExists(atPath: workspace.appendingPathComponent("\(name)/run.json").path) {
                // Killed before the folder had its run.json: nothing was measured; a resume names the folder as no sweep's.
                XCTAssertEqual(resumed.status, 2, resumed.standardError)
                continue
            }
            resumedRuns += 1
            if resumed.standardError.contains("note: ") { repaired += 1 }
            XCTAssertEqual(resumed.status, 0, "\(name): \(resumed.standardError)")
            for file in comparedFiles {
                XCTAssertEqual(
                    try text("\(name)/\(file)"), try text("whole/\(file)"),
                    "\(name) (killed at \(Int(share * 100))% of the run, \(stepsOnDisk) steps on disk): \(file) differs")
            }
            let final = try text("\(name)/samples.jsonl").split(separator: "\n").map(String.init)
            // Every whole sample line on disk before the kill is still there (a torn last one is not
            // whole; an unfinished level's samples come back as its measurement is run again).
            let lost = onDisk.filter { $0.hasSuffix("}") }.subtracting(final)
            XCTAssertTrue(lost.isEmpty, "\(name): \(lost.count) samples on disk before the kill were lost")
            XCTAssertEqual(Set(final).count, final.count, "\(name): a sample is there twice")
            let manifest = try JSONSerialization.jsonObject(with: Data(contentsOf: workspace.appendingPathComponent("\(name)/run.json"))) as! [String: Any]
            XCTAssertEqual(manifest["status"] as? String, "finished")
        }
        XCTAssertGreaterThan(resumedRuns, 0, "no kill landed inside the sweep")
        print("crash test: \(killMoments.count) kills, \(resumedRuns) resumed to byte-identical files (\(repaired) after dropping torn or unfinished lines), \(finishedFirst) landed after the sweep had finished")
    }

    /// A disk that fills up mid-run (a 60 kB tmpfs, mounted in a private mount namespace: root
    /// only, skipped elsewhere) stops the sweep with the file and how to continue; once there is
    /// room the sweep resumes to the uninterrupted one's files.
    func testAFullDiskStopsTheSweepAndItResumesOnceThereIsRoom() throws {
        guard getuid() == 0, FileManager.default.isExecutableFile(atPath: "/usr/bin/unshare") else { throw XCTSkip("needs root and unshare -m") }
        let whole = try CrestBinary.run(sweep + ["--out", "whole"], in: workspace)
        XCTAssertEqual(whole.status, 0, whole.standardError)
        let mountPoint = workspace.appendingPathComponent("tiny").path
        let copy = workspace.appendingPathComponent("full").path
        try FileManager.default.createDirectory(atPath: mountPoint, withIntermediateDirectories: true)
        let command = ([try CrestBinary.executable.path] + sweep + ["--out", "\(mountPoint)/run"]).map { "'\($0)'" }.joined(separator: " ")
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/unshare")
        process.arguments = ["-m", "--propagation", "private", "/bin/sh", "-c",
                             "mount -t tmpfs -o size=60k tmpfs '\(mountPoint)' || exit 99; \(command) 2> '\(copy).log'; echo $? > '\(copy).status'; cp -r '\(mountPoint)/run' '\(copy)'"]
        process.environment = ["SWIFT_BACKTRACE": "interactive=no", "PATH": "/usr/bin:/bin"]
        process.currentDirectoryURL = workspace
        try process.run()
        process.waitUntilExit()
        if process.terminationStatus == 99 { throw XCTSkip("this machine does not allow mounting a tmpfs") }
        let said = try String(contentsOfFile: "\(copy).log", encoding: .utf8)
        XCTAssertEqual(try String(contentsOfFile: "\(copy).status", encoding: .utf8).trimmingCharacters(in: .whitespacesAndNewlines), "1", said)
        XCTAssertTrue(said.contains("cannot write results"), said)
        XCTAssertTrue(said.contains("run the same command with --resume"), said)
        let resumed = try CrestBinary.run(sweep + ["--resume", "full"], in: workspace)
        XCTAssertEqual(resumed.status, 0, resumed.standardError)
        for file in comparedFiles { XCTAssertEqual(try text("full/\(file)"), try text("whole/\(file)"), file) }
    }

    /// A results folder made read-only mid-run (`chmod a-w` once the first level is on disk, the
    /// sweep running as an unprivileged user, since root writes anywhere) stops the sweep with the
    /// file it could not write and how to continue; what was written stays, and once the folder is
    /// writable again the sweep resumes to the uninterrupted one's files.
    func testAFolderMadeReadOnlyMidRunStopsTheSweepAndItResumes() throws {
        guard getuid() == 0, FileManager.default.isExecutableFile(atPath: "/usr/bin/setpriv") else { throw XCTSkip("needs root and setpriv") }
        let whole = try CrestBinary.run(sweep + ["--out", "whole"], in: workspace)
        XCTAssertEqual(whole.status, 0, whole.standardError)
        let shared = workspace.appendingPathComponent("shared").path
        try FileManager.default.createDirectory(atPath: shared, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o777])
        try FileManager.default.setAttributes([.posixPermissions: 0o755], ofItemAtPath: workspace.path)
        let folder = "\(shared)/run"
        let command = ([try CrestBinary.executable.path] + sweep + ["--out", folder]).map { "'\($0)'" }.joined(separator: " ")
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/bin/sh")
        process.arguments = ["-c", """
            setpriv --reuid=65534 --regid=65534 --clear-groups \(command) 2> '\(shared)/said.log' & sweep=$!
            while [ ! -s '\(folder)/search.jsonl' ] && kill -0 $sweep 2>/dev/null; do sleep 0.001; done
            chmod a-w '\(folder)'
            wait $sweep; echo $? > '\(shared)/status'
            """]
        process.environment = ["SWIFT_BACKTRACE": "interactive=no", "PATH": "/usr/bin:/bin"]
        process.currentDirectoryURL = workspace
        try process.run()
        process.waitUntilExit()
        let said = try String(contentsOfFile: "\(shared)/said.log", encoding: .utf8)
        XCTAssertEqual(try String(contentsOfFile: "\(shared)/status", encoding: .utf8).trimmingCharacters(in: .whitespacesAndNewlines), "1", said)
        XCTAssertTrue(said.contains("cannot write results"), said)
        XCTAssertTrue(said.contains("Permission denied"), said)
        XCTAssertTrue(said.contains("shared/run/"), "the message names the file: \(said)")
        XCTAssertTrue(said.contains("run the same command with --resume"), said)
        XCTAssertGreaterThanOrEqual(lineCount("shared/run/search.jsonl"), 1, "what was written before stays")
        try FileManager.default.setAttributes([.posixPermissions: 0o755], ofItemAtPath: folder)
        let resumed = try CrestBinary.run(sweep + ["--resume", "shared/run"], in: workspace)
        XCTAssertEqual(resumed.status, 0, resumed.standardError)
        for file in comparedFiles { XCTAssertEqual(try text("shared/run/\(file)"), try text("whole/\(file)"), file) }
    }

    func testAFolderOfAnotherSweepIsRefusedAndLeftAsItWas() throws {
        let started = try CrestBinary.start(sweep + ["--out", "cut"], in: workspace)
        while lineCount("cut/search.jsonl") < 1 && started.process.isRunning { usleep(2_000) }
        kill(started.process.processIdentifier, SIGKILL)
        _ = started.exits()
        let lineFiles = ["samples.jsonl", "search.jsonl"]
        let before = try lineFiles.map { try text("cut/\($0)") }
        let cases: [([String], String)] = [
            (["--budget", "e2e.p95<=9s"], "budget: the folder's is e2e.p95<=4s AND errors<=1%, this command's e2e.p95<=9s AND errors<=1%"),
            (["--seed", "8"], "settings:"),
            (["--dataset", "en_500-1000"], "dataset: the folder's is en_1-500"),
            (["--target", "sim:l4-llama3-8b"], "target: the folder's is sim:a100-llama3-8b"),
        ]
        for (change, message) in cases {
            var arguments = sweep
            for (index, word) in change.enumerated() where index % 2 == 0 {
                if let at = arguments.firstIndex(of: word) { arguments[at + 1] = change[index + 1] } else { arguments += [word, change[index + 1]] }
            }
            let result = try CrestBinary.run(arguments + ["--resume", "cut"], in: workspace)
            XCTAssertEqual(result.status, 2, "\(change): \(result.standardError)")
            XCTAssertTrue(result.standardError.contains("the folder holds another sweep than this command's"), result.standardError)
            XCTAssertTrue(result.standardError.contains(message), "\(change): \(result.standardError)")
        }
        XCTAssertEqual(try lineFiles.map { try text("cut/\($0)") }, before, "a refused resume changes nothing")
        let both = try CrestBinary.run(sweep + ["--resume", "cut", "--out", "other"], in: workspace)
        XCTAssertEqual(both.status, 2)
        XCTAssertTrue(both.standardError.contains("not both"), both.standardError)
        let none = try CrestBinary.run(sweep + ["--resume", "no-such-folder"], in: workspace)
        XCTAssertEqual(none.status, 2)
        XCTAssertTrue(none.standardError.contains("not a Crest results folder"), none.standardError)
    }
}
