/* csvstream.h — a CSV file read in windows of whole rows, never held whole.
 *
 * For the largest input, members.csv (140 MB at a million users), whose fields are
 * looked up and dropped: reading it with read() into one buffer that is used again
 * and again costs a copy of each byte, where a mapping of the file costs a trap on the
 * first touch of each page, twice the time on this project's machines
 * (docs/PERFORMANCE.md), and the file's pages stay out of the process's memory.
 *
 * Each window ends after the last line end ('\n', or a lone '\r') that lies outside
 * quotes (an even count of quotes before it in the window), so rows, quoted fields and
 * UTF-8 sequences are never cut; a row longer than the window makes it grow. A stray
 * quote (outside quotes, not starting a field) ends the window right after it: the
 * reader stops there with an error, and the window need not grow to the end of the
 * file for a line end that would never count. A window is checked as UTF-8 and
 * parsed by csv.h's reader. The result is the one csv.h gives
 * for the whole file: the same rows, lines and columns, and the same first error.
 * Only its order differs: a file that is not UTF-8 is found so at the window that
 * holds the bad byte, after the rows before it were read; and where the whole-file
 * check reports a bad byte even when the CSV breaks before it, a caller that stops
 * early (a CSV error, a bad header) learns of it from csv_stream_check_rest. A caller
 * that must match the whole-file order calls that when done with the rows, and takes
 * back what it said about them when the error is CSV_STREAM_BAD_UTF8 or _IO.
 *
 * Ownership: the stream owns its descriptor, buffer and reader; fields point into
 * the buffer and stay valid until the window changes (csv_stream_read_row says
 * when). csv_stream_close releases everything.
 */
#ifndef SKULD_CSVSTREAM_H
#define SKULD_CSVSTREAM_H

#include <stddef.h>
#include "csv.h"

typedef struct CsvStream CsvStream;

typedef enum {
    CSV_STREAM_NO_ERROR,
    CSV_STREAM_BAD_CSV,     /* malformed CSV: csv.h's message */
    CSV_STREAM_BAD_UTF8,    /* "invalid UTF-8 (byte 0xNN)"; the place as util.h's text_position */
    CSV_STREAM_IO           /* a read failed, or the file shrank: line and column 0 */
} CsvStreamErrorKind;

typedef struct {
    CsvStreamErrorKind kind;
    const char *message;    /* one sentence, no place */
    unsigned line, column;
} CsvStreamError;

/* Opens path (a regular file of at most max_bytes, 0 = no limit) to be read in
 * windows of `window` bytes or more. NULL with errbuf set on failure (the messages
 * of source.h's file_open_regular, and "... is larger than the limit of N bytes").
 * The file is read at the size it has now: bytes it gains meanwhile are not read,
 * and one that shrinks is an error. */
CsvStream *csv_stream_open(const char *path, size_t max_bytes, size_t window, char *errbuf, size_t errlen);
void csv_stream_close(CsvStream *s);

/* The file's size when it was opened: a hint for sizing what its rows fill. */
size_t csv_stream_size(const CsvStream *s);

enum { CSV_STREAM_WINDOW_END = 2 };

/* Reads the next row: 1 = a row, 0 = end of the file, -1 = an error (csv_stream_error;
 * every later call returns -1), CSV_STREAM_WINDOW_END = no row: the next call moves
 * to the next window, and the fields of every row read so far are gone then. A CSV
 * error leaves the rest of the file unread (and the rows' fields valid). */
int csv_stream_read_row(CsvStream *s, CsvRow *row);

/* Checks the rest of the file as UTF-8 without parsing it, for a caller done with the
 * rows (after a CSV error, an error of its own, or the end: the whole-file check
 * would have found a bad byte anywhere first). -1 when a bad byte or a read error is
 * found (now the stream's error), else 0 (a CSV error stays the error). The fields of
 * the rows read are gone after it, and no row is read after it. */
int csv_stream_check_rest(CsvStream *s);

/* The error that ended the stream (kind CSV_STREAM_NO_ERROR if none). */
const CsvStreamError *csv_stream_error(const CsvStream *s);

#endif
