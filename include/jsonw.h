/* jsonw.h — a small buffered JSON writer for reports.
 *
 * Written by hand rather than built with jansson: reports for a million users hold
 * tens of millions of values, and building a jansson tree first would cost memory
 * proportional to the report; this writer streams straight to the output with one
 * buffer. jansson is used where JSON is *read*.
 *
 * Layout: containers at depth 0 and 1 put each member on its own line; deeper ones
 * (array elements of a report) are written on one line, so a report reads and diffs
 * one record a line. Strings are escaped per RFC 8259; control characters become
 * \uXXXX and invalid UTF-8 bytes become U+FFFD, so the output is always valid JSON.
 *
 * Ownership: the writer owns its buffer; jw_finish flushes and frees it. Commas are
 * placed by the writer: call jw_key before each object member's value.
 */
#ifndef SKULD_JSONW_H
#define SKULD_JSONW_H

#include <stdint.h>
#include <stdio.h>
#include <stddef.h>
#include <string.h>

#define JW_MAX_DEPTH 32

typedef struct {
    FILE *out;
    char *buf;
    size_t len, cap;
    int failed;                       /* a write failed; jw_finish reports it */
    int depth;
    unsigned char count[JW_MAX_DEPTH];/* members written so far at each depth (saturating) */
    unsigned char after_key;
} JsonWriter;

void jw_init(JsonWriter *w, FILE *out);
/* Flushes and frees the buffer. Returns 0, or -1 when any write failed. */
int jw_finish(JsonWriter *w);

void jw_object_begin(JsonWriter *w);
void jw_object_end(JsonWriter *w);
void jw_array_begin(JsonWriter *w);
void jw_array_end(JsonWriter *w);
void jw_key(JsonWriter *w, const char *key);
void jw_string(JsonWriter *w, const char *s);
void jw_string_n(JsonWriter *w, const char *s, size_t len);
void jw_int(JsonWriter *w, int64_t v);
void jw_null(JsonWriter *w);
void jw_bool(JsonWriter *w, int v);

/* Escapes s[0..len) as a JSON string literal (with quotes) onto f. */
void json_fputs_escaped(FILE *f, const char *s, size_t len);

/* ---- pieces rendered once, appended raw -------------------------------------
 *
 * For writers that repeat the same strings millions of times (a report's product,
 * group and plan names): render each piece once with jw_escape, then append it with
 * jw_raw_append, at the cost of a memcpy.
 *
 * jw_raw_begin writes what precedes a value at the current position, exactly as
 * jw_string or jw_object_begin would (the comma; the line break and indentation of a
 * member of a depth 0 or 1 container, or the space of an inline one; nothing right
 * after a key) and counts the value as written. The caller must then append exactly
 * one complete JSON value with jw_raw_append / jw_raw_string, laid out as this writer
 * lays it out at this depth, before any other call on the writer: a container opened
 * at depth 2 or deeper stays on one line, ": " after keys, ", " between members,
 * strings escaped as jw_escape does. The writer does not check the bytes. jw_raw does
 * begin and append for a value held in one piece. */
void jw_raw_begin(JsonWriter *w);
void jw_raw(JsonWriter *w, const char *s, size_t n);

/* Appends s[0..n) verbatim: no separator, no escaping. */
void jw_raw_append_slow(JsonWriter *w, const char *s, size_t n);
static inline void jw_raw_append(JsonWriter *w, const char *s, size_t n)
{
    if (n <= w->cap - w->len && w->buf) {
        memcpy(w->buf + w->len, s, n);
        w->len += n;
    } else {
        jw_raw_append_slow(w, s, n);
    }
}

/* Appends s[0..len) as a JSON string literal, escaped (quotes included), no separator. */
void jw_raw_string(JsonWriter *w, const char *s, size_t len);

/* The most bytes jw_escape writes for len input bytes (every byte a \uXXXX, and quotes). */
#define JW_ESCAPED_MAX(len) (6 * (size_t)(len) + 2)

/* Writes s[0..len) as a JSON string literal (with quotes) to dst, which must have room
 * for JW_ESCAPED_MAX(len) bytes; returns the bytes written (no NUL added). The same
 * escaping as every string of the writer. */
size_t jw_escape(char *dst, const char *s, size_t len);

#endif
