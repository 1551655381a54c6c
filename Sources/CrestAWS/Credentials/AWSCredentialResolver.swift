/// How requests to an AWS endpoint are authorised, and where that came from. The source is said
/// in run.json and the report; the value never is.
public enum AWSAuthorization: Sendable, Equatable {
    /// A Bedrock API key, sent as `Authorization: Bearer`.
    case bearer(token: String)
    case sigV4(AWSCredentials)
}

extension AWSAuthorization: CustomStringConvertible {
    public var description: String {
        switch self {
        case .bearer: return "Bedrock API key <redacted>"
        case .sigV4(let credentials): return credentials.description
        }
    }
}

/// How an AWS endpoint's requests are authorised, in which region, and where the credentials
/// came from for run.json ("environment: AWS_ACCESS_KEY_ID", "shared credentials file, profile
/// prod"; their values never are): what the resolver finds.
public struct AWSAccess: Sendable, Equatable {
    public let authorization: AWSAuthorization
    public let region: String
    public let source: String

    public init(authorization: AWSAuthorization, region: String, source: String) {
        self.authorization = authorization
        self.region = region
        self.source = source
    }
}

/// Why no usable credentials were found; messages name variables, files and profiles, never a value.
public enum AWSAccessError: Error, Equatable, CustomStringConvertible {
    case missingVariable(present: String, missing: String)
    case profileNotFound(profile: String, searched: [String])
    case profileWithoutKeys(profile: String, path: String)
    case noCredentials(profile: String, searched: [String])
    case noRegion(profile: String)
    case unreadableFile(path: String, reason: String)
    case syntax(AWSSharedFile.SyntaxError)

    public var description: String {
        switch self {
        case .missingVariable(let present, let missing): return "\(present) is set but \(missing) is not: set both, or neither to use a profile"
        case .profileNotFound(let profile, let searched):
            return "AWS profile '\(profile)' is in none of \(searched.joined(separator: ", "))"
        case .profileWithoutKeys(let profile, let path):
            return "AWS profile '\(profile)' in \(path) has no aws_access_key_id and aws_secret_access_key (Crest reads keys only: run `aws configure export-credentials --format env` for SSO or role profiles)"
        case .noCredentials(let profile, let searched):
            return "no AWS credentials: set AWS_BEARER_TOKEN_BEDROCK (Bedrock), or AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY, or give profile '\(profile)' keys in \(searched.joined(separator: " or "))"
        case .noRegion(let profile):
            return "no AWS region: pass --region, or set AWS_REGION or AWS_DEFAULT_REGION, or a region for profile '\(profile)' in the config file"
        case .unreadableFile(let path, let reason): return "cannot read \(path): \(reason)"
        case .syntax(let error): return error.description
        }
    }
}

/// Finds credentials the way the AWS tools do, from the environment and the shared files only:
/// a Bedrock API key (`AWS_BEARER_TOKEN_BEDROCK`, for Bedrock), else `AWS_ACCESS_KEY_ID` and
/// `AWS_SECRET_ACCESS_KEY` (with `AWS_SESSION_TOKEN`), else the profile `AWS_PROFILE` (or
/// `default`) of `AWS_SHARED_CREDENTIALS_FILE` (`~/.aws/credentials`) and `AWS_CONFIG_FILE`
/// (`~/.aws/config`). The region: the one asked for, else `AWS_REGION`, `AWS_DEFAULT_REGION`,
/// the profile's.
public struct AWSCredentialResolver {
    public let environment: [String: String]
    /// The text of a file, nil when it does not exist.
    public let readFile: (String) throws -> String?

    public init(environment: [String: String], readFile: @escaping (String) throws -> String?) {
        self.environment = environment
        self.readFile = readFile
    }

    public func resolve(region requested: String?, acceptsBearerToken: Bool) throws(AWSAccessError) -> AWSAccess {
        let profile = value("AWS_PROFILE") ?? "default"
        let home = value("HOME") ?? "~"
        let credentialsPath = value("AWS_SHARED_CREDENTIALS_FILE") ?? "\(home)/.aws/credentials"
        let configPath = value("AWS_CONFIG_FILE") ?? "\(home)/.aws/config"
        // Profiles are read only when needed: keys or a region they might supply.
        var loaded: (credentials: AWSSharedFile?, config: AWSSharedFile?)?
        func files() throws(AWSAccessError) -> (credentials: AWSSharedFile?, config: AWSSharedFile?) {
            if let loaded { return loaded }
            let files = (try load(credentialsPath, kind: .credentials), try load(configPath, kind: .config))
            loaded = files
            return files
        }
        func region() throws(AWSAccessError) -> String {
            if let region = requested ?? value("AWS_REGION") ?? value("AWS_DEFAULT_REGION") { return region }
            if let region = try files().config?.profiles[profile]?["region"], !region.isEmpty { return region }
            throw .noRegion(profile: profile)
        }

        if acceptsBearerToken, let token = value("AWS_BEARER_TOKEN_BEDROCK") {
            return AWSAccess(authorization: .bearer(token: token), region: try region(), source: "environment: AWS_BEARER_TOKEN_BEDROCK")
        }
        switch (value("AWS_ACCESS_KEY_ID"), value("AWS_SECRET_ACCESS_KEY")) {
        case (let key?, let secret?):
            let credentials = AWSCredentials(accessKeyID: key, secretAccessKey: secret, sessionToken: value("AWS_SESSION_TOKEN"))
            return AWSAccess(authorization: .sigV4(credentials), region: try region(), source: "environment: AWS_ACCESS_KEY_ID")
        case (.some, nil): throw .missingVariable(present: "AWS_ACCESS_KEY_ID", missing: "AWS_SECRET_ACCESS_KEY")
        case (nil, .some): throw .missingVariable(present: "AWS_SECRET_ACCESS_KEY", missing: "AWS_ACCESS_KEY_ID")
        case (nil, nil): break
        }
        let (credentialsFile, configFile) = try files()
        // The credentials file wins over keys in the config file, as in the AWS CLI; a profile in
        // the config file often holds only its region.
        var foundIn: String?
        for (file, path, kind) in [(credentialsFile, credentialsPath, "shared credentials file"), (configFile, configPath, "shared config file")] {
            guard let settings = file?.profiles[profile] else { continue }
            foundIn = foundIn ?? path
            guard let key = settings["aws_access_key_id"], let secret = settings["aws_secret_access_key"] else { continue }
            let credentials = AWSCredentials(accessKeyID: key, secretAccessKey: secret, sessionToken: settings["aws_session_token"])
            return AWSAccess(authorization: .sigV4(credentials), region: try region(), source: "\(kind), profile \(profile)")
        }
        if let foundIn { throw .profileWithoutKeys(profile: profile, path: foundIn) }
        if value("AWS_PROFILE") != nil { throw .profileNotFound(profile: profile, searched: [credentialsPath, configPath]) }
        throw .noCredentials(profile: profile, searched: [credentialsPath, configPath])
    }

    /// An environment variable, nil when unset or empty.
    private func value(_ name: String) -> String? {
        guard let value = environment[name], !value.isEmpty else { return nil }
        return value
    }

    private func load(_ path: String, kind: AWSSharedFile.Kind) throws(AWSAccessError) -> AWSSharedFile? {
        let text: String?
        do {
            text = try readFile(path)
        } catch {
            throw .unreadableFile(path: path, reason: "\(error)")
        }
        guard let text else { return nil }
        do {
            return try AWSSharedFile(parsing: text, kind: kind, path: path)
        } catch {
            throw .syntax(error)
        }
    }
}
