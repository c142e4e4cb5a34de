/*
 * What does an idle server-side OpenSSL 3 connection keep after its handshake, by allocation site?
 *
 * CRYPTO_set_mem_functions routes every OpenSSL allocation through us with the caller's file:line.
 * A server SSL and a client SSL handshake over memory BIOs in this process; each allocation is tagged
 * with the side whose SSL call made it, and after one stanza each way (with SSL_MODE_RELEASE_BUFFERS and
 * drained BIOs replaced by empty ones, as the engine's zero-capacity BIO holds nothing) we list the server
 * side's live allocations per site. Variants toggle what might hold memory after a TLS 1.3 handshake.
 *
 * Build and run: ./run-residue.sh   (needs libssl-dev and a C compiler)
 */
#include <openssl/ssl.h>
#include <openssl/err.h>
#include <openssl/crypto.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define MAX_LIVE (1 << 20)

typedef struct { void *ptr; size_t size; const char *file; int line; int side; } alloc_rec;

static alloc_rec g_live[MAX_LIVE];
static int g_side; /* 0 = setup, 1 = server, 2 = client */
static size_t g_server_live, g_server_peak, g_server_total; /* server side: live now, high-water mark, allocated in all */
static int g_server_calls;

static alloc_rec *find(void *p) {
    size_t h = ((size_t)p >> 4) & (MAX_LIVE - 1);
    for (size_t i = 0; i < MAX_LIVE; i++) {
        alloc_rec *r = &g_live[(h + i) & (MAX_LIVE - 1)];
        if (r->ptr == p) return r;
        if (r->ptr == NULL && p != NULL) return NULL;
    }
    return NULL;
}

static void add(void *p, size_t n, const char *file, int line) {
    size_t h = ((size_t)p >> 4) & (MAX_LIVE - 1);
    for (size_t i = 0; i < MAX_LIVE; i++) {
        alloc_rec *r = &g_live[(h + i) & (MAX_LIVE - 1)];
        if (r->ptr == NULL || r->ptr == (void *)1) {
            r->ptr = p; r->size = n; r->file = file; r->line = line; r->side = g_side;
            if (g_side == 1) {
                g_server_live += n; g_server_total += n; g_server_calls++;
                if (g_server_live > g_server_peak) g_server_peak = g_server_live;
            }
            return;
        }
    }
    abort();
}

static void del(void *p) {
    size_t h = ((size_t)p >> 4) & (MAX_LIVE - 1);
    for (size_t i = 0; i < MAX_LIVE; i++) {
        alloc_rec *r = &g_live[(h + i) & (MAX_LIVE - 1)];
        if (r->ptr == p) {
            if (r->side == 1) g_server_live -= r->size;
            r->ptr = (void *)1; /* tombstone */
            return;
        }
        if (r->ptr == NULL) return;
    }
}

static void *my_malloc(size_t n, const char *file, int line) {
    void *p = malloc(n);
    if (p) add(p, n, file, line);
    return p;
}

static void *my_realloc(void *old, size_t n, const char *file, int line) {
    if (old) del(old);
    void *p = realloc(old, n);
    if (p) add(p, n, file, line);
    return p;
}

static void my_free(void *p, const char *file, int line) {
    (void)file; (void)line;
    if (p) del(p);
    free(p);
}

typedef struct { const char *file; int line; size_t bytes; int count; } site;

static int by_bytes(const void *a, const void *b) {
    const site *x = a, *y = b;
    return (y->bytes > x->bytes) - (y->bytes < x->bytes);
}

/* Live allocations of one side, grouped by site; returns total bytes. */
static size_t report(int side, int print, int *count_out) {
    static site sites[4096];
    int n = 0, count = 0;
    size_t total = 0;
    for (size_t i = 0; i < MAX_LIVE; i++) {
        alloc_rec *r = &g_live[i];
        if (r->ptr == NULL || r->ptr == (void *)1 || r->side != side) continue;
        total += r->size; count++;
        int j;
        for (j = 0; j < n; j++)
            if (sites[j].line == r->line && strcmp(sites[j].file, r->file) == 0) break;
        if (j == n) { if (n == 4096) continue; sites[n].file = r->file; sites[n].line = r->line; sites[n].bytes = 0; sites[n].count = 0; n++; }
        sites[j].bytes += r->size; sites[j].count++;
    }
    qsort(sites, n, sizeof(site), by_bytes);
    if (print)
        for (int j = 0; j < n && j < 40; j++)
            printf("      %6zu B  %3d x  %s:%d\n", sites[j].bytes, sites[j].count, sites[j].file, sites[j].line);
    if (count_out) *count_out = count;
    return total;
}

static void clear_side(int side) {
    for (size_t i = 0; i < MAX_LIVE; i++)
        if (g_live[i].ptr != NULL && g_live[i].ptr != (void *)1 && g_live[i].side == side) g_live[i].side = 0;
}

/* Moves every byte from one memory BIO to the other. */
static void pump(BIO *from, BIO *to) {
    char buf[16384];
    int n;
    while ((n = BIO_read(from, buf, sizeof buf)) > 0) BIO_write(to, buf, n);
}

/* Replaces a drained memory BIO with an empty one, as the engine's zero-capacity BIO would be. */
static void fresh_bios(SSL *ssl) {
    BIO *r = BIO_new(BIO_s_mem()), *w = BIO_new(BIO_s_mem());
    BIO_set_mem_eof_return(r, -1);
    BIO_set_mem_eof_return(w, -1);
    SSL_set_bio(ssl, r, w);
}

typedef struct { const char *name; int version; int tickets; int no_ticket_op; const char *groups; int no_data; const char *suites; int keep_bios; } variant;

static SSL_CTX *server_ctx(const char *cert, const char *key, const variant *v) {
    SSL_CTX *ctx = SSL_CTX_new(TLS_server_method());
    SSL_CTX_set_min_proto_version(ctx, TLS1_2_VERSION);
    SSL_CTX_set_max_proto_version(ctx, v->version);
    SSL_CTX_set_mode(ctx, SSL_MODE_RELEASE_BUFFERS);
    SSL_CTX_set_session_cache_mode(ctx, SSL_SESS_CACHE_OFF);
    SSL_CTX_set_num_tickets(ctx, v->tickets);
    if (v->no_ticket_op) SSL_CTX_set_options(ctx, SSL_OP_NO_TICKET);
    if (v->groups) SSL_CTX_set1_groups_list(ctx, v->groups);
    if (v->suites && v->version == TLS1_3_VERSION) SSL_CTX_set_ciphersuites(ctx, v->suites);
    if (v->suites && v->version == TLS1_2_VERSION) SSL_CTX_set_cipher_list(ctx, v->suites);
    if (SSL_CTX_use_certificate_chain_file(ctx, cert) != 1 || SSL_CTX_use_PrivateKey_file(ctx, key, SSL_FILETYPE_PEM) != 1) {
        ERR_print_errors_fp(stderr);
        exit(1);
    }
    return ctx;
}

static void run(const char *cert, const char *key, const variant *v, int verbose) {
    g_side = 0;
    SSL_CTX *sctx = server_ctx(cert, key, v);
    SSL_CTX *cctx = SSL_CTX_new(TLS_client_method());
    SSL_CTX_set_mode(cctx, SSL_MODE_RELEASE_BUFFERS);
    if (v->groups) SSL_CTX_set1_groups_list(cctx, v->groups);

    g_side = 2;
    SSL *c = SSL_new(cctx);
    SSL_set_connect_state(c);
    fresh_bios(c);
    SSL_set_tlsext_host_name(c, "localhost");

    g_server_live = g_server_peak = g_server_total = 0; g_server_calls = 0;
    g_side = 1;
    SSL *s = SSL_new(sctx);
    SSL_set_accept_state(s);
    fresh_bios(s);

    for (int round = 0; round < 10; round++) {
        g_side = 2; SSL_do_handshake(c);
        g_side = 0; pump(SSL_get_wbio(c), SSL_get_rbio(s));
        g_side = 1; SSL_do_handshake(s);
        g_side = 0; pump(SSL_get_wbio(s), SSL_get_rbio(c));
        if (SSL_is_init_finished(s) && SSL_is_init_finished(c)) break;
    }

    /* One stanza each way, then the client reads anything pending (tickets). */
    char buf[512];
    const char *stanza = "<presence/>";
    size_t done;
    g_side = 2; SSL_write_ex(c, stanza, strlen(stanza), &done);
    g_side = 0; pump(SSL_get_wbio(c), SSL_get_rbio(s));
    if (!v->no_data) {
    g_side = 1; SSL_read_ex(s, buf, sizeof buf, &done); SSL_read_ex(s, buf, sizeof buf, &done);
    g_side = 1; SSL_write_ex(s, stanza, strlen(stanza), &done);
    }
    g_side = 0; pump(SSL_get_wbio(s), SSL_get_rbio(c));
    g_side = 2; SSL_read_ex(c, buf, sizeof buf, &done); SSL_read_ex(c, buf, sizeof buf, &done);

    /* Idle: drained BIOs replaced by empty ones (their growth is the BIO's, not the SSL's). */
    if (!v->keep_bios) { g_side = 1; fresh_bios(s); }
    ERR_clear_error();

    int count;
    size_t total = report(1, 0, &count);
    printf("%-44s %-8s idle %6zu B in %3d allocations (+~%d B malloc headers); handshake peak %6zu B, %7zu B in %4d allocations\n",
           v->name, SSL_get_version(s), total, count, count * 16, g_server_peak, g_server_total, g_server_calls);
    if (verbose) report(1, 1, NULL);

    g_side = 0;
    SSL_free(s);
    SSL_free(c);
    SSL_CTX_free(sctx);
    SSL_CTX_free(cctx);
    clear_side(1); clear_side(2);
}

int main(int argc, char **argv) {
    if (!CRYPTO_set_mem_functions(my_malloc, my_realloc, my_free)) {
        fprintf(stderr, "CRYPTO_set_mem_functions refused (OpenSSL allocated already)\n");
        return 1;
    }
    if (argc < 3) { fprintf(stderr, "usage: %s cert.pem key.pem [verbose]\n", argv[0]); return 1; }
    int verbose = argc > 3;
    OPENSSL_init_ssl(0, NULL);

    static const variant variants[] = {
        { "TLS 1.2, tickets on",                       TLS1_2_VERSION, 2, 0, NULL,     0 },
        { "TLS 1.3, 2 tickets (OpenSSL default)",      TLS1_3_VERSION, 2, 0, NULL,     0 },
        { "TLS 1.3, num_tickets 0",                    TLS1_3_VERSION, 0, 0, NULL,     0 },
        { "TLS 1.3, SSL_OP_NO_TICKET",                 TLS1_3_VERSION, 2, 1, NULL,     0 },
        { "TLS 1.3, group X25519 only",                TLS1_3_VERSION, 2, 0, "X25519", 0 },
        { "TLS 1.3, group P-256 only",                 TLS1_3_VERSION, 2, 0, "P-256",  0 },
        { "TLS 1.2, group P-256 only",                 TLS1_2_VERSION, 2, 0, "P-256",  0 },
        { "TLS 1.2, idle right after the handshake",   TLS1_2_VERSION, 2, 0, NULL,     1 },
        { "TLS 1.3, idle right after the handshake",   TLS1_3_VERSION, 2, 0, NULL,     1 },
        { "TLS 1.3, CHACHA20-POLY1305 only",           TLS1_3_VERSION, 2, 0, NULL,     0, "TLS_CHACHA20_POLY1305_SHA256" },
        { "TLS 1.3, AES-128-GCM only",                 TLS1_3_VERSION, 2, 0, NULL,     0, "TLS_AES_128_GCM_SHA256" },
        { "TLS 1.2, ECDHE-ECDSA-CHACHA20-POLY1305",    TLS1_2_VERSION, 2, 0, NULL,     0, "ECDHE-ECDSA-CHACHA20-POLY1305" },
        { "TLS 1.2, drained memory BIOs kept",         TLS1_2_VERSION, 2, 0, NULL,     0, NULL, 1 },
        { "TLS 1.3, drained memory BIOs kept",         TLS1_3_VERSION, 2, 0, NULL,     0, NULL, 1 },
    };
    for (size_t i = 0; i < sizeof variants / sizeof variants[0]; i++)
        run(argv[1], argv[2], &variants[i], verbose);
    return 0;
}
