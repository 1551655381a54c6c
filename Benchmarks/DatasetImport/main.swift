import Crest
import Foundation

// How `crest datasets import` holds up on a gigabyte of ShareGPT JSON (issue 17): time, and the
// process's peak resident memory, which must stay under 500 MB however large the file.
//
//   swift build -c release --product DatasetImportBenchmark
//   .build/release/DatasetImportBenchmark [--megabytes 1024] [--file /tmp/crest-sharegpt-1g.json]
//
// The file is written once (ShareGPT-shaped conversations of Crest's own text, seeded) and reused.

func option(_ name: String) -> String? {
    let arguments = CommandLine.arguments
    guard let index = arguments.firstIndex(of: name), index + 1 < arguments.count else { return nil }
    return arguments[index + 1]
}

func peakResidentMegabytes() -> Double {
    var usage = rusage()
    getrusage(RUSAGE_SELF.rawValue, &usage)
    return Double(usage.ru_maxrss) / 1024  // kilobytes on Linux
}

/// A ShareGPT array of about `megabytes`, made of a pool of generated turns drawn at random.
func writeShareGPT(to path: String, megabytes: Int) throws {
    var text = SyntheticText(seed: 11)
    var random = SeededRandom(seed: 12)
    let turns = (0..<400).map { index -> String in
        let words = [30, 120, 400, 900, 1800][index % 5]
        let json = try! JSONSerialization.data(withJSONObject: [text.prompt(targetTokens: words)], options: [])
        return String(decoding: json.dropFirst().dropLast(), as: UTF8.self)  // a JSON string, quoted and escaped
    }
    FileManager.default.createFile(atPath: path, contents: nil)
    let handle = FileHandle(forWritingAtPath: path)!
    defer { try? handle.close() }
    let target = megabytes << 20
    var written = 0
    var conversation = 0
    var buffer = "[\n"
    while written + buffer.utf8.count < target {
        let exchanges = 1 + random.nextInt(below: 3)
        let parts = (0..<(2 * exchanges)).map { turn in
            #"{"from":"\#(turn % 2 == 0 ? "human" : "gpt")","value":\#(turns[random.nextInt(below: turns.count)])}"#
        }
        buffer += (conversation == 0 ? "" : ",\n") + #"{"id":"c\#(conversation)","conversations":[\#(parts.joined(separator: ","))]}"#
        conversation += 1
        if buffer.utf8.count > 1 << 22 {
            try handle.write(contentsOf: Data(buffer.utf8))
            written += buffer.utf8.count
            buffer = ""
        }
    }
    buffer += "\n]\n"
    try handle.write(contentsOf: Data(buffer.utf8))
}

func run() throws {
    let megabytes = Int(option("--megabytes") ?? "1024") ?? 1024
    let path = option("--file") ?? "/tmp/crest-sharegpt-\(megabytes)m.json"
    let size = (try? FileManager.default.attributesOfItem(atPath: path)[.size] as? Int) ?? 0
    if size < (megabytes << 20) * 9 / 10 {
        print("writing \(path) (\(megabytes) MB of ShareGPT-shaped JSON)...")
        try writeShareGPT(to: path, megabytes: megabytes)
    }
    let bytes = (try FileManager.default.attributesOfItem(atPath: path)[.size] as? Int) ?? 0
    let before = peakResidentMegabytes()
    let out = FileManager.default.temporaryDirectory.appendingPathComponent("crest-import-\(ProcessInfo.processInfo.processIdentifier)")
    try FileManager.default.createDirectory(at: out, withIntermediateDirectories: true)
    defer { try? FileManager.default.removeItem(at: out) }
    let job = DatasetImport(bins: DatasetImport.Bin.parse("1-500,500-1000,1000-2000,2000-4000"), perBin: 1000, seed: 7)
    let start = Date()
    let summary = try job.run(source: path, out: out.appendingPathComponent("imported.jsonl").path)
    let seconds = Date().timeIntervalSince(start)
    print("file: \(bytes >> 20) MB, \(summary.source.prompts) conversations")
    print(String(format: "import: %.1f s, %.0f MB/s", seconds, Double(bytes >> 20) / seconds))
    for output in summary.outputs { print("  \(output.bin?.name ?? "all"): \(output.written) of \(output.seen)") }
    print(String(format: "peak resident memory: %.0f MB (%.0f MB before the import; limit 500 MB)", peakResidentMegabytes(), before))
}

do { try run() } catch {
    FileHandle.standardError.write(Data("DatasetImportBenchmark: \(error)\n".utf8))
    exit(1)
}
