/* The ceiling for `make bench`: a bare libfcgi responder that answers every request with a
 * fixed body of BARE_BODY_BYTES bytes (default 2), with no routing, database or Swift. It runs
 * under the same pool master (`corkboard serve --worker-command`), so the only difference
 * from the real site is the work the application does per request. */
#include <fcgiapp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int main(void) {
    const char *size_env = getenv("BARE_BODY_BYTES");
    long size = size_env ? atol(size_env) : 2;
    if (size < 0 || size > 16 * 1024 * 1024) size = 2;
    char *body = malloc((size_t)size + 1);
    if (!body) return 1;
    memset(body, 'x', (size_t)size);
    char head[256];
    int head_len = snprintf(head, sizeof head,
                            "Status: 200 OK\r\nContent-Type: text/plain\r\nContent-Length: %ld\r\n\r\n", size);
    FCGX_Request req;
    if (FCGX_Init() != 0 || FCGX_InitRequest(&req, 0, 0) != 0) return 1;
    while (FCGX_Accept_r(&req) >= 0) {
        FCGX_PutStr(head, head_len, req.out);
        FCGX_PutStr(body, (int)size, req.out);
        /* The connection is closed as the Swift worker closes it (FastCGIWorker.closeWithoutWaiting):
         * stdin read to its end record, then a plain close instead of libfcgi's shutdown and wait
         * for nginx to close first. */
        char scratch[4096];
        while (!FCGX_HasSeenEOF(req.in) && FCGX_GetStr(scratch, sizeof scratch, req.in) > 0) {}
        if (FCGX_HasSeenEOF(req.in) && FCGX_GetError(req.in) == 0) FCGX_Detach(&req);
        FCGX_Finish_r(&req);
    }
    return 0;
}
