import Foundation

/// The local ports the kernel hands out to outgoing connections (`net.ipv4.ip_local_port_range`):
/// every client of a level holds a connection to the same address and port, and each needs a local
/// port of its own, so the range bounds a level's clients as the open-files limit does.
public enum EphemeralPortRange {
    /// The range in force, or nil where the system does not say (then it bounds nothing).
    public static var current: ClosedRange<Int>? {
        guard let text = try? String(contentsOfFile: "/proc/sys/net/ipv4/ip_local_port_range", encoding: .utf8) else { return nil }
        return parse(text)
    }

    /// "32768\t60999\n" as 32768...60999; nil for anything else.
    static func parse(_ text: String) -> ClosedRange<Int>? {
        let numbers = text.split(whereSeparator: \.isWhitespace).compactMap { Int($0) }
        guard numbers.count == 2, numbers[0] >= 1, numbers[0] <= numbers[1], numbers[1] <= 65535 else { return nil }
        return numbers[0]...numbers[1]
    }

    /// The most connections to one address and port the range allows.
    public static var maximumClients: Int { current?.count ?? Int.max }
}
