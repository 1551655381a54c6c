import Crest
import CrestHTTP
import CrestSimulator
import Foundation

/// The `crest` tool: picks the command, runs it, and turns every error into a message and an exit
/// code in this one place.
enum CommandLineTool {
    /// Every command's name and summary, for the top-level help.
    static let commandSummaries = [
        (SweepCommand.name, SweepCommand.summary), (RecommendCommand.name, RecommendCommand.summary),
        (ReportCommand.name, ReportCommand.summary), (CompareCommand.name, CompareCommand.summary),
        (ServeCommand.name, ServeCommand.summary),
        (DatasetsCommand.name, DatasetsCommand.summary),
    ]

    static let usage = """
        crest \(CrestVersion.current): finds the best concurrency for an LLM inference endpoint.

        USAGE: crest <command> [options]

        COMMANDS
        \(commandSummaries.map { "  \($0.0.padding(toLength: 10, withPad: " ", startingAt: 0)) \($0.1)" }.joined(separator: "\n"))

        Run 'crest <command> --help' for a command's options. 'crest sweep' with no options sweeps the
        built-in simulator and writes a report under results/.
        """

    static func main(_ arguments: [String]) async -> ExitCode {
        guard let name = arguments.first, name != "--help", name != "-h", name != "help" else {
            StandardOutput.write(usage + "\n")
            return arguments.isEmpty ? .usage : .success
        }
        let list = ArgumentList(Array(arguments.dropFirst()))
        switch name {
        case "--version":
            StandardOutput.write("crest \(CrestVersion.current)\n")
            return .success
        case SweepCommand.name where arguments.contains("--config") || arguments.contains(where: { $0.hasPrefix("--config=") }):
            return await execute(StudyCommand.self, arguments: list)
        case SweepCommand.name:
            return await execute(SweepCommand.self, arguments: list)
        case RecommendCommand.name:
            return await execute(RecommendCommand.self, arguments: list)
        case CompareCommand.name:
            return await execute(CompareCommand.self, arguments: list)
        case ReportCommand.name:
            return await execute(ReportCommand.self, arguments: list)
        case ServeCommand.name:
            return await execute(ServeCommand.self, arguments: list)
        case DatasetsCommand.name:
            return await execute(DatasetsCommand.self, arguments: list)
        default:
            StandardError.write("crest: unknown command '\(name)'; commands: \(commandSummaries.map(\.0).joined(separator: ", "))\n")
            return .usage
        }
    }

    /// Prints help, or parses and runs the command, reporting any error.
    private static func execute<C: Command>(_ command: C.Type, arguments: ArgumentList) async -> ExitCode {
        if arguments.wantsHelp {
            StandardOutput.write(C.usage + "\n")
            return .success
        }
        do {
            return try await C(arguments: arguments).run()
        } catch {
            let (message, code) = describe(error)
            StandardError.write("crest \(C.name): \(message)\n")
            return code
        }
    }

    /// The message and exit code for an error: bad input is 2, anything else a failed run.
    static func describe(_ error: Error) -> (String, ExitCode) {
        switch error {
        case let error as UsageError: return (error.description, .usage)
        case let error as WorkloadError: return (error.description, .usage)
        case let error as BudgetError: return (error.description, .usage)
        case let error as LevelListError: return (error.description, .usage)
        case let error as ResultsError:
            if case .occupied = error { return (error.description, .usage) }
            return (error.description, .runFailed)
        case let error as SimulationError: return (error.description, .runFailed)
        case let error as LoadGeneratorError:
            // Too many clients for the open-files limit or the port range is the user's setting;
            // a host that does not resolve is the endpoint unreachable, as the pre-flight request
            // says of a refused connection (exit 3); running out of descriptors mid-level is the
            // run's failure (never blamed on the endpoint).
            switch error {
            case .tooManyClients, .tooFewEphemeralPorts: return (error.description, .usage)
            case .unresolvedHost: return (error.description, .noFeasibleLevel)
            case .outOfFileDescriptors: return (error.description, .runFailed)
            }
        case let error as SocketError: return (error.description, .runFailed)
        default: return (String(describing: error), .runFailed)
        }
    }
}
