/// One message of the AWS event-stream framing
/// (application/vnd.amazon.eventstream: Bedrock's ConverseStream, SageMaker's response streams):
/// typed headers and a payload of bytes.
public struct EventStreamMessage: Sendable, Equatable {
    public let headers: [(name: String, value: EventStreamHeaderValue)]
    public let payload: [UInt8]

    public init(headers: [(name: String, value: EventStreamHeaderValue)], payload: [UInt8]) {
        self.headers = headers
        self.payload = payload
    }

    /// An event as AWS streams them: `:event-type`, `:content-type` and `:message-type` event.
    public static func event(_ type: String, contentType: String = "application/json", payload: [UInt8]) -> EventStreamMessage {
        EventStreamMessage(
            headers: [(":event-type", .string(type)), (":content-type", .string(contentType)), (":message-type", .string("event"))], payload: payload)
    }

    /// An exception in the middle of a stream (`throttlingException`, `modelStreamErrorException`).
    public static func exception(_ type: String, payload: [UInt8]) -> EventStreamMessage {
        EventStreamMessage(
            headers: [(":exception-type", .string(type)), (":content-type", .string("application/json")), (":message-type", .string("exception"))],
            payload: payload)
    }

    /// The first header of that name.
    public subscript(header name: String) -> EventStreamHeaderValue? {
        headers.first { $0.name == name }?.value
    }

    /// `event`, `exception` or `error`.
    public var messageType: String? { self[header: ":message-type"]?.string }
    /// For an event: `contentBlockDelta`, `metadata`, `PayloadPart`...
    public var eventType: String? { self[header: ":event-type"]?.string }
    /// For an exception: `throttlingException`, `modelStreamErrorException`...
    public var exceptionType: String? { self[header: ":exception-type"]?.string }
    /// For an error message: its code, and `:error-message` its text.
    public var errorCode: String? { self[header: ":error-code"]?.string }

    public static func == (lhs: EventStreamMessage, rhs: EventStreamMessage) -> Bool {
        lhs.payload == rhs.payload && lhs.headers.map(\.name) == rhs.headers.map(\.name) && lhs.headers.map(\.value) == rhs.headers.map(\.value)
    }
}

/// A header value, by the format's ten wire types.
public enum EventStreamHeaderValue: Sendable, Equatable {
    case bool(Bool)
    case byte(Int8)
    case short(Int16)
    case integer(Int32)
    case long(Int64)
    case bytes([UInt8])
    case string(String)
    /// Milliseconds since the Unix epoch.
    case timestamp(Int64)
    /// 16 bytes.
    case uuid([UInt8])

    public var string: String? {
        if case .string(let text) = self { return text }
        return nil
    }
}
