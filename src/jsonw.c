/* jsonw.c — streaming JSON writer (see jsonw.h). */
#include "jsonw.h"
#include "util.h"

#include <stdlib.h>
#include <string.h>

#define JW_BUF (1u << 20)   /* written out in chunks of this size */
#define JW_INLINE_DEPTH 2   /* containers opened at this depth or deeper stay on one line */

void jw_init(JsonWriter *w, FILE *out)
{
    memset(w, 0, sizeof *w);
    w->out = out;
    w->buf = malloc(JW_BUF);
    w->cap = JW_BUF;
    if (!w->buf) { w->failed = 1; w->cap = 0; }
}

static void jw_flush(JsonWriter *w)
{
    if (w->len && w->buf && fwrite(w->buf, 1, w->len, w->out) != w->len) w->failed = 1;
    w->len = 0;
}

int jw_finish(JsonWriter *w)
{
    jw_flush(w);
    free(w->buf);
    w->buf = NULL;
    if (fflush(w->out) != 0 || ferror(w->out)) w->failed = 1;
    return w->failed ? -1 : 0;
}

static inline void put(JsonWriter *w, const char *s, size_t n)
{
    if (w->len + n > w->cap) {
        jw_flush(w);
        if (n > w->cap) {
            if (fwrite(s, 1, n, w->out) != n) w->failed = 1;
            return;
        }
    }
    if (!w->buf) return;
    memcpy(w->buf + w->len, s, n);
    w->len += n;
}

void jw_raw_append_slow(JsonWriter *w, const char *s, size_t n) { put(w, s, n); }

static inline void putc1(JsonWriter *w, char c)
{
    if (w->len == w->cap) jw_flush(w);
    if (w->buf) w->buf[w->len++] = c;
}

static void newline_indent(JsonWriter *w, int depth)
{
    static const char nl[] = "\n    ";
    _Static_assert(sizeof nl - 2 >= 2 * JW_INLINE_DEPTH, "indentation of the deepest line-broken container");
    put(w, nl, 1 + 2 * (size_t)depth);   /* depth <= JW_INLINE_DEPTH: see the callers */
}

/* Separator and indentation before a value or a key at the current depth. */
static void before_item(JsonWriter *w)
{
    if (w->after_key) { w->after_key = 0; return; }
    if (w->depth == 0) return;
    int first = w->count[w->depth] == 0;
    if (w->count[w->depth] < 255) w->count[w->depth]++;
    if (!first) putc1(w, ',');
    if (w->depth <= JW_INLINE_DEPTH) newline_indent(w, w->depth);
    else if (!first) putc1(w, ' ');
}

static void open_container(JsonWriter *w, char c)
{
    before_item(w);
    putc1(w, c);
    if (w->depth + 1 < JW_MAX_DEPTH) w->depth++;
    w->count[w->depth] = 0;
}

static void close_container(JsonWriter *w, char c)
{
    int had = w->count[w->depth] != 0;
    if (w->depth > 0) w->depth--;
    if (had && w->depth + 1 <= JW_INLINE_DEPTH) newline_indent(w, w->depth);
    putc1(w, c);
    if (w->depth == 0) putc1(w, '\n');
}

void jw_object_begin(JsonWriter *w) { open_container(w, '{'); }
void jw_object_end(JsonWriter *w) { close_container(w, '}'); }
void jw_array_begin(JsonWriter *w) { open_container(w, '['); }
void jw_array_end(JsonWriter *w) { close_container(w, ']'); }

typedef void (*emit_fn)(void *ctx, const char *s, size_t n);

#define ONES 0x0101010101010101ull     /* 1 in every byte */

/* The high bit of each byte that is zero, and perhaps of bytes above one that is
 * (never none when one is). */
static inline uint64_t has_zero(uint64_t v) { return (v - ONES) & ~v; }

/* Escapes s[0..len) and hands the pieces to emit: the one definition of the escaping
 * (inlined into each caller, so that emit is a direct call or a memcpy). */
static inline void escape_core(const char *s, size_t len, emit_fn emit, void *ctx)
{
    static const char hex[] = "0123456789abcdef";
    const unsigned char *p = (const unsigned char *)s;
    size_t run = 0, i = 0;
    emit(ctx, "\"", 1);
    while (i < len) {
        /* Eight bytes at a time while none is a control, '"', '\\', DEL or non-ASCII
         * (each test may flag more than it must, never less: the byte steps below
         * decide). */
        while (len - i >= 8) {
            uint64_t x;
            memcpy(&x, p + i, 8);
            uint64_t special = ((x - ONES * 0x20) & ~x)                  /* < 0x20 */
                             | has_zero(x ^ (ONES * '"')) | has_zero(x ^ (ONES * '\\'))
                             | (x + ONES) | x;                           /* >= 0x7f */
            if (special & (ONES * 0x80)) break;
            i += 8;
            run += 8;
        }
        if (i == len) break;
        unsigned c = p[i];
        if (c >= 0x20 && c != '"' && c != '\\' && c < 0x7f) { i++; run++; continue; }
        size_t seq = c >= 0x80 ? utf8_seq_len(p + i, len - i) : 0;
        if (seq) { i += seq; run += seq; continue; }
        if (run) emit(ctx, (const char *)p + i - run, run);
        run = 0;
        char esc[8];
        switch (c) {
        case '"': emit(ctx, "\\\"", 2); break;
        case '\\': emit(ctx, "\\\\", 2); break;
        case '\n': emit(ctx, "\\n", 2); break;
        case '\t': emit(ctx, "\\t", 2); break;
        case '\r': emit(ctx, "\\r", 2); break;
        default:
            if (c < 0x20 || c == 0x7f) {
                esc[0] = '\\'; esc[1] = 'u'; esc[2] = '0'; esc[3] = '0';
                esc[4] = hex[c >> 4]; esc[5] = hex[c & 15];
                emit(ctx, esc, 6);
            } else {
                emit(ctx, "\\ufffd", 6);   /* invalid UTF-8 byte */
            }
        }
        i++;
    }
    if (run) emit(ctx, (const char *)p + i - run, run);
    emit(ctx, "\"", 1);
}

static inline void emit_mem(void *ctx, const char *s, size_t n)
{
    char **cur = ctx;
    memcpy(*cur, s, n);
    *cur += n;
}

size_t jw_escape(char *dst, const char *s, size_t len)
{
    char *cur = dst;
    escape_core(s, len, emit_mem, &cur);
    return (size_t)(cur - dst);
}

static void emit_writer(void *ctx, const char *s, size_t n) { put((JsonWriter *)ctx, s, n); }
static void emit_file(void *ctx, const char *s, size_t n) { fwrite(s, 1, n, (FILE *)ctx); }

/* s escaped onto the writer: straight into the buffer when it surely fits, in pieces
 * through put otherwise (a string longer than the buffer). */
void jw_raw_string(JsonWriter *w, const char *s, size_t len)
{
    if (len <= w->cap / 8) {
        if (JW_ESCAPED_MAX(len) > w->cap - w->len) jw_flush(w);
        if (w->buf) {
            w->len += jw_escape(w->buf + w->len, s, len);
            return;
        }
    }
    escape_core(s, len, emit_writer, w);
}

void jw_raw_begin(JsonWriter *w) { before_item(w); }

void jw_raw(JsonWriter *w, const char *s, size_t n)
{
    before_item(w);
    put(w, s, n);
}

void jw_key(JsonWriter *w, const char *key)
{
    before_item(w);
    jw_raw_string(w, key, strlen(key));
    put(w, ": ", 2);
    w->after_key = 1;
}

void jw_string_n(JsonWriter *w, const char *s, size_t len)
{
    before_item(w);
    jw_raw_string(w, s, len);
}

void jw_string(JsonWriter *w, const char *s)
{
    if (!s) { jw_null(w); return; }
    jw_string_n(w, s, strlen(s));
}

void jw_int(JsonWriter *w, int64_t v)
{
    char tmp[24];
    int n = snprintf(tmp, sizeof tmp, "%lld", (long long)v);
    before_item(w);
    put(w, tmp, (size_t)n);
}

void jw_null(JsonWriter *w)
{
    before_item(w);
    put(w, "null", 4);
}

void jw_bool(JsonWriter *w, int v)
{
    before_item(w);
    if (v) put(w, "true", 4);
    else put(w, "false", 5);
}

void json_fputs_escaped(FILE *f, const char *s, size_t len)
{
    escape_core(s, len, emit_file, f);
}
