/* csv.h — RFC 4180 reader over a whole file held in memory.
 *
 * Written by hand rather than taken from a library: it parses in place (no copy of
 * unquoted fields, quoted fields unescaped where they stand), keeps the line and
 * column of every field for error messages, and is the hot path of loading a tenant
 * of a million users (see docs/PERFORMANCE.md).
 *
 * Ownership: the caller owns the buffer; the reader writes into it (NUL terminators,
 * unescaped quotes), so it must be writable and hold len + 1 bytes. Fields point into
 * the buffer and stay valid as long as the buffer does. The reader owns only its
 * field array, freed by csv_reader_free.
 *
 * Accepted: a UTF-8 byte-order mark at the very start (skipped), CRLF or LF line ends
 * (mixed too), a last line with or without a line end, completely empty lines
 * (skipped). Rejected, with a line and column: a quoted field that never ends, a
 * character after a closing quote other than a comma or line end, a quote inside an
 * unquoted field, a NUL byte.
 */
#ifndef SKULD_CSV_H
#define SKULD_CSV_H

#include <stddef.h>
#include <stdio.h>

typedef struct {
    const char *text;   /* unquoted; NUL-terminated in the caller's buffer (csv_reader_new), or
                           not terminated (csv_reader_new_const: use len) */
    size_t len;
    unsigned line;      /* 1-based line where the field starts */
    unsigned column;    /* 1-based byte column where the field starts (its quote, if quoted) */
} CsvField;

typedef struct {
    CsvField *fields;   /* owned by the reader; valid until the next csv_read_row */
    size_t count;
    unsigned line;      /* line where the row starts */
} CsvRow;

typedef struct CsvReader CsvReader;

/* A reader over data[0..len); data[len] must exist and be writable. NULL on no memory. */
CsvReader *csv_reader_new(char *data, size_t len);
/* A reader that never writes to data (a read-only file mapping): data[len] must be a
 * readable NUL. Its fields are NOT NUL-terminated (use len); a quoted field holding ""
 * is an unescaped copy owned by the reader (freed with it). NULL on no memory or
 * when data[len] is not NUL. */
CsvReader *csv_reader_new_const(const char *data, size_t len);
void csv_reader_free(CsvReader *reader);

/* Points a reader made by csv_reader_new at the next window of a file read in pieces
 * (csvstream.h): data[0..len) starts a line, the file's line `line`, and data[len] is
 * written as with csv_reader_new; no byte-order mark is skipped. Fields of the
 * earlier window are gone. The reader must not have failed. */
void csv_reader_next_window(CsvReader *reader, char *data, size_t len, unsigned line);
/* The line of the next byte to parse: after a window's last row, the line the next
 * window starts. */
unsigned csv_reader_line(const CsvReader *reader);

/* Reads the next row into *row: 1 = a row, 0 = end of input, -1 = malformed input
 * (then csv_reader_error tells what and where; every later call returns -1). */
int csv_read_row(CsvReader *reader, CsvRow *row);

/* The message of the last error (one sentence, no location), and its place. */
const char *csv_reader_error(const CsvReader *reader, unsigned *line, unsigned *column);

/* Writes one field of a CSV row (RFC 4180 quoting where needed). */
void csv_write_field(FILE *out, const char *s);

#endif
