import Foundation

// Setup stays in functions: closures written in top-level code are main-actor isolated and crash
// when another queue runs them (../shared/research/swift-linux.md §4).
func runCrest() async -> Int32 {
    await CommandLineTool.main(Array(CommandLine.arguments.dropFirst())).rawValue
}

exit(await runCrest())
