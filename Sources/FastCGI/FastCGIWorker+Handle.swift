import CFastCGI
import Foundation
import Logging

extension FastCGIWorker {
    /// Reads one accepted request, asks the responder, and writes the answer. Never throws:
    /// errors become 400/413/500 responses that reveal nothing. The scoreboard shows the
    /// request from its parsed params (params over the limit are refused at once, unshown).
    func handle(_ request: inout FCGX_Request, responder: FastCGIResponder) {
        var method = "?"
        var response: FastCGIResponse
        do {
            let params = try Self.params(request.envp)
            method = params["REQUEST_METHOD"] ?? "?"
            if let board = scoreboard, let slot {
                board.markBusy(slot: slot, method: method, uri: params["REQUEST_URI"] ?? "")
            }
            let length = params["CONTENT_LENGTH"].flatMap { Int($0) }
            let body = FastCGIBody(source: FCGXInputSource(stream: request.in), declaredLength: length)
            let parsed = FastCGIRequest(params: params, body: body)
            response = try responder.respond(to: parsed)
        } catch FastCGIError.bodyTooLarge(let limit) {
            logger.notice("request body over \(limit) bytes refused")
            response = .html("<!doctype html><title>Too large</title><p>The upload is too large.</p>\n", status: 413)
        } catch FastCGIError.paramsTooLarge(let limit) {
            logger.notice("request params over \(limit) bytes refused")
            response = .html("<!doctype html><title>Bad request</title><p>Bad request.</p>\n", status: 400)
        } catch {
            logger.error("responder failed: \(String(reflecting: error))")
            response = .internalError
        }
        write(response, headOnly: method == "HEAD", to: request.out)
    }

    /// Makes `FCGX_Finish_r` close the connection at once when nothing more can come on it.
    ///
    /// libfcgi closes a connection by shutting down its sending side and reading until the
    /// peer closes its end, for up to 2 s: on TCP, closing with unread bytes sends a reset that
    /// can make the peer drop the response. So after every request the worker slept until
    /// nginx had read the response and closed the socket (three more system calls and a
    /// context switch per request), and could not take the next connection meanwhile.
    ///
    /// nginx sends a request's stdin up to its end record before it reads the answer, and
    /// nothing after it on a connection it does not keep (`fastcgi_keep_conn off`). Once the
    /// stdin is read to that record (a request without a body has only the record, already
    /// read with the params), nothing is left unread and nothing more comes, so a plain
    /// `close` loses nothing: nginx reads the whole response, then the end of the stream. A
    /// kept connection, a stream error, or a body still unread past `closeReadLimit` bytes
    /// (one the handler refused unread) keeps libfcgi's close.
    static func closeWithoutWaiting(_ request: inout FCGX_Request) {
        guard request.keepConnection == 0, let input = request.in else { return }
        var left = closeReadLimit
        withUnsafeTemporaryAllocation(of: CChar.self, capacity: 4096) { buffer in
            while FCGX_HasSeenEOF(input) == 0, left > 0 {
                let n = FCGX_GetStr(buffer.baseAddress, Int32(min(buffer.count, left)), input)
                if n <= 0 { break }
                left -= Int(n)
            }
        }
        if FCGX_HasSeenEOF(input) != 0, FCGX_GetError(input) == 0 { _ = FCGX_Detach(&request) }
    }

    /// Unread body bytes `closeWithoutWaiting` reads to reach the stdin's end; past them the
    /// connection is left to libfcgi's close, which reads the rest anyway.
    static let closeReadLimit = 64 * 1024

    /// The params, copied straight from libfcgi's "NAME=value" C strings, refusing more than
    /// `FastCGIRequest.maxParamsBytes` or `maxParamsCount`.
    static func params(_ envp: FCGX_ParamArray?) throws -> FastCGIParams {
        var params = FastCGIParams()
        guard var cursor = envp else { return params }
        while let entry = cursor.pointee {
            try params.add(UnsafeRawBufferPointer(start: entry, count: strlen(entry)))
            cursor += 1
        }
        return params
    }

    private func write(_ response: FastCGIResponse, headOnly: Bool, to out: UnsafeMutablePointer<FCGX_Stream>?) {
        guard let out else { return }
        var ok = put(response.serializedHead(), out)
        if ok && !headOnly && !response.body.isEmpty { ok = put(response.body, out) }
        if !ok { logger.debug("client went away while writing the response") }
    }

    private func put(_ bytes: [UInt8], _ out: UnsafeMutablePointer<FCGX_Stream>) -> Bool {
        bytes.withUnsafeBytes { raw in
            var offset = 0
            while offset < raw.count {
                let n = Int32(clamping: raw.count - offset)
                let written = FCGX_PutStr(raw.baseAddress!.advanced(by: offset).assumingMemoryBound(to: CChar.self), n, out)
                if written < 0 { return false }
                offset += Int(written)
            }
            return true
        }
    }
}
