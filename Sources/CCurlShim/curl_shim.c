#include "curl_shim.h"
#include <curl/curl.h>
#include <stdlib.h>
#include <string.h>

struct cb_smtp_session {
    CURL *easy;
};

/* The upload: curl pulls the message through this callback. */
typedef struct {
    const unsigned char *data;
    size_t length;
    size_t offset;
} cb_upload;

static size_t cb_read_message(char *buffer, size_t size, size_t nitems, void *userdata) {
    cb_upload *u = userdata;
    size_t room = size * nitems;
    size_t left = u->length - u->offset;
    size_t n = left < room ? left : room;
    memcpy(buffer, u->data + u->offset, n);
    u->offset += n;
    return n;
}

static int cb_global_done = 0;

int cb_curl_global_init(void) {
    if (cb_global_done) return 0;
    CURLcode rc = curl_global_init(CURL_GLOBAL_DEFAULT);
    if (rc == CURLE_OK) cb_global_done = 1;
    return (int)rc;
}

cb_smtp_session *cb_smtp_session_new(void) {
    if (cb_curl_global_init() != 0) return NULL;
    cb_smtp_session *s = calloc(1, sizeof *s);
    if (!s) return NULL;
    s->easy = curl_easy_init();
    if (!s->easy) {
        free(s);
        return NULL;
    }
    return s;
}

void cb_smtp_session_free(cb_smtp_session *session) {
    if (!session) return;
    curl_easy_cleanup(session->easy);
    free(session);
}

/* Every setopt's result is checked: an option this libcurl does not know must fail the send,
   not silently downgrade it (e.g. a TLS policy that did not take). */
#define SET(opt, val) do { rc = curl_easy_setopt(c, opt, val); if (rc != CURLE_OK) goto done; } while (0)

int cb_smtp_send(cb_smtp_session *session, const cb_smtp_message *m, long *response_code, char *errbuf) {
    CURLcode rc;
    struct curl_slist *rcpts = NULL;
    cb_upload upload = { m->data, m->length, 0 };
    *response_code = 0;
    errbuf[0] = '\0';
    if (!session || !session->easy) {
        strncpy(errbuf, "no curl handle", CB_SMTP_ERROR_SIZE - 1);
        return (int)CURLE_FAILED_INIT;
    }
    CURL *c = session->easy;
    /* Reset clears the options of the previous message but keeps the connection cache. */
    curl_easy_reset(c);
    rcpts = curl_slist_append(NULL, m->rcpt);
    if (!rcpts) {
        strncpy(errbuf, "out of memory", CB_SMTP_ERROR_SIZE - 1);
        return (int)CURLE_OUT_OF_MEMORY;
    }
    SET(CURLOPT_ERRORBUFFER, errbuf);
    SET(CURLOPT_NOSIGNAL, 1L);
    SET(CURLOPT_URL, m->url);
    SET(CURLOPT_PROTOCOLS_STR, "smtp,smtps");
    SET(CURLOPT_MAIL_FROM, m->mail_from);
    SET(CURLOPT_MAIL_RCPT, rcpts);
    SET(CURLOPT_UPLOAD, 1L);
    SET(CURLOPT_READFUNCTION, cb_read_message);
    SET(CURLOPT_READDATA, &upload);
    SET(CURLOPT_INFILESIZE_LARGE, (curl_off_t)m->length);
    long use_ssl = m->tls == CB_SMTP_TLS_ALWAYS ? CURLUSESSL_ALL
                 : m->tls == CB_SMTP_TLS_TRY ? CURLUSESSL_TRY : CURLUSESSL_NONE;
    SET(CURLOPT_USE_SSL, use_ssl);
    if (m->username && m->username[0]) {
        SET(CURLOPT_USERNAME, m->username);
        SET(CURLOPT_PASSWORD, m->password ? m->password : "");
    }
    SET(CURLOPT_CONNECTTIMEOUT, m->connect_timeout);
    SET(CURLOPT_TIMEOUT, m->timeout);
    SET(CURLOPT_SSL_VERIFYPEER, m->verify ? 1L : 0L);
    SET(CURLOPT_SSL_VERIFYHOST, m->verify ? 2L : 0L);
    if (m->ca_file && m->ca_file[0]) SET(CURLOPT_CAINFO, m->ca_file);
    rc = curl_easy_perform(c);
    curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, response_code);
done:
    if (rc != CURLE_OK && errbuf[0] == '\0') {
        strncpy(errbuf, curl_easy_strerror(rc), CB_SMTP_ERROR_SIZE - 1);
        errbuf[CB_SMTP_ERROR_SIZE - 1] = '\0';
    }
    /* The handle keeps pointers to the options; clear the ones that point at our stack. */
    curl_easy_setopt(c, CURLOPT_MAIL_RCPT, (struct curl_slist *)NULL);
    curl_easy_setopt(c, CURLOPT_READDATA, (void *)NULL);
    curl_easy_setopt(c, CURLOPT_ERRORBUFFER, (char *)NULL);
    curl_slist_free_all(rcpts);
    return (int)rc;
}

const char *cb_curl_strerror(int code) { return curl_easy_strerror((CURLcode)code); }

int cb_curl_shim_version(void) { return LIBCURL_VERSION_NUM; }
