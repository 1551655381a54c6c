import Crest
import CrestHTTP
import CrestServe
import CrestSimulator
import Dispatch
import Foundation
import Glibc

/// `crest serve`: the simulator in real time behind an OpenAI-compatible HTTP API.
struct ServeCommand: Command {
    static let name = "serve"
    static let summary = "serve the simulator in real time behind an OpenAI-compatible (and TGI) HTTP API"
    static let defaultPort = 8088

    static var usage: String {
        """
        USAGE: crest serve [options]

        Runs a simulated inference server in real time: POST /v1/chat/completions and /v1/completions
        (streamed with "stream": true, with the usage block when stream_options.include_usage is set),
        TGI's POST /generate_stream and /generate, POST /tokenize (the simulator's token counts, as vLLM,
        llama.cpp and TGI answer it), GET /v1/models, /health, and /metrics (Prometheus text with
        vLLM's gauge names). Any model name is accepted. Point 'crest sweep --url', vLLM's
        benchmark or GuideLLM at it. Ctrl-C stops it.

        OPTIONS
          --preset NAME               the simulated engine (default \(SimulatorPreset.standard.name)): \(SimulatorPreset.all.map(\.name).joined(separator: ", "))
          --host HOST                 the address to listen on (default 127.0.0.1)
          --port P                    the port (default \(defaultPort); 0 picks a free one)
          --model NAME                the name /v1/models reports (default: the preset's model)
          --seed N                    the seed of the engine's randomness (default 1)
          --tls-cert FILE             serve https with this PEM certificate chain (with --tls-key; needs the
                                      system's OpenSSL 3, libssl.so.3)
          --tls-key FILE              the certificate's PEM private key

        FAULTS (override the preset's)
          --error-rate P              answer this share of requests with a 500, e.g. 0.5%
          --concurrency-cap N         answer 429 when N requests are already in the server
          --retry-after D             the Retry-After of those 429s (default 1s)
          --fault NAME=SHARE          inject a fault into this share of the OpenAI routes' requests, repeatable,
                                      e.g. --fault reset=1% --fault stall=0.5%; NAME is one of
        \(faultNames)
          --faults FILE               a JSON plan of faults instead: {"faults": {"reset": 0.01}, "after_tokens": 2,
                                      "first_token_delay": "30s", "huge_event_bytes": 4194304}
          --fault-after-tokens N      tokens streamed before a mid-stream fault strikes (default 2)
          --first-token-delay D       how long slow_first_token holds a request (default 30s)

        AWS SHAPES
          --api bedrock|sagemaker     also serve Bedrock's POST /model/{id}/converse and /converse-stream and a
                                      SageMaker endpoint's POST /endpoints/{name}/invocations and
                                      /invocations-response-stream (TGI's payload), in AWS's event-stream
                                      frames and error shapes, checking SigV4 as AWS does: requests must be
                                      signed with AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY as this
                                      process has them (AWS's example pair AKIDEXAMPLE when unset), or carry
                                      AWS_BEARER_TOKEN_BEDROCK as a Bedrock API key
          --region REGION             the region requests must be signed for (default us-east-1)
          --throttle-rate P           refuse this share of requests with a ThrottlingException (429)
          --throttle-above N          a ThrottlingException when N requests are already in the server

        EXIT CODES
          0 stopped by Ctrl-C or SIGTERM   1 the server failed   2 bad usage, or the port cannot be listened on
        """
    }

    /// The injectable faults' names, wrapped to the help's width under its descriptions.
    private static var faultNames: String {
        var lines: [String] = []
        var line = ""
        for name in InjectedFaults.Kind.allCases.map(\.rawValue) {
            if !line.isEmpty && line.count + name.count + 2 > 60 {
                lines.append(line + ",")
                line = ""
            }
            line += (line.isEmpty ? "" : ", ") + name
        }
        lines.append(line)
        return lines.map { String(repeating: " ", count: 30) + $0 }.joined(separator: "\n")
    }

    let preset: SimulatorPreset
    let endpoint: SimulatedEndpoint
    let host: String
    let port: Int
    let modelName: String
    let seed: UInt64
    let aws: AWSServing?
    let faults: InjectedFaults
    /// The certificate chain and key files for https; nil for http.
    let tlsFiles: (certificate: String, key: String)?

    init(arguments: ArgumentList) throws {
        try self.init(arguments: arguments, environment: ProcessInfo.processInfo.environment)
    }

    init(arguments: ArgumentList, environment: [String: String]) throws {
        var arguments = arguments
        let presetName = try arguments.value("--preset") ?? SimulatorPreset.standard.name
        guard let preset = SimulatorPreset.named(presetName) else {
            throw UsageError("--preset '\(presetName)': unknown; known: \(SimulatorPreset.all.map(\.name).joined(separator: ", "))")
        }
        self.preset = preset
        var endpoint = preset.endpoint
        if let rate = try arguments.errorRate("--error-rate") { endpoint.faults.errorProbability = rate }
        if let cap = try arguments.positiveInteger("--concurrency-cap", atMost: Level.maximumConcurrency) { endpoint.faults.concurrencyCap = cap }
        if let seconds = try arguments.duration("--retry-after") { endpoint.faults.retryAfterSeconds = seconds }
        faults = try Self.faults(&arguments)
        let api = try arguments.value("--api")
        let region = try arguments.value("--region")
        let throttleRate = try arguments.errorRate("--throttle-rate")
        let throttleAbove = try arguments.positiveInteger("--throttle-above", atMost: Level.maximumConcurrency)
        switch api {
        case "bedrock", "sagemaker":
            if let throttleAbove { endpoint.faults.concurrencyCap = throttleAbove }
            aws = AWSServing(environment: environment, region: region ?? "us-east-1", throttleRate: throttleRate ?? 0)
        case nil, "openai", "openai-chat":
            if let option = [region.map { _ in "--region" }, throttleRate.map { _ in "--throttle-rate" }, throttleAbove.map { _ in "--throttle-above" }]
                .compactMap({ $0 }).first
            {
                throw UsageError("\(option) goes with --api bedrock or sagemaker")
            }
            aws = nil
        case let other?:
            throw UsageError("--api '\(other)': unknown; known: bedrock, sagemaker (the OpenAI and TGI routes are always served)")
        }
        self.endpoint = endpoint
        host = try arguments.value("--host") ?? "127.0.0.1"
        port = try arguments.port("--port") ?? Self.defaultPort
        modelName = try arguments.value("--model") ?? preset.model
        seed = try arguments.seed() ?? 1
        switch (try arguments.value("--tls-cert"), try arguments.value("--tls-key")) {
        case (let certificate?, let key?): tlsFiles = (certificate, key)
        case (nil, nil): tlsFiles = nil
        case (_?, nil): throw UsageError("--tls-cert needs --tls-key (the certificate's private key)")
        case (nil, _?): throw UsageError("--tls-key needs --tls-cert (the certificate chain)")
        }
        try arguments.finish(command: Self.name)
    }

    /// The injected faults of `--fault` flags or a `--faults` plan, and their settings.
    private static func faults(_ arguments: inout ArgumentList) throws -> InjectedFaults {
        let flags = try arguments.values("--fault")
        let planFile = try arguments.value("--faults")
        let afterTokens = try arguments.positiveInteger("--fault-after-tokens", atMost: 100_000)
        let delay = try arguments.duration("--first-token-delay")
        var plan: InjectedFaults
        switch (planFile, flags.isEmpty) {
        case (let path?, true):
            do { plan = try InjectedFaults.read(path: path) } catch let error as InjectedFaultsError { throw UsageError("--faults \(error)") }
        case (_?, false):
            throw UsageError("give --fault flags or a --faults plan, not both")
        case (nil, _):
            plan = InjectedFaults()
            let names = InjectedFaults.Kind.allCases.map(\.rawValue).joined(separator: ", ")
            for flag in flags {
                let parts = flag.split(separator: "=", maxSplits: 1).map(String.init)
                guard parts.count == 2, let kind = InjectedFaults.Kind(rawValue: parts[0]) else {
                    throw UsageError("--fault '\(flag)': expected NAME=SHARE such as reset=1%, NAME one of \(names)")
                }
                guard let share = InjectedFaults.share(parts[1]), (0...1).contains(share) else {
                    throw UsageError("--fault '\(flag)': expected a share from 0 to 1, or a percentage such as 1%")
                }
                plan.shares[kind] = share
            }
            do { plan = try plan.validated(in: "--fault") } catch let error as InjectedFaultsError { throw UsageError(error.description) }
        }
        if let afterTokens { plan.afterTokens = afterTokens }
        if let delay { plan.firstTokenDelaySeconds = delay }
        return plan
    }

    func run() async throws -> ExitCode {
        let loop = try EventLoop(name: "crest-serve")
        let handler = SimulatedInferenceServer(endpoint: endpoint, modelName: modelName, seed: seed, aws: aws, faults: faults)
        let tls: TLSContext?
        do {
            tls = try tlsFiles.map { try TLSContext.server(certificateChain: $0.certificate, privateKey: $0.key) }
        } catch {
            throw UsageError("--tls-cert/--tls-key: \(error)")
        }
        let server: HTTPServer
        do {
            server = try handler.listen(on: loop, host: host, port: port, tls: tls)
        } catch {
            throw UsageError("cannot listen on \(host):\(port): \(error)")
        }
        StandardError.write("""
            crest serve: sim:\(preset.name) as model '\(modelName)' on \(tls == nil ? "http" : "https")://\(host):\(server.port)
              POST /v1/chat/completions  /v1/completions  /generate_stream  /generate
              GET /v1/models  /health  /metrics
            \(awsBanner)\(faultBanner)  Ctrl-C stops.

            """)
        await TerminationSignal.wait()
        loop.shutdown()
        StandardError.write("crest serve: stopped\n")
        return .success
    }

    /// What the banner says of the injected faults.
    private var faultBanner: String {
        guard !faults.isEmpty else { return "" }
        let shares = faults.shares.filter { $0.value > 0 }.sorted { $0.key < $1.key }
            .map { "\($0.key.rawValue) \(NumberFormatting.significant($0.value * 100))%" }.joined(separator: ", ")
        return "  injecting faults on the OpenAI routes: \(shares) (mid-stream after \(faults.afterTokens) tokens)\n"
    }

    /// What the banner says of the AWS routes and the credentials they take; never a secret but
    /// AWS's published example.
    private var awsBanner: String {
        guard let aws else { return "" }
        let keys = aws.usesExampleKeys
            ? "AWS's example pair: AWS_ACCESS_KEY_ID=\(AWSServing.exampleAccessKeyID) AWS_SECRET_ACCESS_KEY=\(AWSServing.exampleSecretAccessKey)"
            : "access key \(aws.secrets.keys.first ?? "") from this environment"
        return """
              POST /model/{id}/converse  /model/{id}/converse-stream  (Bedrock)
              POST /endpoints/{name}/invocations  /endpoints/{name}/invocations-response-stream  (SageMaker, TGI payload)
              SigV4 for region \(aws.region) with \(keys)\(aws.bearerToken == nil ? "" : ", or the Bedrock API key of AWS_BEARER_TOKEN_BEDROCK")

            """
    }
}
