/* jsonw.c — streaming JSON writer (see jsonw.h). */
#include "jsonw.h"
#include "util.h"

#include <stdlib.h>
#include <string.h>

#define JW_BUF 65536
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

static inline void putc1(JsonWriter *w, char c)
{
    if (w->len == w->cap) jw_flush(w);
    if (w->buf) w->buf[w->len++] = c;
}

static void newline_indent(JsonWriter *w, int depth)
{
    putc1(w, '\n');
    for (int i = 0; i < depth; i++) put(w, "  ", 2);
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

/* Escapes s[0..len) and hands the pieces to emit. */
static void escape_to(const char *s, size_t len, emit_fn emit, void *ctx)
{
    static const char hex[] = "0123456789abcdef";
    const unsigned char *p = (const unsigned char *)s;
    size_t run = 0, i = 0;
    emit(ctx, "\"", 1);
    while (i < len) {
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

static void emit_writer(void *ctx, const char *s, size_t n) { put((JsonWriter *)ctx, s, n); }
static void emit_file(void *ctx, const char *s, size_t n) { fwrite(s, 1, n, (FILE *)ctx); }

void jw_key(JsonWriter *w, const char *key)
{
    before_item(w);
    escape_to(key, strlen(key), emit_writer, w);
    put(w, ": ", 2);
    w->after_key = 1;
}

void jw_string_n(JsonWriter *w, const char *s, size_t len)
{
    before_item(w);
    escape_to(s, len, emit_writer, w);
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
    escape_to(s, len, emit_file, f);
}
