import Foundation
import Testing
@testable import Corkboard

@Suite struct MailMessageTests {
    /// 2025-06-03 12:34:56.789 UTC.
    static let created = Date(timeIntervalSince1970: 1_748_954_096.789)

    static func message(subject: String = "Welcome", body: String = "Hello.\n", to: String = "ann@example.org",
                        from: String = "Corkboard <no-reply@example.org>") -> MailMessage {
        MailMessage(from: from, to: to, subject: subject, body: body,
                    messageID: "<0f1e2d3c.verify@example.org>", date: created)
    }

    static func text(_ m: MailMessage) throws -> String { String(decoding: try m.render(), as: UTF8.self) }

    /// Header name → value, continuation lines unfolded.
    static func headers(_ text: String) -> [String: String] {
        let head = text.components(separatedBy: "\r\n\r\n")[0].replacingOccurrences(of: "\r\n ", with: " ")
        var out: [String: String] = [:]
        for line in head.components(separatedBy: "\r\n") {
            let parts = line.split(separator: ":", maxSplits: 1)
            out[String(parts[0])] = parts[1].trimmingCharacters(in: .whitespaces)
        }
        return out
    }

    @Test func headersAndBody() throws {
        let text = try Self.text(Self.message())
        let h = Self.headers(text)
        #expect(h["Date"] == "Tue, 03 Jun 2025 12:34:56 +0000")
        #expect(h["From"] == "Corkboard <no-reply@example.org>")
        #expect(h["To"] == "ann@example.org")
        #expect(h["Subject"] == "Welcome")
        #expect(h["Message-ID"] == "<0f1e2d3c.verify@example.org>")
        #expect(h["MIME-Version"] == "1.0")
        #expect(h["Content-Type"] == "text/plain; charset=utf-8")
        #expect(h["Content-Transfer-Encoding"] == "quoted-printable")
        #expect(text.hasSuffix("\r\n\r\nHello.\r\n"))
        // Every line ends in CRLF: no bare LF anywhere.
        #expect(!text.replacingOccurrences(of: "\r\n", with: "").contains("\n"))
    }

    @Test func renderingIsDeterministic() throws {
        #expect(try Self.message().render() == Self.message().render())
    }

    @Test func nonASCIISubjectIsAnEncodedWord() throws {
        let subject = "Bienvenue à Corkboard — 東京の掲示板へようこそ, a long subject that must be folded"
        let h = Self.headers(try Self.text(Self.message(subject: subject)))
        let value = try #require(h["Subject"])
        let words = value.split(separator: " ")
        #expect(words.allSatisfy { $0.hasPrefix("=?UTF-8?B?") && $0.hasSuffix("?=") && $0.count <= 75 })
        let decoded = words.map { w -> String in
            let b64 = String(w.dropFirst("=?UTF-8?B?".count).dropLast(2))
            return String(decoding: Data(base64Encoded: b64) ?? Data(), as: UTF8.self)
        }.joined()
        #expect(decoded == subject)
    }

    @Test func headerLinesStayShort() throws {
        let text = try Self.text(Self.message(subject: String(repeating: "x", count: 300)))
        let head = text.components(separatedBy: "\r\n\r\n")[0]
        #expect(head.components(separatedBy: "\r\n").allSatisfy { $0.utf8.count <= 78 })
    }

    @Test func lineBreaksInTheSubjectCannotAddHeaders() throws {
        let text = try Self.text(Self.message(subject: "Hi\r\nBcc: victim@example.org\nX-Evil: 1"))
        let head = text.components(separatedBy: "\r\n\r\n")[0]
        #expect(!head.contains("\r\nBcc:"))
        #expect(!head.contains("\r\nX-Evil:"))
        #expect(Self.headers(text)["Subject"] == "Hi  Bcc: victim@example.org X-Evil: 1")
    }

    @Test func badRecipientsAndMessageIDsAreRefused() {
        for bad in ["ann@example.org\r\nBcc: x@y.z", "ann", "a@b@c", "<ann@example.org>", "ann @example.org", ""] {
            #expect(throws: MailMessage.Invalid.self) { try Self.message(to: bad).render() }
        }
        var m = Self.message()
        m.messageID = "<a@b>\r\nBcc: x@y.z"
        #expect(throws: MailMessage.Invalid.self) { try m.render() }
    }

    @Test func fromDisplayNames() throws {
        #expect(Self.headers(try Self.text(Self.message(from: "no-reply@example.org")))["From"] == "no-reply@example.org")
        #expect(Self.headers(try Self.text(Self.message(from: "\"Corkboard, Inc.\" <a@example.org>")))["From"]
                == "\"Corkboard, Inc.\" <a@example.org>")
        let encoded = try #require(Self.headers(try Self.text(Self.message(from: "Tablón <a@example.org>")))["From"])
        #expect(encoded.hasPrefix("=?UTF-8?B?") && encoded.hasSuffix("?= <a@example.org>"))
        #expect(try Self.message(from: "Corkboard <a@example.org>").envelopeFrom == "a@example.org")
    }

    @Test func quotedPrintableBody() throws {
        let long = String(repeating: "abcdefghij", count: 20)
        let body = "Caf\u{e9} = 1\nline with trailing space \n.leading dot\r\n\(long)\nend"
        let encoded = String(decoding: QuotedPrintable.encode(body), as: UTF8.self)
        let lines = encoded.components(separatedBy: "\r\n")
        #expect(lines[0] == "Caf=C3=A9 =3D 1")
        #expect(lines[1] == "line with trailing space=20")
        #expect(lines[2] == "=2Eleading dot")
        #expect(lines.allSatisfy { $0.utf8.count <= 76 })
        #expect(!encoded.replacingOccurrences(of: "\r\n", with: "").contains("\n"))
        // Decoding (soft breaks removed, =XX replaced) gives the text back with CRLF line ends,
        // and the body ends in a line break.
        #expect(Self.decodeQP(encoded)
                == body.replacingOccurrences(of: "\r\n", with: "\n").replacingOccurrences(of: "\n", with: "\r\n") + "\r\n")
    }

    static func decodeQP(_ text: String) -> String {
        let joined = Array(text.replacingOccurrences(of: "=\r\n", with: "").utf8)
        var out: [UInt8] = []
        var i = 0
        while i < joined.count {
            if joined[i] == UInt8(ascii: "="), i + 2 < joined.count,
               let v = UInt8(String(decoding: joined[(i + 1)...(i + 2)], as: UTF8.self), radix: 16) {
                out.append(v)
                i += 3
            } else {
                out.append(joined[i])
                i += 1
            }
        }
        return String(decoding: out, as: UTF8.self)
    }

    @Test func backoffGrowsAndIsCapped() {
        let b = Backoff(base: 30, max: 3600)
        #expect(b.ceiling(afterAttempt: 1) == 30)
        #expect(b.ceiling(afterAttempt: 2) == 60)
        #expect(b.ceiling(afterAttempt: 5) == 480)
        #expect(b.ceiling(afterAttempt: 50) == 3600)
        #expect(b.delay(afterAttempt: 3, unit: 0) == 60)
        #expect(b.delay(afterAttempt: 3, unit: 1) == 120)
    }

    @Test func mailConfigDefaultsAndChecks() throws {
        let c = try MailConfig(file: ConfigFile())
        #expect(c.smtpHost == "127.0.0.1" && c.smtpPort == 25 && c.startTLS == .try && c.tlsVerify)
        #expect(c.maxAttempts == 8 && c.backoffBase == 30 && c.backoffMax == 3600 && c.pollInterval == 2 && c.batch == 50)
        #expect(c.from == "Corkboard <no-reply@localhost>")
        #expect(c.url == "smtp://127.0.0.1:25")
        #expect(try MailConfig(file: ConfigFile(values: ["smtp_port": "465"])).url == "smtps://127.0.0.1:465")
        #expect(throws: ConfigError.self) { try MailConfig(file: ConfigFile(values: ["smtp_starttls": "maybe"])) }
        #expect(throws: ConfigError.self) { try MailConfig(file: ConfigFile(values: ["mail_from": "nobody"])) }
        #expect(throws: ConfigError.self) { try MailConfig(file: ConfigFile(values: ["mailer_lease": "10", "smtp_timeout": "30"])) }
    }
}
