/*
 * hostile.c - hostile requests over a raw socket, all at once (one thread
 * each), against a running Apache with mod_newsapi:
 *
 *   newsapi-hostile HOST PORT [--quick]
 *
 * Slow bodies and headers, Content-Lengths that lie, chunked bodies good
 * and broken, 10 MB bodies, thousands of headers.  Each case says which
 * status codes are right and how long the answer may take; a case whose
 * connection is still open after that is a hung worker.  --quick sends the
 * slow ones a little faster (the CI bound).
 *
 * Prints a table (case, statuses wanted, statuses got, seconds, verdict)
 * and, last, "hostile: Tested: N | Passing: N | Failing: N | Crashing: 0".
 * Exit status 1 when any case failed.
 */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <stdarg.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

static const char *host;
static int port;
static int quick;

#define BODY "{\"TuNgay\":\"2022-05-01\",\"DenNgay\":\"2022-05-31\"}"

typedef struct {
    const char *name;
    const char *why;           /* which protection answers */
    const char *want;          /* acceptable first statuses, e.g. "408 400" */
    double max_s;              /* the answer must come (and the connection
                                  close or go idle) within this */
    void (*run)(int fd, void *ctx);
    /* results */
    char got[64];
    double secs;
    int ok;                    /* 1 right, 2 tolerated, 0 wrong */
    char note[160];
} kase_t;

/* ---- helpers ----------------------------------------------------------- */

static double now(void)
{
    struct timespec ts;

    clock_gettime(CLOCK_MONOTONIC, &ts);
    return ts.tv_sec + ts.tv_nsec / 1e9;
}

typedef struct {
    int fd;
    char *in;                  /* what the server sent */
    size_t len, cap;
    int closed;                /* the server closed (EOF or reset) */
    double answered_at;        /* when the first byte came, or 0 */
    double closed_at;
    int send_failed;
} io_t;

static void take_input(io_t *io, int wait_ms)
{
    struct pollfd p = { io->fd, POLLIN, 0 };
    char buf[65536];
    ssize_t n;

    while (!io->closed && poll(&p, 1, wait_ms) > 0) {
        n = recv(io->fd, buf, sizeof(buf), MSG_DONTWAIT);
        if (n <= 0) {
            if (n < 0 && (errno == EAGAIN || errno == EINTR)) {
                break;
            }
            io->closed = 1;
            io->closed_at = now();
            break;
        }
        if (io->len == 0) {
            io->answered_at = now();
        }
        if (io->len + (size_t)n + 1 > io->cap) {
            io->cap = (io->len + (size_t)n + 1) * 2;
            io->in = realloc(io->in, io->cap);
        }
        memcpy(io->in + io->len, buf, (size_t)n);
        io->len += (size_t)n;
        io->in[io->len] = '\0';
        wait_ms = 0;
    }
}

/* Sends len bytes, reading whatever comes back meanwhile; stops when the
 * server has closed.  pause_ms > 0 sends byte by byte with that pause. */
static void send_all(io_t *io, const char *s, size_t len, int pause_ms)
{
    size_t off = 0;

    while (off < len && !io->closed && !io->send_failed) {
        struct pollfd p = { io->fd, POLLOUT | POLLIN, 0 };
        ssize_t n;
        size_t k = pause_ms > 0 ? 1 : len - off;

        if (poll(&p, 1, 1000) <= 0) {
            continue;
        }
        if (p.revents & POLLIN) {
            take_input(io, 0);
            if (io->len > 0 && pause_ms > 0) {
                return;          /* answered early: stop dribbling */
            }
        }
        if (!(p.revents & POLLOUT)) {
            continue;
        }
        n = send(io->fd, s + off, k, MSG_NOSIGNAL | MSG_DONTWAIT);
        if (n < 0) {
            if (errno == EAGAIN || errno == EINTR) {
                continue;
            }
            io->send_failed = 1;
            break;
        }
        off += (size_t)n;
        if (pause_ms > 0) {
            take_input(io, pause_ms);
            if (io->len > 0) {
                return;
            }
        }
    }
}

static void sends(io_t *io, const char *s)
{
    send_all(io, s, strlen(s), 0);
}

static char *aprintf(const char *fmt, ...)
{
    va_list ap;
    char *s;

    va_start(ap, fmt);
    if (vasprintf(&s, fmt, ap) < 0) {
        abort();
    }
    va_end(ap);
    return s;
}

/* ---- the cases --------------------------------------------------------- */

static int pause_ms(void)
{
    return quick ? 400 : 1000;
}

static void slow_body(int fd, void *io)
{
    char *h = aprintf("POST /api/tintuc/huyen HTTP/1.1\r\nHost: x\r\n"
                      "Content-Type: application/json\r\n"
                      "Content-Length: %zu\r\n\r\n", strlen(BODY));
    (void)fd;
    sends(io, h);
    send_all(io, BODY, strlen(BODY), pause_ms());
    free(h);
}

static void slow_headers(int fd, void *io)
{
    char *h = aprintf("POST /api/tintuc/huyen HTTP/1.1\r\nHost: x\r\n"
                      "Content-Type: application/json\r\n"
                      "X-Slow: %s\r\nContent-Length: %zu\r\n\r\n%s",
                      "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa",
                      strlen(BODY), BODY);
    (void)fd;
    send_all(io, h, strlen(h), pause_ms());
    free(h);
}

static void length_too_long(int fd, void *io)
{
    (void)fd;
    sends(io, "POST /api/tintuc/huyen HTTP/1.1\r\nHost: x\r\n"
          "Content-Type: application/json\r\nContent-Length: 100\r\n\r\n"
          BODY);
}

static void length_too_short(int fd, void *io)
{
    (void)fd;
    sends(io, "POST /api/tintuc/huyen HTTP/1.1\r\nHost: x\r\n"
          "Content-Type: application/json\r\nContent-Length: 20\r\n\r\n"
          BODY);
}

static void length_huge_number(int fd, void *io)
{
    (void)fd;
    sends(io, "POST /api/tintuc/huyen HTTP/1.1\r\nHost: x\r\n"
          "Content-Type: application/json\r\n"
          "Content-Length: 99999999999999999999999\r\n\r\n" BODY);
}

static void length_negative(int fd, void *io)
{
    (void)fd;
    sends(io, "POST /api/tintuc/huyen HTTP/1.1\r\nHost: x\r\n"
          "Content-Type: application/json\r\nContent-Length: -1\r\n\r\n"
          BODY);
}

static void length_and_chunked(int fd, void *io)
{
    char *r = aprintf("POST /api/tintuc/huyen HTTP/1.1\r\nHost: x\r\n"
                      "Content-Type: application/json\r\nContent-Length: 5\r\n"
                      "Transfer-Encoding: chunked\r\n\r\n%zx\r\n%s\r\n0\r\n\r\n",
                      strlen(BODY), BODY);
    (void)fd;
    sends(io, r);
    free(r);
}

static void chunked_good(int fd, void *io)
{
    /* the body in 3 chunks, one with an extension */
    (void)fd;
    sends(io, "POST /api/tintuc/huyen HTTP/1.1\r\nHost: x\r\n"
          "Content-Type: application/json\r\nTransfer-Encoding: chunked\r\n"
          "\r\n10\r\n{\"TuNgay\":\"2022-\r\n10;ext=1\r\n05-01\",\"DenNgay\"\r\n"
          "e\r\n:\"2022-05-31\"}\r\n0\r\n\r\n");
}

static void chunked_bad_size(int fd, void *io)
{
    (void)fd;
    sends(io, "POST /api/tintuc/huyen HTTP/1.1\r\nHost: x\r\n"
          "Content-Type: application/json\r\nTransfer-Encoding: chunked\r\n"
          "\r\nzz\r\n" BODY "\r\n0\r\n\r\n");
}

static void chunked_overflow(int fd, void *io)
{
    (void)fd;
    sends(io, "POST /api/tintuc/huyen HTTP/1.1\r\nHost: x\r\n"
          "Content-Type: application/json\r\nTransfer-Encoding: chunked\r\n"
          "\r\nffffffffffffffffffffffff\r\n" BODY "\r\n0\r\n\r\n");
}

static void chunked_truncated(int fd, void *io)
{
    /* says 100 bytes, sends 47 and waits */
    (void)fd;
    sends(io, "POST /api/tintuc/huyen HTTP/1.1\r\nHost: x\r\n"
          "Content-Type: application/json\r\nTransfer-Encoding: chunked\r\n"
          "\r\n64\r\n" BODY);
}

static char *filler(size_t n)
{
    char *b = malloc(n);

    memset(b, ' ', n);
    memcpy(b, BODY, strlen(BODY) - 1);     /* an unterminated object */
    return b;
}

static void chunked_over_limit(int fd, void *io)
{
    char *b = filler(5000);

    (void)fd;
    /* /limit/huyen: LimitRequestBody 1000 below NewsApiMaxBodySize 8192 */
    sends(io, "POST /limit/huyen HTTP/1.1\r\nHost: x\r\n"
          "Content-Type: application/json\r\nTransfer-Encoding: chunked\r\n"
          "\r\n1388\r\n");
    send_all(io, b, 5000, 0);
    sends(io, "\r\n0\r\n\r\n");
    free(b);
}

#define TEN_MB (10 * 1024 * 1024)

static void body_10mb(int fd, void *io, const char *ctype)
{
    char *h = aprintf("POST /api/tintuc/huyen HTTP/1.1\r\nHost: x\r\n"
                      "Content-Type: %s\r\nContent-Length: %d\r\n\r\n",
                      ctype, TEN_MB);
    char *b = filler(TEN_MB);

    (void)fd;
    sends(io, h);
    send_all(io, b, TEN_MB, 0);
    free(h);
    free(b);
}

static void body_10mb_json(int fd, void *io)
{
    body_10mb(fd, io, "application/json");
}

static void body_10mb_text(int fd, void *io)
{
    body_10mb(fd, io, "text/plain");
}

static void body_10mb_expect(int fd, void *io)
{
    char *h = aprintf("POST /api/tintuc/huyen HTTP/1.1\r\nHost: x\r\n"
                      "Content-Type: application/json\r\nContent-Length: %d\r\n"
                      "Expect: 100-continue\r\n\r\n", TEN_MB);

    (void)fd;
    sends(io, h);       /* and no body: the server must not wait for it */
    free(h);
}

static void chunked_10mb(int fd, void *io)
{
    const size_t chunk = 65536;
    char *b = filler(chunk), *h;
    size_t sent;

    (void)fd;
    sends(io, "POST /api/tintuc/huyen HTTP/1.1\r\nHost: x\r\n"
          "Content-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\n");
    h = aprintf("%zx\r\n", chunk);
    for (sent = 0; sent < TEN_MB && !((io_t *)io)->closed
                   && !((io_t *)io)->send_failed; sent += chunk) {
        sends(io, h);
        send_all(io, b, chunk, 0);
        sends(io, "\r\n");
    }
    sends(io, "0\r\n\r\n");
    free(h);
    free(b);
}

static void many_headers(int fd, void *io)
{
    size_t cap = 5000 * 32 + 512, len = 0;
    char *r = malloc(cap);
    int i;

    (void)fd;
    len += (size_t)sprintf(r, "POST /api/tintuc/huyen HTTP/1.1\r\nHost: x\r\n"
                           "Content-Type: application/json\r\n");
    for (i = 0; i < 5000; i++) {
        len += (size_t)sprintf(r + len, "X-Header-%d: value\r\n", i);
    }
    len += (size_t)sprintf(r + len, "Content-Length: %zu\r\n\r\n%s",
                           strlen(BODY), BODY);
    send_all(io, r, len, 0);
    free(r);
}

static void long_header(int fd, void *io)
{
    char *v = malloc(100001), *r;

    (void)fd;
    memset(v, 'a', 100000);
    v[100000] = '\0';
    r = aprintf("POST /api/tintuc/huyen HTTP/1.1\r\nHost: x\r\n"
                "Content-Type: application/json\r\nX-Long: %s\r\n"
                "Content-Length: %zu\r\n\r\n%s", v, strlen(BODY), BODY);
    send_all(io, r, strlen(r), 0);
    free(v);
    free(r);
}

static void long_url(int fd, void *io)
{
    char *v = malloc(100001), *r;

    (void)fd;
    memset(v, 'a', 100000);
    v[100000] = '\0';
    r = aprintf("POST /api/tintuc/huyen?%s HTTP/1.1\r\nHost: x\r\n"
                "Content-Type: application/json\r\nContent-Length: %zu\r\n"
                "\r\n%s", v, strlen(BODY), BODY);
    send_all(io, r, strlen(r), 0);
    free(v);
    free(r);
}

static void nul_in_header(int fd, void *io)
{
    static const char r[] = "POST /api/tintuc/huyen HTTP/1.1\r\nHost: x\r\n"
        "Content-Type: application/json\0; x\r\nContent-Length: 47\r\n\r\n"
        BODY;

    (void)fd;
    send_all(io, r, sizeof(r) - 1, 0);
}

static void pipelined(int fd, void *io)
{
    char *one = aprintf("POST /api/tintuc/huyen HTTP/1.1\r\nHost: x\r\n"
                        "Content-Type: application/json\r\n"
                        "Content-Length: %zu\r\n\r\n%s", strlen(BODY), BODY);
    size_t n = strlen(one), i;
    char *all = malloc(n * 100 + 1);

    (void)fd;
    for (i = 0; i < 100; i++) {
        memcpy(all + i * n, one, n);
    }
    send_all(io, all, n * 100, 0);
    free(one);
    free(all);
}

static void binary_body(int fd, void *io)
{
    static const char r[] = "POST /api/tintuc/xa HTTP/1.1\r\nHost: x\r\n"
        "Content-Type: application/json\r\nContent-Length: 16\r\n\r\n"
        "{\"Huyen_Id\":\xff\0\x01\x80}";

    (void)fd;
    send_all(io, r, sizeof(r) - 1, 0);
}

static kase_t cases[] = {
    { "slow body, 1 byte a second", "mod_reqtimeout body=10",
      "408", 15, slow_body },
    { "slow headers, 1 byte a second", "mod_reqtimeout header=10-20",
      "408 closed", 25, slow_headers },
    { "Content-Length longer than the body", "mod_reqtimeout body=10",
      "408", 15, length_too_long },
    { "Content-Length shorter than the body", "module: JSON cut short",
      "400", 5, length_too_short },
    { "Content-Length 10^23", "core: invalid Content-Length",
      "400 413", 5, length_huge_number },
    { "Content-Length -1", "core: invalid Content-Length",
      "400", 5, length_negative },
    { "Content-Length and chunked", "core: chunked wins / refused",
      "200 400", 5, length_and_chunked },
    { "chunked, 3 chunks with an extension", "module",
      "200", 5, chunked_good },
    { "chunked, size not hex", "core HTTP_IN",
      "400", 5, chunked_bad_size },
    { "chunked, size overflows", "core HTTP_IN",
      "400 413", 5, chunked_overflow },
    { "chunked, chunk cut short", "mod_reqtimeout body=10",
      "408", 15, chunked_truncated },
    { "chunked 5000 bytes over LimitRequestBody 1000", "LimitRequestBody",
      "413", 5, chunked_over_limit },
    { "10 MB body, Content-Length", "LimitRequestBody / NewsApiMaxBodySize",
      "413", 10, body_10mb_json },
    /* 413 (Apache's HTML, from discarding the unread body after the
     * module's 415) is tolerated: the module could close the connection
     * instead of leaving the body to ap_discard_request_body */
    { "10 MB body, text/plain", "module 415, LimitRequestBody",
      "415 413*", 10, body_10mb_text },
    { "10 MB Content-Length, Expect: 100-continue", "NewsApiMaxBodySize",
      "413", 5, body_10mb_expect },
    { "10 MB body, chunked", "NewsApiMaxBodySize / LimitRequestBody",
      "413", 10, chunked_10mb },
    { "5000 headers", "LimitRequestFields",
      "400", 5, many_headers },
    { "one 100 KB header", "LimitRequestFieldSize",
      "400", 5, long_header },
    { "100 KB request line", "LimitRequestLine",
      "414", 5, long_url },
    { "NUL in a header", "core",
      "400", 5, nul_in_header },
    { "binary body", "module: malformed_json",
      "400", 5, binary_body },
    { "100 pipelined requests", "module, keep-alive",
      "200", 15, pipelined },
};
#define NCASES (sizeof(cases) / sizeof(cases[0]))

/* ---- running a case ---------------------------------------------------- */

/* The status of every response in the stream, walked by Content-Length
 * (answers follow each other without a line break), as "NNN NNN ..." (a
 * few, then a count of the rest). */
static void statuses(const io_t *io, char *out, size_t max, int *first,
                     int *n200)
{
    const char *p = io->in, *end = io->in + io->len;
    int count = 0;

    out[0] = '\0';
    *first = 0;
    *n200 = 0;
    while (p && p + 12 <= end && strncmp(p, "HTTP/1.", 7) == 0) {
        const char *hdr_end = strstr(p, "\r\n\r\n"), *cl;
        int st = atoi(p + 9);
        long body = -1;

        if (st != 100) {
            if (*first == 0) {
                *first = st;
            }
            *n200 += st == 200;
            if (count < 3) {
                size_t l = strlen(out);
                snprintf(out + l, max - l, "%s%d", l ? " " : "", st);
            }
            count++;
        }
        if (hdr_end == NULL) {
            break;
        }
        cl = strcasestr(p, "\r\nContent-Length:");
        if (cl != NULL && cl < hdr_end) {
            body = atol(cl + 17);
        }
        if (st == 100) {
            body = 0;
        }
        if (body < 0) {
            break;             /* the rest of the stream is this body */
        }
        p = hdr_end + 4 + body;
    }
    if (count > 3) {
        size_t l = strlen(out);
        snprintf(out + l, max - l, " (+%d)", count - 3);
    }
}

static void *run_case(void *arg)
{
    kase_t *k = arg;
    struct sockaddr_in sa;
    io_t io;
    double t0 = now(), idle_until;
    int first = 0, n200 = 0, one = 1;

    memset(&io, 0, sizeof(io));
    memset(&sa, 0, sizeof(sa));
    sa.sin_family = AF_INET;
    sa.sin_port = htons((unsigned short)port);
    inet_pton(AF_INET, host, &sa.sin_addr);
    io.fd = socket(AF_INET, SOCK_STREAM, 0);
    setsockopt(io.fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
    if (connect(io.fd, (struct sockaddr *)&sa, sizeof(sa)) != 0) {
        snprintf(k->note, sizeof(k->note), "connect: %s", strerror(errno));
        k->secs = now() - t0;
        return NULL;
    }
    k->run(io.fd, &io);
    /* then wait for the answer: until the server closes, or 2 s without
     * anything new once something came (a kept-alive connection) */
    idle_until = now() + 2;
    while (!io.closed && now() < t0 + k->max_s + 1) {
        size_t before = io.len;

        take_input(&io, 200);
        if (io.len != before) {
            idle_until = now() + 2;
        }
        if (io.len > 0 && now() > idle_until) {
            break;
        }
        if (strcmp(k->name, "100 pipelined requests") == 0) {
            statuses(&io, k->got, sizeof(k->got), &first, &n200);
            if (n200 >= 100) {
                break;
            }
        }
    }
    /* the time the answer took (or the close, when there is none) */
    k->secs = (io.answered_at ? io.answered_at : io.closed_at ? io.closed_at
                                                              : now()) - t0;
    statuses(&io, k->got, sizeof(k->got), &first, &n200);
    if (k->got[0] == '\0') {
        snprintf(k->got, sizeof(k->got), "%s", io.closed ? "closed" : "none");
    }
    /* want: the right statuses; "closed" for a connection closed without
     * an answer; a status ending in '*' is tolerated but not right (a
     * module finding, printed as such) */
    {
        char want[64], *tok, *save = NULL;

        snprintf(want, sizeof(want), "%s", k->want);
        for (tok = strtok_r(want, " ", &save); tok;
             tok = strtok_r(NULL, " ", &save)) {
            int tolerated = tok[strlen(tok) - 1] == '*';
            int match = strcmp(tok, "closed") == 0
                        ? first == 0 && io.closed : atoi(tok) == first;

            if (match && !k->ok) {
                k->ok = tolerated ? 2 : 1;
            }
        }
    }
    if (k->ok == 2) {
        snprintf(k->note, sizeof(k->note), "tolerated: %d is not the right "
                 "status (%.3s)", first, k->want);
    }
    if (k->ok == 0 && first == 0) {
        snprintf(k->note, sizeof(k->note), "no answer%s", io.closed
                 ? " (connection closed)" : " (connection still open: hung)");
    }
    if (strcmp(k->name, "100 pipelined requests") == 0 && n200 != 100) {
        k->ok = 0;
        snprintf(k->note, sizeof(k->note), "%d of 100 answered 200", n200);
    }
    if (k->secs > k->max_s) {
        k->ok = 0;
        snprintf(k->note, sizeof(k->note), "took %.1f s (limit %.0f s)",
                 k->secs, k->max_s);
    }
    close(io.fd);
    free(io.in);
    return NULL;
}

int main(int argc, char **argv)
{
    pthread_t th[NCASES];
    size_t i;
    int failed = 0;

    if (argc < 3) {
        fprintf(stderr, "usage: newsapi-hostile HOST PORT [--quick]\n");
        return 2;
    }
    host = argv[1];
    port = atoi(argv[2]);
    quick = argc > 3 && strcmp(argv[3], "--quick") == 0;
    for (i = 0; i < NCASES; i++) {
        pthread_create(&th[i], NULL, run_case, &cases[i]);
    }
    for (i = 0; i < NCASES; i++) {
        pthread_join(th[i], NULL);
    }
    printf("%-44s %-12s %-14s %6s  %s\n", "case", "wanted", "got", "secs",
           "verdict (protection)");
    for (i = 0; i < NCASES; i++) {
        kase_t *k = &cases[i];

        printf("%-44s %-12s %-14s %6.1f  %s (%s)%s%s\n", k->name, k->want,
               k->got, k->secs, k->ok == 1 ? "ok" : k->ok ? "ok*" : "FAIL",
               k->why,
               k->note[0] ? ": " : "", k->note);
        failed += !k->ok;
    }
    printf("hostile: Tested: %zu | Passing: %zu | Failing: %d | "
           "Crashing: 0\n", NCASES, NCASES - (size_t)failed, failed);
    return failed ? 1 : 0;
}
