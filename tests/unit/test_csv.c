/* Unit tests for the in-place RFC 4180 reader (src/csv.c, include/csv.h). */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "csv.h"

/* A reader over a private, writable copy of src[0..len) (plus the extra byte the
 * reader needs); the copy is returned through *buf and freed by close_reader. */
static CsvReader *open_reader(const char *src, size_t len, char **buf)
{
    *buf = malloc(len + 1);
    assert_non_null(*buf);
    memcpy(*buf, src, len);
    (*buf)[len] = 'X';                  /* the reader must set its own sentinel */
    CsvReader *r = csv_reader_new(*buf, len);
    assert_non_null(r);
    return r;
}

/* open_reader over a string literal, embedded NULs included. */
#define OPEN(lit, bufp) open_reader((lit), sizeof(lit) - 1, (bufp))

/* Frees the reader and the buffer given by open_reader. */
static void close_reader(CsvReader *r, char *buf)
{
    csv_reader_free(r);
    free(buf);
}

/* Reads the next row, asserting that there is one, starting on line, with count
 * fields. */
static void next_row(CsvReader *r, CsvRow *row, unsigned line, size_t count)
{
    assert_int_equal(csv_read_row(r, row), 1);
    assert_int_equal(row->line, line);
    assert_int_equal(row->count, count);
}

/* Asserts field i of row: its text (len bytes, NUL-terminated), line and column. */
static void check_field_n(const CsvRow *row, size_t i, const char *text, size_t len,
                          unsigned line, unsigned column)
{
    assert_true(i < row->count);
    const CsvField *f = &row->fields[i];
    assert_int_equal(f->len, len);
    assert_memory_equal(f->text, text, len);
    assert_int_equal(f->text[len], '\0');
    assert_int_equal(f->line, line);
    assert_int_equal(f->column, column);
}

/* check_field_n for a text without NUL bytes. */
static void check_field(const CsvRow *row, size_t i, const char *text, unsigned line,
                        unsigned column)
{
    check_field_n(row, i, text, strlen(text), line, column);
}

/* Asserts the end of input, twice (end is sticky). */
static void expect_end(CsvReader *r)
{
    CsvRow row;
    assert_int_equal(csv_read_row(r, &row), 0);
    assert_int_equal(row.count, 0);
    assert_int_equal(csv_read_row(r, &row), 0);
}

/* Asserts that the next read fails with msg at line:column, and that the reader then
 * keeps failing with the same error. */
static void expect_error(CsvReader *r, const char *msg, unsigned line, unsigned column)
{
    CsvRow row;
    for (int attempt = 0; attempt < 3; attempt++) {
        assert_int_equal(csv_read_row(r, &row), -1);
        assert_int_equal(row.count, 0);
        unsigned l = 0, c = 0;
        const char *m = csv_reader_error(r, &l, &c);
        assert_non_null(m);
        assert_string_equal(m, msg);
        assert_int_equal(l, line);
        assert_int_equal(c, column);
    }
}

static void test_simple_rows(void **state)
{
    (void)state;
    char *buf;
    CsvReader *r = OPEN("id,name,age\n1,ann,30\n22,bob,4\n", &buf);
    CsvRow row;
    next_row(r, &row, 1, 3);
    check_field(&row, 0, "id", 1, 1);
    check_field(&row, 1, "name", 1, 4);
    check_field(&row, 2, "age", 1, 9);
    next_row(r, &row, 2, 3);
    check_field(&row, 0, "1", 2, 1);
    check_field(&row, 1, "ann", 2, 3);
    check_field(&row, 2, "30", 2, 7);
    next_row(r, &row, 3, 3);
    check_field(&row, 0, "22", 3, 1);
    check_field(&row, 1, "bob", 3, 4);
    check_field(&row, 2, "4", 3, 8);
    expect_end(r);
    close_reader(r, buf);
}

static void test_fields_point_into_buffer(void **state)
{
    (void)state;
    char *buf;
    CsvReader *r = OPEN("abc,\"d\"\"e\"\n", &buf);
    CsvRow row;
    next_row(r, &row, 1, 2);
    assert_ptr_equal(row.fields[0].text, buf);
    assert_ptr_equal(row.fields[1].text, buf + 5);    /* just after the opening quote */
    check_field(&row, 1, "d\"e", 1, 5);
    close_reader(r, buf);
}

static void test_quoted_commas_quotes_newlines(void **state)
{
    (void)state;
    char *buf;
    CsvReader *r = OPEN("\"a,b\",\"c\"\"d\",\"e\nf\",g\nh,\"\"\"\"\n", &buf);
    CsvRow row;
    next_row(r, &row, 1, 4);
    check_field(&row, 0, "a,b", 1, 1);
    check_field(&row, 1, "c\"d", 1, 7);
    check_field(&row, 2, "e\nf", 1, 14);
    check_field(&row, 3, "g", 2, 4);              /* after `f",` on line 2 */
    next_row(r, &row, 3, 2);
    check_field(&row, 0, "h", 3, 1);
    check_field(&row, 1, "\"", 3, 3);
    expect_end(r);
    close_reader(r, buf);
}

static void test_quoted_unescape_many(void **state)
{
    (void)state;
    char *buf;
    CsvReader *r = OPEN("\"\"\"a\"\"\"\"b\"\"\",\"x\"\"\",\"\"\"y\"\n", &buf);
    CsvRow row;
    next_row(r, &row, 1, 3);
    check_field(&row, 0, "\"a\"\"b\"", 1, 1);
    check_field(&row, 1, "x\"", 1, 14);
    check_field(&row, 2, "\"y", 1, 20);
    expect_end(r);
    close_reader(r, buf);
}

static void test_quoted_crlf_kept_verbatim(void **state)
{
    (void)state;
    char *buf;
    CsvReader *r = OPEN("\"x\r\ny\",z\r\n\"p\rq\",w\r\nnext\r\n", &buf);
    CsvRow row;
    next_row(r, &row, 1, 2);
    check_field(&row, 0, "x\r\ny", 1, 1);
    check_field(&row, 1, "z", 2, 4);
    next_row(r, &row, 3, 2);
    check_field(&row, 0, "p\rq", 3, 1);           /* a lone CR counts as a line end */
    check_field(&row, 1, "w", 4, 4);
    next_row(r, &row, 5, 1);
    check_field(&row, 0, "next", 5, 1);
    expect_end(r);
    close_reader(r, buf);
}

static void test_bom_skipped(void **state)
{
    (void)state;
    char *buf;
    CsvReader *r = OPEN("\xEF\xBB\xBFid,name\n1,x\n", &buf);
    CsvRow row;
    next_row(r, &row, 1, 2);
    check_field(&row, 0, "id", 1, 1);
    check_field(&row, 1, "name", 1, 4);
    next_row(r, &row, 2, 2);
    check_field(&row, 0, "1", 2, 1);
    check_field(&row, 1, "x", 2, 3);
    expect_end(r);
    close_reader(r, buf);

    r = OPEN("\xEF\xBB\xBF\"q\",a\"", &buf);     /* error columns count after the BOM */
    expect_error(r, "quote inside an unquoted field", 1, 6);
    close_reader(r, buf);
}

static void test_bom_only_at_start(void **state)
{
    (void)state;
    char *buf;
    CsvReader *r = OPEN("a\n\xEF\xBB\xBF" "b\n", &buf);
    CsvRow row;
    next_row(r, &row, 1, 1);
    check_field(&row, 0, "a", 1, 1);
    next_row(r, &row, 2, 1);
    check_field(&row, 0, "\xEF\xBB\xBF" "b", 2, 1);  /* data, not a BOM */
    expect_end(r);
    close_reader(r, buf);

    r = OPEN("\xEF\xBB\xBF\xEF\xBB\xBFx", &buf);   /* only the first one is skipped */
    next_row(r, &row, 1, 1);
    check_field(&row, 0, "\xEF\xBB\xBFx", 1, 1);
    expect_end(r);
    close_reader(r, buf);

    r = OPEN("\xEF\xBB", &buf);                  /* a partial BOM is data */
    next_row(r, &row, 1, 1);
    check_field(&row, 0, "\xEF\xBB", 1, 1);
    expect_end(r);
    close_reader(r, buf);
}

static void test_crlf(void **state)
{
    (void)state;
    char *buf;
    CsvReader *r = OPEN("a,b\r\nc,\"d\"\r\n", &buf);
    CsvRow row;
    next_row(r, &row, 1, 2);
    check_field(&row, 0, "a", 1, 1);
    check_field(&row, 1, "b", 1, 3);
    next_row(r, &row, 2, 2);
    check_field(&row, 0, "c", 2, 1);
    check_field(&row, 1, "d", 2, 3);
    expect_end(r);
    close_reader(r, buf);
}

static void test_mixed_line_ends(void **state)
{
    (void)state;
    char *buf;
    CsvReader *r = OPEN("a,1\r\nb,2\nc,3\rd,4\n\"e\"\rf", &buf);
    CsvRow row;
    next_row(r, &row, 1, 2);
    check_field(&row, 0, "a", 1, 1);
    check_field(&row, 1, "1", 1, 3);
    next_row(r, &row, 2, 2);
    check_field(&row, 0, "b", 2, 1);
    check_field(&row, 1, "2", 2, 3);
    next_row(r, &row, 3, 2);
    check_field(&row, 0, "c", 3, 1);
    check_field(&row, 1, "3", 3, 3);              /* lone CR ends the line */
    next_row(r, &row, 4, 2);
    check_field(&row, 0, "d", 4, 1);
    check_field(&row, 1, "4", 4, 3);
    next_row(r, &row, 5, 1);
    check_field(&row, 0, "e", 5, 1);
    next_row(r, &row, 6, 1);
    check_field(&row, 0, "f", 6, 1);
    expect_end(r);
    close_reader(r, buf);
}

static void test_no_final_newline(void **state)
{
    (void)state;
    char *buf;
    CsvReader *r = OPEN("a,b\nc,d", &buf);
    CsvRow row;
    next_row(r, &row, 1, 2);
    next_row(r, &row, 2, 2);
    check_field(&row, 0, "c", 2, 1);
    check_field(&row, 1, "d", 2, 3);
    expect_end(r);
    close_reader(r, buf);

    r = OPEN("x,\"y,z\"", &buf);
    next_row(r, &row, 1, 2);
    check_field(&row, 0, "x", 1, 1);
    check_field(&row, 1, "y,z", 1, 3);
    expect_end(r);
    close_reader(r, buf);

    r = OPEN("x,", &buf);
    next_row(r, &row, 1, 2);
    check_field(&row, 0, "x", 1, 1);
    check_field(&row, 1, "", 1, 3);
    expect_end(r);
    close_reader(r, buf);
}

static void test_empty_lines_skipped(void **state)
{
    (void)state;
    char *buf;
    CsvReader *r = OPEN("\n\r\n\na\n\n\r\nb\r\n\r\r\nc\n\n\r\n", &buf);
    CsvRow row;
    next_row(r, &row, 4, 1);
    check_field(&row, 0, "a", 4, 1);
    next_row(r, &row, 7, 1);
    check_field(&row, 0, "b", 7, 1);
    next_row(r, &row, 10, 1);                     /* "\r" then "\r\n": two empty lines */
    check_field(&row, 0, "c", 10, 1);
    expect_end(r);
    close_reader(r, buf);
}

static void test_whitespace_line_is_a_row(void **state)
{
    (void)state;
    char *buf;
    CsvReader *r = OPEN("a\n \n\tb\n", &buf);
    CsvRow row;
    next_row(r, &row, 1, 1);
    next_row(r, &row, 2, 1);
    check_field(&row, 0, " ", 2, 1);
    next_row(r, &row, 3, 1);
    check_field(&row, 0, "\tb", 3, 1);
    expect_end(r);
    close_reader(r, buf);
}

static void test_empty_input(void **state)
{
    (void)state;
    char *buf;
    CsvReader *r = OPEN("", &buf);
    assert_int_equal(buf[0], '\0');               /* sentinel written */
    expect_end(r);
    close_reader(r, buf);

    r = OPEN("\n\r\n\r", &buf);
    expect_end(r);
    close_reader(r, buf);

    r = OPEN("\xEF\xBB\xBF", &buf);
    expect_end(r);
    close_reader(r, buf);

    r = OPEN("\xEF\xBB\xBF\r\n", &buf);
    expect_end(r);
    close_reader(r, buf);

    r = csv_reader_new(NULL, 0);
    assert_non_null(r);
    expect_end(r);
    csv_reader_free(r);

    assert_null(csv_reader_new(NULL, 5));
    csv_reader_free(NULL);                        /* no-op */
}

static void test_empty_fields(void **state)
{
    (void)state;
    char *buf;
    CsvReader *r = OPEN(",,\na,,b,\n,\"\",\r\n", &buf);
    CsvRow row;
    next_row(r, &row, 1, 3);
    check_field(&row, 0, "", 1, 1);
    check_field(&row, 1, "", 1, 2);
    check_field(&row, 2, "", 1, 3);
    next_row(r, &row, 2, 4);
    check_field(&row, 0, "a", 2, 1);
    check_field(&row, 1, "", 2, 3);
    check_field(&row, 2, "b", 2, 4);
    check_field(&row, 3, "", 2, 6);
    next_row(r, &row, 3, 3);
    check_field(&row, 0, "", 3, 1);
    check_field(&row, 1, "", 3, 2);
    check_field(&row, 2, "", 3, 5);
    expect_end(r);
    close_reader(r, buf);
}

static void test_single_empty_quoted_field_is_a_row(void **state)
{
    (void)state;
    char *buf;
    CsvReader *r = OPEN("a\n\"\"\n\n\"\"\r\nb\n\"\"", &buf);
    CsvRow row;
    next_row(r, &row, 1, 1);
    check_field(&row, 0, "a", 1, 1);
    next_row(r, &row, 2, 1);
    check_field(&row, 0, "", 2, 1);
    next_row(r, &row, 4, 1);
    check_field(&row, 0, "", 4, 1);
    next_row(r, &row, 5, 1);
    check_field(&row, 0, "b", 5, 1);
    next_row(r, &row, 6, 1);
    check_field(&row, 0, "", 6, 1);
    expect_end(r);
    close_reader(r, buf);
}

static void test_byte_columns(void **state)
{
    (void)state;
    char *buf;
    CsvReader *r = OPEN("\xC3\xA9t\xC3\xA9,x,\"\xE2\x82\xAC\",y\n", &buf);
    CsvRow row;
    next_row(r, &row, 1, 4);
    check_field(&row, 0, "\xC3\xA9t\xC3\xA9", 1, 1);
    check_field(&row, 1, "x", 1, 7);
    check_field(&row, 2, "\xE2\x82\xAC", 1, 9);
    check_field(&row, 3, "y", 1, 15);
    close_reader(r, buf);
}

static void test_line_numbers_after_multiline_field(void **state)
{
    (void)state;
    char *buf;
    CsvReader *r = OPEN("h1,h2\n\"l1\nl2\r\nl3\",x\ny,\"p\n\nq\"\nz,w\n", &buf);
    CsvRow row;
    next_row(r, &row, 1, 2);
    next_row(r, &row, 2, 2);
    check_field(&row, 0, "l1\nl2\r\nl3", 2, 1);
    check_field(&row, 1, "x", 4, 5);
    next_row(r, &row, 5, 2);
    check_field(&row, 0, "y", 5, 1);
    check_field(&row, 1, "p\n\nq", 5, 3);
    next_row(r, &row, 8, 2);
    check_field(&row, 0, "z", 8, 1);
    check_field(&row, 1, "w", 8, 3);
    expect_end(r);
    close_reader(r, buf);

    /* and errors after one are placed right */
    r = OPEN("\"a\nbc\"\nde\"f\n", &buf);
    next_row(r, &row, 1, 1);
    check_field(&row, 0, "a\nbc", 1, 1);
    expect_error(r, "quote inside an unquoted field", 3, 3);
    close_reader(r, buf);
}

static void test_error_unterminated_quote(void **state)
{
    (void)state;
    char *buf;
    CsvReader *r = OPEN("a,b\nc,\"open\nmore,stuff\n", &buf);
    CsvRow row;
    next_row(r, &row, 1, 2);
    check_field(&row, 0, "a", 1, 1);
    expect_error(r, "quoted field never ends", 2, 3);
    close_reader(r, buf);

    r = OPEN("\"", &buf);
    expect_error(r, "quoted field never ends", 1, 1);
    close_reader(r, buf);

    r = OPEN("x,\"ends with escaped \"\"", &buf);
    expect_error(r, "quoted field never ends", 1, 3);
    close_reader(r, buf);
}

static void test_error_after_closing_quote(void **state)
{
    (void)state;
    char *buf;
    CsvReader *r = OPEN("x\n\"ab\"c,d\n", &buf);
    CsvRow row;
    next_row(r, &row, 1, 1);
    expect_error(r, "unexpected character after closing quote", 2, 5);
    close_reader(r, buf);

    r = OPEN("1,\"a\nb\" ,c\n", &buf);          /* on the quoted field's last line */
    expect_error(r, "unexpected character after closing quote", 2, 3);
    close_reader(r, buf);
}

static void test_error_quote_in_unquoted_field(void **state)
{
    (void)state;
    char *buf;
    CsvReader *r = OPEN("ok\nab\"c\n", &buf);
    CsvRow row;
    next_row(r, &row, 1, 1);
    expect_error(r, "quote inside an unquoted field", 2, 3);
    close_reader(r, buf);

    r = OPEN("x,y\"", &buf);
    expect_error(r, "quote inside an unquoted field", 1, 4);
    close_reader(r, buf);

    r = OPEN(" \"a\"", &buf);                    /* a space before the quote */
    expect_error(r, "quote inside an unquoted field", 1, 2);
    close_reader(r, buf);
}

static void test_error_nul_byte(void **state)
{
    (void)state;
    char *buf;
    CsvReader *r = OPEN("a,b\nc\0d\n", &buf);
    CsvRow row;
    next_row(r, &row, 1, 2);
    check_field(&row, 1, "b", 1, 3);
    expect_error(r, "NUL byte in data", 2, 2);
    close_reader(r, buf);

    r = OPEN("\"a\n\0\"", &buf);                 /* inside a quoted field */
    expect_error(r, "NUL byte in data", 2, 1);
    close_reader(r, buf);

    r = OPEN("\"a\"\0", &buf);                   /* right after a closing quote */
    expect_error(r, "NUL byte in data", 1, 4);
    close_reader(r, buf);

    r = OPEN("a\n\n\0", &buf);                   /* at the start of a line */
    next_row(r, &row, 1, 1);
    expect_error(r, "NUL byte in data", 3, 1);
    close_reader(r, buf);

    r = OPEN("a,\0", &buf);                      /* as the last byte */
    expect_error(r, "NUL byte in data", 1, 3);
    close_reader(r, buf);
}

static void test_no_error_before_failure(void **state)
{
    (void)state;
    char *buf;
    CsvReader *r = OPEN("a\n", &buf);
    unsigned line = 7, column = 7;
    assert_null(csv_reader_error(r, &line, &column));
    assert_int_equal(line, 0);
    assert_int_equal(column, 0);
    CsvRow row;
    next_row(r, &row, 1, 1);
    expect_end(r);
    assert_null(csv_reader_error(r, NULL, NULL));
    close_reader(r, buf);
}

/* An unquoted field of every length from 0 to 50 (the reader steps through such
 * fields sixteen bytes at a time), ended by each stop byte in turn and by the end of
 * the input, in a buffer of exactly the input and its sentinel: the field's length,
 * the row's end and the errors are the same at every offset, and nothing is read past
 * the sentinel (AddressSanitizer would say so). */
static void test_stop_byte_at_every_offset(void **state)
{
    (void)state;
    static const char stops[] = { ',', '\n', '\r', '"', '\0' };
    for (size_t len = 0; len <= 50; len++) {
        for (size_t s = 0; s <= sizeof stops; s++) {
            char src[64];
            memset(src, 'a', len);
            size_t n = len;
            if (s < sizeof stops) {
                src[n++] = stops[s];
                src[n++] = 'b';     /* a byte after the stop: the input goes on */
            }
            char *buf;
            CsvReader *r = open_reader(src, n, &buf);
            CsvRow row;
            int rc = csv_read_row(r, &row);
            if (s < sizeof stops && (stops[s] == '"' || stops[s] == '\0') && len > 0) {
                unsigned line, column;
                assert_int_equal(rc, -1);
                assert_non_null(csv_reader_error(r, &line, &column));
                assert_int_equal(column, len + 1);
            } else if (s < sizeof stops && stops[s] == '"') {
                assert_int_equal(rc, -1);   /* "b: a quoted field that never ends */
            } else if (s < sizeof stops && stops[s] == '\0') {
                assert_int_equal(rc, -1);   /* NUL in data */
            } else if (len == 0 && (s == sizeof stops || stops[s] == '\n' || stops[s] == '\r')) {
                /* an empty line (or no input): the row is what follows, if anything */
                if (s == sizeof stops) {
                    assert_int_equal(rc, 0);
                } else {
                    assert_int_equal(rc, 1);
                    assert_int_equal(row.count, 1);
                    assert_int_equal(row.fields[0].len, 1);
                    assert_int_equal(row.line, 2);
                }
            } else {
                assert_int_equal(rc, 1);
                assert_int_equal(row.fields[0].len, len);
                if (s < sizeof stops && stops[s] == ',') {
                    assert_int_equal(row.count, 2);
                    assert_int_equal(row.fields[1].len, 1);
                    assert_int_equal(row.fields[1].column, len + 2);
                } else {
                    assert_int_equal(row.count, 1);
                    if (s < sizeof stops) {
                        assert_int_equal(csv_read_row(r, &row), 1);
                        assert_int_equal(row.line, 2);
                        assert_int_equal(row.fields[0].len, 1);
                    }
                }
            }
            close_reader(r, buf);
        }
    }
}

static void test_field_array_grows_and_is_reused(void **state)
{
    (void)state;
    enum { N = 1000 };
    char *src = malloc(N * 6 + 16);
    assert_non_null(src);
    size_t len = 0;
    unsigned cols[N];
    for (int i = 0; i < N; i++) {
        cols[i] = (unsigned)len + 1;
        len += (size_t)sprintf(src + len, i + 1 < N ? "%d," : "%d\n", i);
    }
    len += (size_t)sprintf(src + len, "p,q\n");
    char *buf;
    CsvReader *r = open_reader(src, len, &buf);
    CsvRow row;
    next_row(r, &row, 1, N);
    for (int i = 0; i < N; i++) {
        char want[16];
        sprintf(want, "%d", i);
        check_field(&row, (size_t)i, want, 1, cols[i]);
    }
    next_row(r, &row, 2, 2);
    check_field(&row, 0, "p", 2, 1);
    check_field(&row, 1, "q", 2, 3);
    expect_end(r);
    close_reader(r, buf);
    free(src);
}

/* --- large generated round trip ------------------------------------------------ */

enum { BIG_ROWS = 100000, BIG_COLS = 5 };

/* Writes the expected text of field (row, col) into out (at least 64 bytes) and
 * returns its length; kinds vary with the row so every shape appears often. */
static size_t big_value(unsigned row, unsigned col, char *out)
{
    switch ((row + col) % 7) {
    case 0: return (size_t)sprintf(out, "user%u", row);
    case 1: return (size_t)sprintf(out, "%u,%u", row, col);          /* needs quotes */
    case 2: return (size_t)sprintf(out, "say \"hi\" %u", row);       /* doubled quotes */
    case 3: return (size_t)sprintf(out, "line1\nline2 %u", row);     /* embedded LF */
    case 4: return 0;                                                /* empty */
    case 5: return (size_t)sprintf(out, "a\r\nb%u", col);            /* embedded CRLF */
    default: return (size_t)sprintf(out, "%u.%02u", row * 31u, col); /* plain number */
    }
}

/* Counts the line ends (CRLF, LF, lone CR) in s[0..len). */
static unsigned count_line_ends(const char *s, size_t len)
{
    unsigned n = 0;
    for (size_t i = 0; i < len; i++) {
        if (s[i] == '\n') n++;
        else if (s[i] == '\r' && !(i + 1 < len && s[i + 1] == '\n')) n++;
    }
    return n;
}

/* Encodes BIG_ROWS rows of every shape, reads them back and checks each field, its
 * line and column; with readonly, through csv_reader_new_const, which must leave the
 * bytes as they were (fields there are not terminated). */
static void round_trip(int readonly)
{
    size_t cap = (size_t)BIG_ROWS * BIG_COLS * 80;
    char *src = malloc(cap);
    unsigned *lines = malloc(sizeof(unsigned) * BIG_ROWS * BIG_COLS);
    unsigned *cols = malloc(sizeof(unsigned) * BIG_ROWS * BIG_COLS);
    unsigned *row_lines = malloc(sizeof(unsigned) * BIG_ROWS);
    assert_non_null(src);
    assert_non_null(lines);
    assert_non_null(cols);
    assert_non_null(row_lines);

    /* Encode, recording where each field must start. */
    size_t len = 0, line_start = 0;
    unsigned line = 1;
    memcpy(src, "\xEF\xBB\xBF", 3);
    len = line_start = 3;
    for (unsigned r = 0; r < BIG_ROWS; r++) {
        row_lines[r] = line;
        for (unsigned c = 0; c < BIG_COLS; c++) {
            char v[64];
            size_t n = big_value(r, c, v);
            lines[r * BIG_COLS + c] = line;
            cols[r * BIG_COLS + c] = (unsigned)(len - line_start + 1);
            int quote = memchr(v, ',', n) || memchr(v, '"', n) || memchr(v, '\n', n)
                        || memchr(v, '\r', n);
            if (quote) src[len++] = '"';
            for (size_t i = 0; i < n; i++) {
                if (v[i] == '"') src[len++] = '"';
                src[len++] = v[i];
                if (v[i] == '\n' || (v[i] == '\r' && !(i + 1 < n && v[i + 1] == '\n'))) {
                    line++;
                    line_start = len;
                }
            }
            if (quote) src[len++] = '"';
            if (c + 1 < BIG_COLS) src[len++] = ',';
        }
        if (r + 1 < BIG_ROWS) {                   /* last row: no line end */
            if (r % 3 == 0) src[len++] = '\r';
            src[len++] = '\n';
            line++;
            line_start = len;
            if (r % 1000 == 999) {                /* an empty line now and then */
                src[len++] = '\n';
                line++;
                line_start = len;
            }
        }
        assert_true(len + 200 < cap);
    }

    char *buf;
    CsvReader *reader;
    if (readonly) {
        buf = malloc(len + 1);
        assert_non_null(buf);
        memcpy(buf, src, len);
        buf[len] = '\0';
        reader = csv_reader_new_const(buf, len);
        assert_non_null(reader);
    } else {
        reader = open_reader(src, len, &buf);
    }
    CsvRow row;
    unsigned seen_lines = 0;
    for (unsigned r = 0; r < BIG_ROWS; r++) {
        assert_int_equal(csv_read_row(reader, &row), 1);
        assert_int_equal(row.line, row_lines[r]);
        assert_int_equal(row.count, BIG_COLS);
        for (unsigned c = 0; c < BIG_COLS; c++) {
            char v[64];
            size_t n = big_value(r, c, v);
            const CsvField *f = &row.fields[c];
            assert_int_equal(f->len, n);
            assert_memory_equal(f->text, v, n);
            if (!readonly) assert_int_equal(f->text[n], '\0');
            assert_int_equal(f->line, lines[r * BIG_COLS + c]);
            assert_int_equal(f->column, cols[r * BIG_COLS + c]);
            seen_lines += count_line_ends(f->text, f->len);
        }
    }
    expect_end(reader);
    assert_true(seen_lines > BIG_ROWS / 2);       /* the multi-line shapes did occur */
    /* the last field ends on the last line of the input */
    const CsvField *last = &row.fields[BIG_COLS - 1];
    assert_int_equal(last->line + count_line_ends(last->text, last->len), line);
    if (readonly) assert_memory_equal(buf, src, len);   /* not a byte written */

    close_reader(reader, buf);
    free(src);
    free(lines);
    free(cols);
    free(row_lines);
}

static void test_large_round_trip(void **state)
{
    (void)state;
    round_trip(0);
}

static void test_const_round_trip_writes_nothing(void **state)
{
    (void)state;
    round_trip(1);
}

/* A const reader's unescaped copy stays valid after later rows are read. */
static void test_const_copies_outlive_rows(void **state)
{
    (void)state;
    static const char src[] = "\"a\"\"b\",x\nc,d\n";
    CsvReader *r = csv_reader_new_const(src, sizeof src - 1);
    assert_non_null(r);
    CsvRow row;
    next_row(r, &row, 1, 2);
    const char *first = row.fields[0].text;
    assert_int_equal(row.fields[0].len, 3);
    next_row(r, &row, 2, 2);
    assert_memory_equal(first, "a\"b", 3);
    assert_int_equal(row.fields[1].len, 1);
    assert_int_equal(row.fields[1].text[0], 'd');
    expect_end(r);
    csv_reader_free(r);
    char bad[3] = { 'a', 'b', 'c' };
    assert_null(csv_reader_new_const(bad, 2));   /* data[len] must be NUL */
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_simple_rows),
        cmocka_unit_test(test_const_round_trip_writes_nothing),
        cmocka_unit_test(test_const_copies_outlive_rows),
        cmocka_unit_test(test_fields_point_into_buffer),
        cmocka_unit_test(test_quoted_commas_quotes_newlines),
        cmocka_unit_test(test_quoted_unescape_many),
        cmocka_unit_test(test_quoted_crlf_kept_verbatim),
        cmocka_unit_test(test_bom_skipped),
        cmocka_unit_test(test_bom_only_at_start),
        cmocka_unit_test(test_crlf),
        cmocka_unit_test(test_mixed_line_ends),
        cmocka_unit_test(test_no_final_newline),
        cmocka_unit_test(test_empty_lines_skipped),
        cmocka_unit_test(test_whitespace_line_is_a_row),
        cmocka_unit_test(test_empty_input),
        cmocka_unit_test(test_empty_fields),
        cmocka_unit_test(test_single_empty_quoted_field_is_a_row),
        cmocka_unit_test(test_byte_columns),
        cmocka_unit_test(test_line_numbers_after_multiline_field),
        cmocka_unit_test(test_error_unterminated_quote),
        cmocka_unit_test(test_error_after_closing_quote),
        cmocka_unit_test(test_error_quote_in_unquoted_field),
        cmocka_unit_test(test_error_nul_byte),
        cmocka_unit_test(test_no_error_before_failure),
        cmocka_unit_test(test_stop_byte_at_every_offset),
        cmocka_unit_test(test_field_array_grows_and_is_reused),
        cmocka_unit_test(test_large_round_trip),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
