/// One server-sent event: its `event:` name, if any, and its `data:` lines joined by newlines.
public struct ServerSentEvent: Equatable {
    public var name: [UInt8]?
    public var data: [UInt8]
}

/// An incremental parser of the text/event-stream format (the WHATWG HTML standard's "server-sent
/// events"): feed it body bytes in any split; it calls back once per complete event. Lines end in
/// LF, CRLF or CR; comments (lines starting with ':') and the `id` and `retry` fields are ignored.
///
/// Two things the standard lets a browser ignore are counted here, because a load generator must
/// not mistake them for an answer: lines that are no field of the format (`strayLines`: an HTML
/// page or a JSON body sent instead of a stream), and an event or line longer than
/// `maximumEventBytes` (`hasOverflowed`: an endless line would otherwise grow without bound). Past
/// the limit the parser keeps nothing more of the event.
public struct ServerSentEventParser {
    /// Lines whose field name is not data, event, id or retry.
    public private(set) var strayLines = 0
    /// An event or a line passed `maximumEventBytes`.
    public private(set) var hasOverflowed = false
    public let maximumEventBytes: Int
    private var line: [UInt8] = []
    private var event = ServerSentEvent(name: nil, data: [])
    private var hasData = false
    private var lastWasCarriageReturn = false

    public init(maximumEventBytes: Int = 1 << 20) {
        self.maximumEventBytes = maximumEventBytes
    }

    public mutating func parse(_ bytes: UnsafeBufferPointer<UInt8>, _ onEvent: (ServerSentEvent) -> Void) {
        for byte in bytes {
            if byte == 10 && lastWasCarriageReturn {
                lastWasCarriageReturn = false
                continue
            }
            lastWasCarriageReturn = byte == 13
            if byte == 10 || byte == 13 {
                endLine(onEvent)
            } else if !hasOverflowed {
                line.append(byte)
                if line.count + event.data.count > maximumEventBytes { overflow() }
            }
        }
    }

    /// True when the bytes so far end inside a line that is no field of the format (a body that
    /// is one line of HTML or JSON, with no line end): a stray line the stream's end would leave
    /// uncounted.
    public var endsInStrayLine: Bool {
        guard !line.isEmpty, line[0] != 58 else { return false }
        let field = line[..<(line.firstIndex(of: 58) ?? line.count)]
        return !["data", "event", "id", "retry"].contains { field.elementsEqual($0.utf8) }
    }

    /// True when the bytes so far end inside an event that carried data: a stream cut short, whose
    /// last event was never completed (its blank line never came). A `[DONE]` left open is no loss.
    public var endsInsideEvent: Bool {
        let done = Array("[DONE]".utf8)
        if hasData && event.data != done { return true }
        guard !line.isEmpty, line[0] != 58 else { return false }
        return !(line.elementsEqual("data: [DONE]".utf8) || line.elementsEqual("data:[DONE]".utf8))
    }

    private mutating func overflow() {
        hasOverflowed = true
        line = []
        event = ServerSentEvent(name: nil, data: [])
        hasData = false
    }

    private mutating func endLine(_ onEvent: (ServerSentEvent) -> Void) {
        guard !hasOverflowed else { return }
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
        } else if !field.elementsEqual("id".utf8) && !field.elementsEqual("retry".utf8) {
            strayLines += 1
        }
    }
}
