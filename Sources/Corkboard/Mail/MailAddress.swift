import Foundation

/// Addresses as the mailer uses them: the envelope needs a bare addr-spec, headers need a
/// display form that user data can never break out of.
public enum MailAddress {
    /// The addr-spec of `Name <local@domain>` or of a bare `local@domain`; nil when it is not a
    /// plain ASCII address (no spaces, brackets, CR/LF, exactly one `@`, at most 254 bytes).
    public static func addrSpec(in text: String) -> String? {
        var candidate = Substring(text.trimmingCharacters(in: .whitespaces))
        if let open = candidate.lastIndex(of: "<") {
            guard candidate.hasSuffix(">") else { return nil }
            candidate = candidate[candidate.index(after: open)..<candidate.index(before: candidate.endIndex)]
        }
        let address = String(candidate)
        return isValid(address) ? address : nil
    }

    /// The display name before `<…>` in `Name <addr>`, unquoted; "" when there is none.
    public static func displayName(in text: String) -> String {
        guard let open = text.lastIndex(of: "<") else { return "" }
        var name = text[..<open].trimmingCharacters(in: .whitespaces)
        if name.count >= 2, name.hasPrefix("\""), name.hasSuffix("\"") {
            name = String(name.dropFirst().dropLast()).replacingOccurrences(of: "\\\"", with: "\"")
                .replacingOccurrences(of: "\\\\", with: "\\")
        }
        return name
    }

    /// Whether `address` is a plain addr-spec safe for an SMTP envelope and a header.
    public static func isValid(_ address: String) -> Bool {
        let bytes = Array(address.utf8)
        guard (3...254).contains(bytes.count), bytes.filter({ $0 == UInt8(ascii: "@") }).count == 1,
              let at = bytes.firstIndex(of: UInt8(ascii: "@")), at > 0, at < bytes.count - 1 else { return false }
        // Printable ASCII without the characters that end an address or a header.
        return bytes.allSatisfy { b in
            b > 32 && b < 127 && !"<>()[],;:\\\"".utf8.contains(b)
        }
    }

    /// The domain of an addr-spec ("a@example.org" → "example.org").
    public static func domain(of address: String) -> String {
        guard let at = address.lastIndex(of: "@") else { return "localhost" }
        return String(address[address.index(after: at)...])
    }
}
