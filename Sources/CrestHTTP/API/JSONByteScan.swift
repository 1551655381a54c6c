/// A JSON key as the bytes `"name":`, built once: the scans below run on every streamed event.
struct JSONKey {
    let pattern: [UInt8]

    init(_ name: String) { pattern = Array("\"\(name)\":".utf8) }

    static let content = JSONKey("content")
    static let reasoningContent = JSONKey("reasoning_content")
    static let reasoning = JSONKey("reasoning")
    /// Converse's reasoning block in a delta (Bedrock's reasoning models).
    static let converseReasoning = JSONKey("reasoningContent")
    static let text = JSONKey("text")
    static let usage = JSONKey("usage")
    static let details = JSONKey("details")
    static let token = JSONKey("token")
    static let error = JSONKey("error")
    static let object = JSONKey("object")
    static let delta = JSONKey("delta")
}

/// Cheap questions about a JSON object's bytes, asked of every streamed event without decoding it
/// (a byte scan costs about 0.2 µs where JSONDecoder costs 10: swift-linux.md §7).
///
/// They are exact for keys: inside a JSON string a quote is always escaped, so `"name":` can only
/// be a key.
enum JSONByteScan {
    /// The index just after the first `"key":` at or after `from`, and any whitespace; nil when absent.
    static func valueStart(of key: JSONKey, in bytes: [UInt8], from: Int = 0) -> Int? {
        bytes.withUnsafeBufferPointer { haystack in
            key.pattern.withUnsafeBufferPointer { needle in
                let last = haystack.count - needle.count
                var start = from
                while start <= last {
                    if haystack[start] == needle[0] {
                        var offset = 1
                        while offset < needle.count && haystack[start + offset] == needle[offset] { offset += 1 }
                        if offset == needle.count {
                            var index = start + needle.count
                            while index < haystack.count, haystack[index] == 32 || haystack[index] == 9 || haystack[index] == 10 || haystack[index] == 13 {
                                index += 1
                            }
                            return index
                        }
                    }
                    start += 1
                }
                return nil
            }
        }
    }

    /// True when some `key` holds a non-empty string.
    static func hasNonEmptyString(_ key: JSONKey, in bytes: [UInt8]) -> Bool {
        var from = 0
        while let start = valueStart(of: key, in: bytes, from: from) {
            if start + 1 < bytes.count, bytes[start] == UInt8(ascii: "\""), bytes[start + 1] != UInt8(ascii: "\"") { return true }
            from = start
        }
        return false
    }

    /// True when `key` holds an object (not null).
    static func hasObject(_ key: JSONKey, in bytes: [UInt8]) -> Bool {
        guard let start = valueStart(of: key, in: bytes), start < bytes.count else { return false }
        return bytes[start] == UInt8(ascii: "{")
    }

    static func contains(key: JSONKey, in bytes: [UInt8]) -> Bool { valueStart(of: key, in: bytes) != nil }

    /// True when the bytes, whitespace aside, begin with '{' and end with '}': the shape of a JSON
    /// object, checked without parsing it.
    static func isObjectShaped(_ bytes: [UInt8]) -> Bool {
        func isSpace(_ byte: UInt8) -> Bool { byte == 32 || byte == 9 || byte == 10 || byte == 13 }
        guard let first = bytes.firstIndex(where: { !isSpace($0) }), let last = bytes.lastIndex(where: { !isSpace($0) }) else { return false }
        return first < last && bytes[first] == UInt8(ascii: "{") && bytes[last] == UInt8(ascii: "}")
    }
}
