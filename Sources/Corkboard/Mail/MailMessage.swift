import Foundation

/// One outbox row rendered as an RFC 5322 message: CRLF line ends, UTF-8 text body in
/// quoted-printable, non-ASCII header text as RFC 2047 encoded-words.
///
/// Rendering is a pure function of the row (the Date header is the row's `created_at`, the
/// Message-ID the stored one), so a resend after a crash between send and mark is the same
/// bytes, and a receiving system can drop it as a duplicate. No header value can carry a CR or
/// LF from user data: the subject's line breaks become spaces, the addresses and Message-ID are
/// checked and refused.
public struct MailMessage: Sendable, Equatable {
    /// The From: header as configured, e.g. `Corkboard <no-reply@example.org>`.
    public var from: String
    /// The one recipient's addr-spec.
    public var to: String
    /// The Reply-To addr-spec, when replies should not go to `from` (checked like `to`).
    public var replyTo: String?
    public var subject: String
    public var body: String
    /// `<unique@domain>`, fixed when the row was enqueued.
    public var messageID: String
    /// The Date header: when the row was enqueued.
    public var date: Date

    public init(from: String, to: String, replyTo: String? = nil, subject: String, body: String, messageID: String, date: Date) {
        self.from = from
        self.to = to
        self.replyTo = replyTo
        self.subject = subject
        self.body = body
        self.messageID = messageID
        self.date = date
    }

    /// Why a row cannot become a message; permanent (sending it again cannot help).
    public struct Invalid: Error, CustomStringConvertible {
        public var description: String
    }

    /// The envelope sender (the addr-spec of `from`).
    public var envelopeFrom: String {
        get throws {
            guard let a = MailAddress.addrSpec(in: from) else { throw Invalid(description: "invalid From address") }
            return a
        }
    }

    /// The whole message: headers, a blank line, the encoded body.
    public func render() throws -> [UInt8] {
        guard MailAddress.isValid(to) else { throw Invalid(description: "invalid recipient address") }
        if let replyTo, !MailAddress.isValid(replyTo) { throw Invalid(description: "invalid Reply-To address") }
        guard Self.isValidMessageID(messageID) else { throw Invalid(description: "invalid Message-ID") }
        let fromAddress = try envelopeFrom
        var head = ""
        func header(_ name: String, _ value: String) { head += "\(name): \(value)\r\n" }
        header("Date", Self.rfc5322Date(date))
        header("From", Self.mailbox(name: MailAddress.displayName(in: from), address: fromAddress))
        header("To", to)
        if let replyTo { header("Reply-To", replyTo) }
        header("Subject", HeaderEncoding.unstructured(subject, nameLength: "Subject".count))
        header("Message-ID", messageID)
        header("MIME-Version", "1.0")
        header("Content-Type", "text/plain; charset=utf-8")
        header("Content-Transfer-Encoding", "quoted-printable")
        // RFC 3834: machine-sent, so auto-responders should not answer it.
        header("Auto-Submitted", "auto-generated")
        return Array((head + "\r\n").utf8) + QuotedPrintable.encode(body)
    }

    /// `Name <addr>` with the name as atoms, a quoted-string or encoded-words as needed.
    static func mailbox(name: String, address: String) -> String {
        let clean = HeaderEncoding.singleLine(name)
        if clean.isEmpty { return address }
        if clean.unicodeScalars.allSatisfy({ $0.isASCII }) {
            let atomText = clean.unicodeScalars.allSatisfy {
                ($0.properties.isAlphabetic || ("0"..."9").contains(Character($0)) || " !#$%&'*+-/=?^_`{|}~".unicodeScalars.contains($0))
            }
            if atomText { return "\(clean) <\(address)>" }
            let quoted = clean.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "\"", with: "\\\"")
            return "\"\(quoted)\" <\(address)>"
        }
        return "\(HeaderEncoding.encodedWords(clean, firstLineRoom: 75).joined(separator: "\r\n ")) <\(address)>"
    }

    /// `<left@right>` with printable ASCII and no spaces: safe as a header on its own.
    static func isValidMessageID(_ id: String) -> Bool {
        let bytes = Array(id.utf8)
        guard bytes.count >= 5, bytes.count <= 250, bytes.first == UInt8(ascii: "<"), bytes.last == UInt8(ascii: ">"),
              bytes.filter({ $0 == UInt8(ascii: "@") }).count == 1 else { return false }
        return bytes.dropFirst().dropLast().allSatisfy { $0 > 32 && $0 < 127 && $0 != UInt8(ascii: "<") && $0 != UInt8(ascii: ">") }
    }

    /// RFC 5322 date in UTC, independent of locale: `Tue, 03 Jun 2025 12:34:56 +0000`.
    static func rfc5322Date(_ date: Date) -> String {
        var seconds = time_t(date.timeIntervalSince1970.rounded(.down))
        var t = tm()
        gmtime_r(&seconds, &t)
        let days = ["Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"]
        let months = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"]
        func two(_ v: Int32) -> String { v < 10 ? "0\(v)" : "\(v)" }
        return "\(days[Int(t.tm_wday)]), \(two(t.tm_mday)) \(months[Int(t.tm_mon)]) \(t.tm_year + 1900) "
            + "\(two(t.tm_hour)):\(two(t.tm_min)):\(two(t.tm_sec)) +0000"
    }
}
