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

#endif
