/* Unit tests for CSV read in windows (src/csvstream.c, include/csvstream.h): for
 * every input below and every window size from 1 to 48 bytes (and the size the
 * loader uses), the stream must give what csv.h's reader gives over the whole file:
 * the same rows, fields, lines and columns, and the same first error at the same
 * place; a file that is not UTF-8 must be reported at its first bad byte, placed as
 * util.h's text_position places it, whatever CSV error comes before it. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "csv.h"
#include "csvstream.h"
#include "util.h"

/* Each input with its length (one holds a NUL). */
#define IN(lit) { (lit), sizeof(lit) - 1 }
static const struct { const char *text; size_t len; } inputs[] = {
    IN(""),
    IN("\n\n\n"),
    IN("a,b\n"),
    IN("a,b"),
    IN("group,member\nSales,alice@contoso.com\nSales,bob@contoso.com\n"),
    IN("\xEF\xBB\xBFgroup,member\nSales,alice\n"),                       /* a byte-order mark */
    IN("h1,h2\r\nx,y\r\n\r\nz,w\r\n"),                                    /* CRLF, an empty line */
    IN("h1,h2\rx,y\rz,w"),                                                /* lone CRs only */
    IN("h1,h2\rx,y\rz,\xFF\r"),                                          /* its bad byte's column */
    IN("h1,h2\r\nx,y\rz,\xC3\r\nw,\xC3(\n"),
    IN("h1,h2\n\"a\nb\",c\n\"d\"\"e\",\"f\r\ng\"\nlast,row"),            /* quoted line ends, "" */
    IN("h,\"quoted, with comma\"\n\"\",\"\"\"\"\n,\n"),
    IN("h1,h2\n\"never ends,x\ny,z\n"),                                   /* CSV errors ... */
    IN("h1,h2\nab\"c,d\n"),
    IN("h1,h2\nSal\"es,x\nmore,rows\n\"a\",\"b\"\n"),                   /* stray quotes */
    IN("h1,h2\n\"a\" \"b\",c\nd,e\n"),
    IN("h1,h2\n\"a\"\"\",\"\"\"b\"\nx\"y,z\n"),
    IN("h1,h2\n\"ab\"c,d\n"),
    IN("h1,h2\nok,row\nnul\0here,x\n"),
    IN("h1,h2\n\xC3\xA9t\xC3\xA9,\xE2\x82\xAC\n"),                        /* UTF-8 */
    IN("h1,h2\nfine,row\nbad,\xC3\n"),                                    /* ... and not UTF-8 */
    IN("h1,h2\n\"unterminated\nmore,\xFF\n"),                             /* CSV error, bad byte later */
    IN("h1,h2\nab\"c,d\nmore\nand,\xE2\x82\n"),
    IN("\xFF"),
    IN("h1,h2\n\"a\n\n\nlong quoted field spanning lines, longer than many windows\n\",z\n"),
};

/* One row as text: "line:col=field|..." with the row's line first. */
static void describe(const CsvRow *row, char *out, size_t cap)
{
    size_t n = (size_t)snprintf(out, cap, "%u:", row->line);
    for (size_t i = 0; i < row->count && n < cap; i++)
        n += (size_t)snprintf(out + n, cap - n, "%u.%u=%.*s|", row->fields[i].line, row->fields[i].column,
                              (int)row->fields[i].len, row->fields[i].text);
}

typedef struct {
    char rows[64][256];
    size_t nrows;
    int failed;             /* 0 none, 1 CSV error, 2 not UTF-8 */
    char message[128];
    unsigned line, column;
} Outcome;

/* What the whole-file path says: UTF-8 first, then csv.h's reader. */
static void whole(const char *src, size_t len, Outcome *o)
{
    memset(o, 0, sizeof *o);
    size_t bad;
    if (!utf8_valid(src, len, &bad)) {
        int line, column;
        text_position(src, bad, &line, &column);
        o->failed = 2;
        snprintf(o->message, sizeof o->message, "invalid UTF-8 (byte 0x%02x)", (unsigned char)src[bad]);
        o->line = (unsigned)line;
        o->column = (unsigned)column;
        return;
    }
    char *buf = malloc(len + 1);
    assert_non_null(buf);
    memcpy(buf, src, len);
    CsvReader *r = csv_reader_new(buf, len);
    assert_non_null(r);
    CsvRow row;
    int rc;
    while ((rc = csv_read_row(r, &row)) == 1) {
        assert_true(o->nrows < 64);
        describe(&row, o->rows[o->nrows++], sizeof o->rows[0]);
    }
    if (rc < 0) {
        o->failed = 1;
        snprintf(o->message, sizeof o->message, "%s", csv_reader_error(r, &o->line, &o->column));
    }
    csv_reader_free(r);
    free(buf);
}

static char path[64];

static void write_file(const char *src, size_t len)
{
    strcpy(path, "/tmp/skuld-csvstream-XXXXXX");
    int fd = mkstemp(path);
    assert_true(fd >= 0);
    assert_int_equal(write(fd, src, len), (ssize_t)len);
    close(fd);
}

/* Writes src to a new file and opens a stream over it with windows of `window` bytes. */
static CsvStream *open_over(const char *src, size_t window)
{
    write_file(src, strlen(src));
    char err[256];
    CsvStream *s = csv_stream_open(path, 0, window, err, sizeof err);
    assert_non_null(s);
    return s;
}

/* Closes a stream of open_over and removes its file. */
static void close_over(CsvStream *s)
{
    csv_stream_close(s);
    unlink(path);
}

/* Reads to the end, which must come without an error: the rows, and through *ends the
 * window ends on the way. */
static int count_rows(CsvStream *s, int *ends)
{
    CsvRow row;
    int rows = 0, rc;
    *ends = 0;
    while ((rc = csv_stream_read_row(s, &row)) != 0) {
        assert_true(rc == 1 || rc == CSV_STREAM_WINDOW_END);
        if (rc == 1) rows++;
        else (*ends)++;
    }
    return rows;
}

/* What the stream says with windows of `window` bytes. */
static void streamed(size_t window, Outcome *o)
{
    memset(o, 0, sizeof *o);
    char err[256];
    CsvStream *s = csv_stream_open(path, 0, window, err, sizeof err);
    assert_non_null(s);
    CsvRow row;
    int rc;
    while ((rc = csv_stream_read_row(s, &row)) != 0) {
        if (rc == CSV_STREAM_WINDOW_END) continue;
        if (rc < 0) {
            assert_int_equal(csv_stream_read_row(s, &row), -1);   /* it stays failed */
            csv_stream_check_rest(s);   /* a bad byte after a CSV error comes first */
            const CsvStreamError *e = csv_stream_error(s);
            o->failed = e->kind == CSV_STREAM_BAD_UTF8 ? 2 : 1;
            assert_true(e->kind == CSV_STREAM_BAD_UTF8 || e->kind == CSV_STREAM_BAD_CSV);
            snprintf(o->message, sizeof o->message, "%s", e->message);
            o->line = e->line;
            o->column = e->column;
            break;
        }
        assert_true(o->nrows < 64);
        describe(&row, o->rows[o->nrows++], sizeof o->rows[0]);
    }
    csv_stream_close(s);
}

static void check_input(const char *src, size_t len)
{
    Outcome want, got;
    whole(src, len, &want);
    write_file(src, len);
    static const size_t big[] = { 256 << 10 };
    for (size_t w = 1; w <= 49; w++) {
        size_t window = w <= 48 ? w : big[0];
        streamed(window, &got);
        if (want.failed == 2) {
            /* the rows before the bad byte may have been read; the error is the point */
            assert_int_equal(got.failed, 2);
        } else {
            assert_int_equal(got.failed, want.failed);
            assert_int_equal(got.nrows, want.nrows);
            for (size_t i = 0; i < want.nrows; i++) assert_string_equal(got.rows[i], want.rows[i]);
        }
        assert_string_equal(got.message, want.message);
        assert_int_equal(got.line, want.line);
        assert_int_equal(got.column, want.column);
    }
    unlink(path);
}

static void test_every_input_every_window(void **state)
{
    (void)state;
    for (size_t i = 0; i < sizeof inputs / sizeof inputs[0]; i++) check_input(inputs[i].text, inputs[i].len);
}

/* Many rows with quoted line ends in varying places cross window edges everywhere. */
static void test_long_file(void **state)
{
    (void)state;
    size_t cap = 1 << 16, len = 0;
    char *src = malloc(cap);
    assert_non_null(src);
    len += (size_t)snprintf(src, cap, "group,member\n");
    for (int i = 0; len + 64 < cap && i < 40; i++) {
        if (i % 7 == 3) len += (size_t)snprintf(src + len, cap - len, "\"G\n%d\",\"m\"\"%d\"\r\n", i, i);
        else len += (size_t)snprintf(src + len, cap - len, "G%d,user%d@contoso.com\n", i % 3, i);
    }
    check_input(src, len);
    free(src);
}

/* The stream says where the rows' window ends, and the file's size. */
static void test_window_ends_and_size(void **state)
{
    (void)state;
    const char *src = "h\na\nb\nc\n";
    CsvStream *s = open_over(src, 4);
    assert_int_equal(csv_stream_size(s), strlen(src));
    int ends;
    assert_int_equal(count_rows(s, &ends), 4);
    assert_int_equal(ends, 1);   /* [h\na\n], then [b\nc\n] reaches the file's size */
    CsvRow row;
    assert_int_equal(csv_stream_read_row(s, &row), 0);
    close_over(s);
}

/* check_rest: a bad byte after the point where the caller stopped is found. */
static void test_check_rest(void **state)
{
    (void)state;
    CsvStream *s = open_over("h1,h2\nfine,row\nmore,rows\nbad,\xC3(\n", 8);
    CsvRow row;
    while (csv_stream_read_row(s, &row) != 1) continue;   /* the header */
    assert_int_equal(csv_stream_check_rest(s), -1);
    const CsvStreamError *e = csv_stream_error(s);
    assert_int_equal(e->kind, CSV_STREAM_BAD_UTF8);
    assert_int_equal(e->line, 4);
    assert_int_equal(e->column, 5);
    close_over(s);
    s = open_over("h1,h2\nfine,row\n", 8);
    assert_int_equal(csv_stream_check_rest(s), 0);
    assert_int_equal(csv_stream_read_row(s, &row), 0);
    close_over(s);
}

/* A CSV error leaves the rows read before it where they are (the loader looks their
 * fields up after it), even with a bad byte later, which check_rest then finds. */
static void test_fields_survive_a_csv_error(void **state)
{
    (void)state;
    CsvStream *s = open_over("group,member\nSales,alice\n\"b\"x,y\nmore,rows\nlast,\xFF\n", 40);
    CsvRow row;   /* one window of 32 bytes: the header, alice's row and the broken one */
    assert_int_equal(csv_stream_read_row(s, &row), 1);
    assert_int_equal(csv_stream_read_row(s, &row), 1);
    const char *member = row.fields[1].text;
    size_t len = row.fields[1].len;
    assert_int_equal(csv_stream_read_row(s, &row), -1);
    assert_int_equal(csv_stream_error(s)->kind, CSV_STREAM_BAD_CSV);
    assert_int_equal(len, 5);
    assert_memory_equal(member, "alice", 5);   /* still there: nothing was read past the error */
    assert_int_equal(csv_stream_check_rest(s), -1);
    assert_int_equal(csv_stream_error(s)->kind, CSV_STREAM_BAD_UTF8);
    assert_int_equal(csv_stream_error(s)->line, 5);
    close_over(s);
}

/* A file that grows while it is read is read at its size at open; one that shrinks
 * is an error, not a short file. */
static void test_file_changes_while_read(void **state)
{
    (void)state;
    CsvStream *s = open_over("h\na\nb\n", 4);
    FILE *f = fopen(path, "a");
    assert_non_null(f);
    fputs("grown,row\n", f);
    fclose(f);
    int ends;
    assert_int_equal(count_rows(s, &ends), 3);
    close_over(s);
    s = open_over("h\na\nb\n", 4);
    assert_int_equal(truncate(path, 3), 0);
    CsvRow row;
    int rc;
    while ((rc = csv_stream_read_row(s, &row)) > 0) continue;
    assert_int_equal(rc, -1);
    assert_int_equal(csv_stream_error(s)->kind, CSV_STREAM_IO);
    assert_string_equal(csv_stream_error(s)->message, "the file changed (it shrank) while it was being read");
    close_over(s);
}

/* Opening: the messages of a file that cannot be read, or is too large. */
static void test_open_errors(void **state)
{
    (void)state;
    char err[256];
    assert_null(csv_stream_open("/nonexistent/members.csv", 0, 16, err, sizeof err));
    assert_non_null(strstr(err, "cannot open '/nonexistent/members.csv'"));
    assert_null(csv_stream_open("/tmp", 0, 16, err, sizeof err));
    assert_non_null(strstr(err, "is a directory"));
    write_file("h\nabc\n", 6);
    assert_null(csv_stream_open(path, 5, 16, err, sizeof err));
    assert_non_null(strstr(err, "is larger than the limit of 5 bytes"));
    unlink(path);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_every_input_every_window),
        cmocka_unit_test(test_long_file),
        cmocka_unit_test(test_window_ends_and_size),
        cmocka_unit_test(test_check_rest),
        cmocka_unit_test(test_fields_survive_a_csv_error),
        cmocka_unit_test(test_file_changes_while_read),
        cmocka_unit_test(test_open_errors),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
