import CCurlShim

/// Hands messages to the configured relay through libcurl's SMTP support (a well-kept client,
/// not a hand-written protocol). One client owns one curl handle, so consecutive sends reuse the
/// SMTP connection. Used from one thread; not Sendable.
public final class SMTPClient {
    public let config: MailConfig
    private let session: OpaquePointer

    /// Why a send failed, in words safe for logs and `outbox.last_error` (curl's reason and the
    /// relay's reply code; never the password).
    public struct Failure: Error, CustomStringConvertible {
        /// The CURLcode.
        public var curlCode: Int32
        /// The relay's last reply code, 0 when it never answered.
        public var smtpCode: Int
        public var reason: String

        /// The relay refused for good (5xx): sending the same message again cannot help.
        public var isPermanent: Bool { (500...599).contains(smtpCode) }
        /// The relay could not be reached at all: every other message would fail the same way now.
        public var isRelayUnreachable: Bool {
            // CURLE_COULDNT_RESOLVE_HOST 6, CURLE_COULDNT_CONNECT 7, CURLE_OPERATION_TIMEDOUT 28 before any reply.
            smtpCode == 0 && [6, 7, 28].contains(curlCode)
        }

        public var description: String {
            smtpCode == 0 ? "curl \(curlCode): \(reason)" : "SMTP \(smtpCode) (curl \(curlCode)): \(reason)"
        }
    }

    /// Opens no connection yet; the first send connects.
    public init(config: MailConfig) throws {
        guard let s = cb_smtp_session_new() else {
            throw Failure(curlCode: 2, smtpCode: 0, reason: "libcurl could not create a handle")
        }
        self.config = config
        self.session = s
    }

    deinit { cb_smtp_session_free(session) }

    /// Sends one message to one recipient; returns when the relay has accepted it (250 after DATA).
    public func send(from envelopeFrom: String, to recipient: String, message: [UInt8]) throws(Failure) {
        let tls: Int32 = switch config.startTLS {
        case .never: Int32(CB_SMTP_TLS_NEVER)
        case .try: Int32(CB_SMTP_TLS_TRY)
        case .always: Int32(CB_SMTP_TLS_ALWAYS)
        }
        // The URL's path is the EHLO name: the sender's domain.
        let url = config.url + "/" + MailAddress.domain(of: envelopeFrom)
        var code = 0
        var reply = 0
        var errorText = [CChar](repeating: 0, count: Int(CB_SMTP_ERROR_SIZE))
        message.withUnsafeBufferPointer { data in
            url.withCString { urlC in
            "<\(envelopeFrom)>".withCString { fromC in
            "<\(recipient)>".withCString { rcptC in
            config.smtpUser.withCString { userC in
            config.smtpPassword.withCString { passC in
                var m = cb_smtp_message(
                    url: urlC, mail_from: fromC, rcpt: rcptC, data: data.baseAddress, length: data.count,
                    tls: tls, username: config.smtpUser.isEmpty ? nil : userC, password: passC,
                    connect_timeout: config.timeout, timeout: config.timeout, ca_file: nil,
                    verify: config.tlsVerify ? 1 : 0)
                errorText.withUnsafeMutableBufferPointer { buf in
                    code = Int(cb_smtp_send(session, &m, &reply, buf.baseAddress))
                }
            }}}}}
        }
        guard code != 0 else { return }
        let reason = String(decoding: errorText.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
        throw Failure(curlCode: Int32(code), smtpCode: reply, reason: reason.isEmpty ? "unknown error" : reason)
    }
}
