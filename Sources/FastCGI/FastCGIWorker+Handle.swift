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
