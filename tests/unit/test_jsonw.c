/* Unit tests: the JSON writer's layout and escaping (jsonw.h). */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "jsonw.h"
#include "util.h"

static char *render(void (*fn)(JsonWriter *))
{
    char *buf = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&buf, &len);
    assert_non_null(f);
    JsonWriter w;
    jw_init(&w, f);
    fn(&w);
    assert_int_equal(jw_finish(&w), 0);
    fclose(f);
    return buf;
}

static void report_shape(JsonWriter *w)
{
    jw_object_begin(w);
    jw_key(w, "schema");
    jw_int(w, 1);
    jw_key(w, "items");
    jw_array_begin(w);
    jw_object_begin(w);
    jw_key(w, "a");
    jw_string(w, "x");
    jw_key(w, "b");
    jw_array_begin(w);
    jw_string(w, "p");
    jw_string(w, "q");
    jw_array_end(w);
    jw_key(w, "c");
    jw_null(w);
    jw_object_end(w);
    jw_object_begin(w);
    jw_key(w, "a");
    jw_int(w, -9223372036854775807LL - 1);
    jw_object_end(w);
    jw_array_end(w);
    jw_key(w, "empty");
    jw_array_begin(w);
    jw_array_end(w);
    jw_object_end(w);
}

static void test_layout(void **state)
{
    (void)state;
    char *s = render(report_shape);
    assert_string_equal(s, "{\n"
                           "  \"schema\": 1,\n"
                           "  \"items\": [\n"
                           "    {\"a\": \"x\", \"b\": [\"p\", \"q\"], \"c\": null},\n"
                           "    {\"a\": -9223372036854775808}\n"
                           "  ],\n"
                           "  \"empty\": []\n"
                           "}\n");
    free(s);
}

static void escapes(JsonWriter *w)
{
    jw_array_begin(w);
    jw_string(w, "quote\" back\\ nl\n tab\t cr\r bell\x07 del\x7f");
    jw_string(w, "caf\xc3\xa9 \xe2\x80\x93 ok");
    jw_string_n(w, "bad\xff\xc3(", 6);
    jw_string_n(w, "nul\0x", 5);
    jw_array_end(w);
}

static void test_escapes(void **state)
{
    (void)state;
    char *s = render(escapes);
    assert_string_equal(s, "[\n"
                           "  \"quote\\\" back\\\\ nl\\n tab\\t cr\\r bell\\u0007 del\\u007f\",\n"
                           "  \"caf\xc3\xa9 \xe2\x80\x93 ok\",\n"
                           "  \"bad\\ufffd\\ufffd(\",\n"
                           "  \"nul\\u0000x\"\n"
                           "]\n");
    free(s);
}

/* The same report shape, its items written as raw pieces (jw_raw_begin + appends),
 * must come out byte for byte as the structured calls write it. */
static void report_shape_raw(JsonWriter *w)
{
    jw_object_begin(w);
    jw_key(w, "schema");
    jw_int(w, 1);
    jw_key(w, "items");
    jw_array_begin(w);
    jw_raw_begin(w);
    static const char head[] = "{\"a\": ", tail[] = ", \"b\": [\"p\", \"q\"], \"c\": null}",
                      second[] = "{\"a\": -9223372036854775808}";
    jw_raw_append(w, head, strlen(head));
    jw_raw_string(w, "x", 1);
    jw_raw_append(w, tail, strlen(tail));
    jw_raw(w, second, strlen(second));
    jw_array_end(w);
    jw_key(w, "empty");
    jw_array_begin(w);
    jw_array_end(w);
    jw_object_end(w);
}

static void test_raw_pieces_match_structured(void **state)
{
    (void)state;
    char *a = render(report_shape), *b = render(report_shape_raw);
    assert_string_equal(a, b);
    free(a);
    free(b);
}

static const char *escape_input;
static void one_string(JsonWriter *w)
{
    jw_array_begin(w);
    jw_string(w, escape_input);
    jw_array_end(w);
}

/* jw_escape writes what jw_string writes, for control characters, quotes, invalid
 * UTF-8 and long ASCII runs alike, and never more than JW_ESCAPED_MAX. */
static void test_escape_matches_writer(void **state)
{
    (void)state;
    static const char *inputs[] = {
        "", "plain ascii long enough to take the eight-byte path, twice over: abcdefgh",
        "quote \" backslash \\ tab \t nl \n cr \r", "\x01\x1f\x7f", "caf\xc3\xa9 \xe2\x82\xac",
        "bad \xff byte", "cut \xe2\x82", "surrogate \xed\xa0\x80",
    };
    for (size_t i = 0; i < sizeof inputs / sizeof *inputs; i++) {
        escape_input = inputs[i];
        char *whole = render(one_string);   /* "[\n  <literal>\n]\n" */
        size_t n = strlen(inputs[i]);
        char *dst = malloc(JW_ESCAPED_MAX(n) + 1);
        assert_non_null(dst);
        size_t k = jw_escape(dst, inputs[i], n);
        assert_true(k <= JW_ESCAPED_MAX(n));
        dst[k] = 0;
        assert_non_null(strstr(whole, dst));
        assert_int_equal(strlen(whole), k + 7);
        free(dst);
        free(whole);
    }
}

/* The escaping rules byte by byte, for comparison: the writer's own loop steps over
 * 8 or 16 plain bytes at a time. */
static size_t reference_escape(char *dst, const char *s, size_t len)
{
    static const char hex[] = "0123456789abcdef";
    const unsigned char *p = (const unsigned char *)s;
    size_t k = 0;
    dst[k++] = '"';
    for (size_t i = 0; i < len;) {
        unsigned c = p[i];
        size_t seq = c >= 0x80 ? utf8_seq_len(p + i, len - i) : 0;
        if (seq) { memcpy(dst + k, p + i, seq); k += seq; i += seq; continue; }
        if (c == '"') { memcpy(dst + k, "\\\"", 2); k += 2; }
        else if (c == '\\') { memcpy(dst + k, "\\\\", 2); k += 2; }
        else if (c == '\n') { memcpy(dst + k, "\\n", 2); k += 2; }
        else if (c == '\t') { memcpy(dst + k, "\\t", 2); k += 2; }
        else if (c == '\r') { memcpy(dst + k, "\\r", 2); k += 2; }
        else if (c < 0x20 || c == 0x7f) {
            memcpy(dst + k, "\\u00", 4);
            dst[k + 4] = hex[c >> 4];
            dst[k + 5] = hex[c & 15];
            k += 6;
        } else if (c >= 0x80) { memcpy(dst + k, "\\ufffd", 6); k += 6; }
        else dst[k++] = (char)c;
        i++;
    }
    dst[k++] = '"';
    return k;
}

/* Each byte that needs care, at every place of a plain text of every length to 40
 * (before, inside and after the blocks of 8 and 16 the writer steps over), two of
 * them apart too: the writer's escaping is the rules' byte by byte. */
static void test_escape_every_offset(void **state)
{
    (void)state;
    static const char *specials[] = { "\"", "\\", "\n", "\x01", "\x1f", "\x7f", " ", "~",
                                      "\xc3\xa9", "\xe2\x82\xac", "\xff", "\xc3" };
    char text[64], got[64 * 6 + 2], want[64 * 6 + 2];
    for (size_t len = 0; len <= 40; len++)
        for (size_t sp = 0; sp < sizeof specials / sizeof *specials; sp++)
            for (size_t at = 0; at <= len; at++) {
                size_t sl = strlen(specials[sp]);
                memset(text, 'a', sizeof text);
                memcpy(text + at, specials[sp], sl);
                size_t n = len + sl;
                if (at + 17 < n) text[at + 17] = '"';
                size_t k = jw_escape(got, text, n), r = reference_escape(want, text, n);
                assert_int_equal(k, r);
                assert_memory_equal(got, want, k);
            }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_layout),
        cmocka_unit_test(test_escapes),
        cmocka_unit_test(test_raw_pieces_match_structured),
        cmocka_unit_test(test_escape_matches_writer),
        cmocka_unit_test(test_escape_every_offset),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
