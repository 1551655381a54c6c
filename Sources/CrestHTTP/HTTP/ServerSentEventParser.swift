/// One server-sent event: its `event:` name, if any, and its `data:` lines joined by newlines.
public struct ServerSentEvent: Equatable {
    public var name: [UInt8]?
    public var data: [UInt8]
}

/// An incremental parser of the text/event-stream format (the WHATWG HTML standard's "server-sent
/// events"): feed it body bytes in any split; it calls back once per complete event. Lines end in
/// LF, CRLF or CR; comments (lines starting with ':') and the `id` and `retry` fields are ignored.
public struct ServerSentEventParser {
    private var line: [UInt8] = []
    private var event = ServerSentEvent(name: nil, data: [])
    private var hasData = false
    private var lastWasCarriageReturn = false

    public init() {}

    public mutating func parse(_ bytes: UnsafeBufferPointer<UInt8>, _ onEvent: (ServerSentEvent) -> Void) {
        for byte in bytes {
            if byte == 10 && lastWasCarriageReturn {
                lastWasCarriageReturn = false
                continue
            }
            lastWasCarriageReturn = byte == 13
            if byte == 10 || byte == 13 {
                endLine(onEvent)
            } else {
                line.append(byte)
            }
        }
    }

    private mutating func endLine(_ onEvent: (ServerSentEvent) -> Void) {
        defer { line.removeAll(keepingCapacity: true) }
        guard !line.isEmpty else {
            if hasData || event.name != nil { onEvent(event) }
            event = ServerSentEvent(name: nil, data: [])
            hasData = false
            return
        }
        if line[0] == 58 { return }  // ':' starts a comment
        let colon = line.firstIndex(of: 58) ?? line.count
        var valueStart = min(colon + 1, line.count)
        if valueStart < line.count && line[valueStart] == 32 { valueStart += 1 }
        let field = line[..<colon]
        if field.elementsEqual("data".utf8) {
            if hasData { event.data.append(10) }
            event.data.append(contentsOf: line[valueStart...])
            hasData = true
        } else if field.elementsEqual("event".utf8) {
            event.name = Array(line[valueStart...])
        }
    }
}
