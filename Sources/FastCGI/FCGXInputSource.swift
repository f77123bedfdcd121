import CFastCGI

/// Reads a request body from libfcgi's FCGI_STDIN stream.
///
/// Safe because the stream belongs to the request currently being handled, and the worker
/// drops this source before `FCGX_Finish_r` frees the stream.
final class FCGXInputSource: FastCGIBodySource {
    private let stream: UnsafeMutablePointer<FCGX_Stream>

    init(stream: UnsafeMutablePointer<FCGX_Stream>) {
        self.stream = stream
    }

    func read(into buffer: UnsafeMutableRawBufferPointer) throws -> Int {
        guard let base = buffer.baseAddress, buffer.count > 0 else { return 0 }
        let want = Int32(clamping: buffer.count)
        let n = FCGX_GetStr(base.assumingMemoryBound(to: CChar.self), want, stream)
        if n < want {
            let error = FCGX_GetError(stream)
            if error != 0 {
                throw FastCGIError.system(call: "FCGX_GetStr", errno: error > 0 ? error : 0,
                                          detail: "libfcgi stream error \(error)")
            }
        }
        return Int(max(n, 0))
    }
}
