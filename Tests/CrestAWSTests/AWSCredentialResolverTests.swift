import XCTest

@testable import CrestAWS

/// Credentials found as the AWS tools find them, from the environment and the shared files only,
/// and errors that name what is missing without showing a value.
final class AWSCredentialResolverTests: XCTestCase {
    private let secret = "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY"

    private func resolve(
        _ environment: [String: String], files: [String: String] = [:], region: String? = nil, bearer: Bool = true
    ) throws(AWSAccessError) -> AWSAccess {
        try AWSCredentialResolver(environment: ["HOME": "/home/u"].merging(environment) { _, new in new }, readFile: { files[$0] })
            .resolve(region: region, acceptsBearerToken: bearer)
    }

    func testABedrockAPIKeyComesFirstWhereTheServiceTakesOne() throws {
        let environment = ["AWS_BEARER_TOKEN_BEDROCK": "bedrock-key", "AWS_ACCESS_KEY_ID": "AK", "AWS_SECRET_ACCESS_KEY": secret, "AWS_REGION": "us-east-1"]
        let bedrock = try resolve(environment)
        XCTAssertEqual(bedrock.authorization, .bearer(token: "bedrock-key"))
        XCTAssertEqual(bedrock.source, "environment: AWS_BEARER_TOKEN_BEDROCK")
        // SageMaker takes no API key: the access keys sign.
        let sagemaker = try resolve(environment, bearer: false)
        XCTAssertEqual(sagemaker.authorization, .sigV4(AWSCredentials(accessKeyID: "AK", secretAccessKey: secret)))
        XCTAssertEqual(sagemaker.source, "environment: AWS_ACCESS_KEY_ID")
    }

    func testEnvironmentKeysCarryTheSessionTokenAndTheRegionOrder() throws {
        let access = try resolve(
            ["AWS_ACCESS_KEY_ID": "AK", "AWS_SECRET_ACCESS_KEY": secret, "AWS_SESSION_TOKEN": "T", "AWS_DEFAULT_REGION": "eu-west-1", "AWS_REGION": "eu-central-1"])
        XCTAssertEqual(access.authorization, .sigV4(AWSCredentials(accessKeyID: "AK", secretAccessKey: secret, sessionToken: "T")))
        XCTAssertEqual(access.region, "eu-central-1")
        XCTAssertEqual(try resolve(["AWS_ACCESS_KEY_ID": "AK", "AWS_SECRET_ACCESS_KEY": secret, "AWS_DEFAULT_REGION": "eu-west-1"]).region, "eu-west-1")
        XCTAssertEqual(try resolve(["AWS_ACCESS_KEY_ID": "AK", "AWS_SECRET_ACCESS_KEY": secret, "AWS_REGION": "x"], region: "us-west-2").region, "us-west-2")
    }

    func testHalfAKeyPairIsAnErrorNotAFallBack() {
        XCTAssertThrowsError(try resolve(["AWS_ACCESS_KEY_ID": "AK", "AWS_REGION": "r"])) { error in
            XCTAssertEqual(error as? AWSAccessError, .missingVariable(present: "AWS_ACCESS_KEY_ID", missing: "AWS_SECRET_ACCESS_KEY"))
        }
    }

    func testANamedProfileFromTheSharedFiles() throws {
        let files = [
            "/home/u/.aws/credentials": """
                # keys
                [default]
                aws_access_key_id = DEFAULTKEY
                aws_secret_access_key = \(secret)

                [prod]
                aws_access_key_id=PRODKEY
                aws_secret_access_key=\(secret)
                aws_session_token = PRODTOKEN
                """,
            "/home/u/.aws/config": """
                [default]
                region = us-east-1
                [profile prod]
                region = ap-northeast-1
                s3 =
                  max_concurrent_requests = 20
                [sso-session corp]
                region = eu-west-1
                """,
        ]
        let prod = try resolve(["AWS_PROFILE": "prod"], files: files)
        XCTAssertEqual(prod.authorization, .sigV4(AWSCredentials(accessKeyID: "PRODKEY", secretAccessKey: secret, sessionToken: "PRODTOKEN")))
        XCTAssertEqual(prod.region, "ap-northeast-1")
        XCTAssertEqual(prod.source, "shared credentials file, profile prod")
        let fallback = try resolve([:], files: files)
        XCTAssertEqual(fallback.authorization, .sigV4(AWSCredentials(accessKeyID: "DEFAULTKEY", secretAccessKey: secret)))
        XCTAssertEqual(fallback.region, "us-east-1")
        // AWS_SHARED_CREDENTIALS_FILE and AWS_CONFIG_FILE move the files.
        let moved = ["/etc/c": files["/home/u/.aws/credentials"]!, "/etc/f": "[profile prod]\nregion = sa-east-1\n"]
        XCTAssertEqual(try resolve(["AWS_PROFILE": "prod", "AWS_SHARED_CREDENTIALS_FILE": "/etc/c", "AWS_CONFIG_FILE": "/etc/f"], files: moved).region, "sa-east-1")
    }

    func testWhatIsMissingIsNamed() {
        XCTAssertThrowsError(try resolve([:])) { error in
            XCTAssertEqual(error as? AWSAccessError, .noCredentials(profile: "default", searched: ["/home/u/.aws/credentials", "/home/u/.aws/config"]))
        }
        XCTAssertThrowsError(try resolve(["AWS_PROFILE": "nope"])) { error in
            XCTAssertEqual(error as? AWSAccessError, .profileNotFound(profile: "nope", searched: ["/home/u/.aws/credentials", "/home/u/.aws/config"]))
        }
        // An SSO profile: in the config file, without keys.
        XCTAssertThrowsError(try resolve(["AWS_PROFILE": "sso"], files: ["/home/u/.aws/config": "[profile sso]\nsso_session = corp\nregion = us-east-1\n"])) { error in
            XCTAssertEqual(error as? AWSAccessError, .profileWithoutKeys(profile: "sso", path: "/home/u/.aws/config"))
        }
        XCTAssertThrowsError(try resolve(["AWS_ACCESS_KEY_ID": "AK", "AWS_SECRET_ACCESS_KEY": secret])) { error in
            XCTAssertEqual(error as? AWSAccessError, .noRegion(profile: "default"))
        }
        XCTAssertThrowsError(try resolve([:], files: ["/home/u/.aws/credentials": "[default]\naws_access_key_id = AK\nthis line is wrong\n"])) { error in
            let message = "\(error)"
            XCTAssertEqual(message, "/home/u/.aws/credentials:3: not a [section] or key = value line: this line is wrong")
        }
    }

    // Issue 14: errors and sources name variables, files and profiles, never a value.
    func testNoMessageShowsASecret() {
        let errors: [AWSAccessError] = [
            .missingVariable(present: "AWS_SECRET_ACCESS_KEY", missing: "AWS_ACCESS_KEY_ID"), .noCredentials(profile: "default", searched: ["a"]),
            .noRegion(profile: "p"), .profileWithoutKeys(profile: "p", path: "f"),
        ]
        for error in errors { XCTAssertFalse(error.description.contains(secret)) }
        let access = try? resolve(["AWS_ACCESS_KEY_ID": "AK", "AWS_SECRET_ACCESS_KEY": secret, "AWS_REGION": "r"])
        XCTAssertFalse(String(describing: access as Any).contains(secret))
    }
}
