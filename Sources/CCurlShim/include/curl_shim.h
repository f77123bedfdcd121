#ifndef CORKBOARD_CURL_SHIM_H
#define CORKBOARD_CURL_SHIM_H
/// Fixed-argument wrappers around libcurl's variadic calls (curl_easy_setopt), for the mailer.
/// Swift cannot call C variadic functions, so everything the mailer sets goes through here.
#include <stddef.h>

/// CURLOPT_USE_SSL policy for STARTTLS (or implicit TLS with an smtps:// URL).
enum {
    CB_SMTP_TLS_NEVER = 0,   /* CURLUSESSL_NONE */
    CB_SMTP_TLS_TRY = 1,     /* CURLUSESSL_TRY: STARTTLS when offered */
    CB_SMTP_TLS_ALWAYS = 2,  /* CURLUSESSL_ALL: fail unless the session is encrypted */
};

/// Size of the buffer cb_smtp_send writes its error text into (CURL_ERROR_SIZE).
#define CB_SMTP_ERROR_SIZE 256

/// One message to hand to the relay. Strings are NUL-terminated; username NULL = no AUTH.
typedef struct {
    const char *url;              /* smtp://host:port or smtps://host:port */
    const char *mail_from;        /* envelope sender, e.g. "<no-reply@example.org>" */
    const char *rcpt;             /* the one envelope recipient, e.g. "<a@example.org>" */
    const unsigned char *data;    /* the whole RFC 5322 message, CRLF line ends */
    size_t length;
    int tls;                      /* CB_SMTP_TLS_* */
    const char *username;         /* NULL or "" = no authentication */
    const char *password;
    long connect_timeout;         /* seconds */
    long timeout;                 /* seconds, whole transfer */
    const char *ca_file;          /* NULL = the system's CA store */
    int verify;                   /* 0 = do not verify the relay's certificate or name */
} cb_smtp_message;

/// Opaque: one reusable curl easy handle, so consecutive messages can reuse the SMTP
/// connection (libcurl keeps it in the handle's connection cache).
typedef struct cb_smtp_session cb_smtp_session;

/// curl_global_init once per process (idempotent, not thread-safe: call from the main thread).
int cb_curl_global_init(void);
/// A new session, or NULL when libcurl cannot create a handle.
cb_smtp_session *cb_smtp_session_new(void);
void cb_smtp_session_free(cb_smtp_session *session);

/// Sends one message. Returns the CURLcode (0 = the relay accepted it with 250 after DATA);
/// *response_code gets the last SMTP reply code (0 if none), errbuf (CB_SMTP_ERROR_SIZE bytes)
/// a human-readable reason.
int cb_smtp_send(cb_smtp_session *session, const cb_smtp_message *message, long *response_code, char *errbuf);

/// curl_easy_strerror for a CURLcode.
const char *cb_curl_strerror(int code);

/// LIBCURL_VERSION_NUM of the headers this was built against.
int cb_curl_shim_version(void);
#endif
