/* csvstream.c — a CSV file read in windows of whole rows; see include/csvstream.h.
 *
 * The buffer holds cap + 1 bytes: [0, window) is being parsed, with a NUL sentinel
 * over buf[window] (the byte it replaced is kept in `saved` and put back when the
 * window is done); [window, filled) is the start of the next window, moved to the
 * front before more is read behind it.
 */
#include "csvstream.h"
#include "source.h"
#include "util.h"

#include <errno.h>
#include <limits.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

struct CsvStream {
    int fd;
    char *path;
    char *buf;
    size_t cap;                 /* bytes a window may hold (buf has one more) */
    size_t filled;              /* bytes in buf */
    size_t window;              /* [0, window): the rows being parsed */
    char saved;                 /* buf[window] under the sentinel */
    int at_eof;                 /* the file's size at open has been read */
    int last_window;            /* the window reaches the end of the file */
    int in_window;              /* rows of the window are being read */
    int done;                   /* the end of the file was returned */
    size_t total;               /* bytes read from the file */
    size_t size;                /* the file's size when opened: the bytes read */
    size_t newlines;            /* '\n' bytes before buf[0] */
    size_t line_bytes;          /* bytes between the last '\n' before buf[0] and buf[0]
                                   (a window may start after a lone '\r') */
    size_t next_line_bytes;     /* the same for the next window */
    size_t window_newlines;     /* '\n' bytes in [0, window) */
    CsvReader *reader;          /* made at the first window, pointed at each next one */
    CsvStreamError err;
    char message[4200];         /* err.message when formatted here (it names the path) */
};

CsvStream *csv_stream_open(const char *path, size_t max_bytes, size_t window, char *errbuf, size_t errlen)
{
    struct stat st;
    int fd = file_open_regular(path, &st, errbuf, errlen);
    if (fd < 0) return NULL;
    if (max_bytes && (size_t)st.st_size > max_bytes) {
        snprintf(errbuf, errlen, "'%s' is larger than the limit of %zu bytes", path, max_bytes);
        close(fd);
        return NULL;
    }
    CsvStream *s = calloc(1, sizeof *s);
    if (!s) fatal_oom();
    s->fd = fd;
    s->cap = window ? window : 1;
    s->size = (size_t)st.st_size;
    if (!(s->path = str_ndup(path, strlen(path))) || !(s->buf = malloc(s->cap + 1))) fatal_oom();
    return s;
}

void csv_stream_close(CsvStream *s)
{
    if (!s) return;
    close(s->fd);
    csv_reader_free(s->reader);
    free(s->buf);
    free(s->path);
    free(s);
}

size_t csv_stream_size(const CsvStream *s)
{
    return s->size;
}

const CsvStreamError *csv_stream_error(const CsvStream *s)
{
    return &s->err;
}

static int stream_fail(CsvStream *s, CsvStreamErrorKind kind, unsigned line, unsigned column, const char *fmt, ...)
    __attribute__((format(printf, 5, 6)));

static int stream_fail(CsvStream *s, CsvStreamErrorKind kind, unsigned line, unsigned column, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(s->message, sizeof s->message, fmt, ap);
    va_end(ap);
    s->err = (CsvStreamError){ kind, s->message, line, column };
    return -1;
}

/* Reads until the buffer is full or the file's size at open is reached (a file that
 * grows meanwhile is read at the size it had, as a mapped one). 0, or -1 (an error
 * recorded: a read error, or a file that shrank). */
static int fill(CsvStream *s)
{
    while (s->filled < s->cap && s->total < s->size) {
        size_t want = s->cap - s->filled, left = s->size - s->total;
        ssize_t got = read(s->fd, s->buf + s->filled, want < left ? want : left);
        if (got < 0) {
            if (errno == EINTR) continue;
            return stream_fail(s, CSV_STREAM_IO, 0, 0, "cannot read '%s': %s", s->path, strerror(errno));
        }
        if (got == 0)
            return stream_fail(s, CSV_STREAM_IO, 0, 0, "the file changed (it shrank) while it was being read");
        s->filled += (size_t)got;
        s->total += (size_t)got;
    }
    s->at_eof = s->total == s->size;
    return 0;
}

/* The end of the whole lines of b[0..n): after the last line end, or 0 when there is
 * none. A line end is a '\n', or a lone '\r' (one whose next byte is here and is not
 * '\n'). With quotes set, only a line end outside quotes counts: one after an even
 * number of quotes ("" escapes come in pairs, and b starts outside quotes); and a
 * quote outside quotes that does not start a field (a stray one, which the reader
 * stops at as an error) ends the window right after it, since no later line end would
 * count and the window would grow to the end of the file. */
static size_t lines_end(const char *b, size_t n, int quotes)
{
    size_t end = 0, from = 0;
    int inside = 0;
    for (;;) {
        const char *q = quotes ? memchr(b + from, '"', n - from) : NULL;
        size_t upto = q ? (size_t)(q - b) : n;
        if (!inside)
            for (size_t i = upto; i > from; i--)
                if (b[i - 1] == '\n' || (b[i - 1] == '\r' && i < n && b[i] != '\n')) {
                    end = i;
                    break;
                }
        if (!q) return end;
        if (!inside && upto > 0 && !memchr(",\n\r\"", b[upto - 1], 4)) return upto + 1;   /* stray */
        inside = !inside;
        from = upto + 1;
    }
}

/* Moves the bytes after the last window to the front and reads behind them until
 * the buffer holds a whole line (a whole row with quotes set) or the file ends, then
 * checks the new window as UTF-8. 0, or -1 (an error recorded). */
static int next_window(CsvStream *s, int quotes)
{
    size_t rest = s->filled - s->window;
    s->line_bytes = s->next_line_bytes;
    memmove(s->buf, s->buf + s->window, rest);
    s->filled = rest;
    s->newlines += s->window_newlines;
    s->window = s->window_newlines = 0;
    for (;;) {
        if (fill(s) < 0) return -1;
        s->buf[s->filled] = '\0';   /* (the sentinel's place when the window is all of it) */
        s->window = s->at_eof ? s->filled : lines_end(s->buf, s->filled, quotes);
        if (s->window > 0 || s->at_eof) break;
        /* a row longer than the buffer: make room for more of it */
        if (s->cap > (SIZE_MAX - 1) / 2) fatal_oom();
        char *grown = realloc(s->buf, s->cap * 2 + 1);
        if (!grown) fatal_oom();
        s->buf = grown;
        s->cap *= 2;
    }
    s->last_window = s->at_eof && s->window == s->filled;
    size_t i = s->window;   /* (counted now: the reader writes over the line ends it passes) */
    while (i > 0 && s->buf[i - 1] != '\n') i--;
    s->next_line_bytes = i > 0 ? s->window - i : s->line_bytes + s->window;
    size_t bad;
    if (!utf8_valid_lines(s->buf, s->window, &bad, &s->window_newlines)) {
        int line, column;
        text_position(s->buf, bad, &line, &column);
        if (line == 1)   /* the window starts after a lone '\r': text_position counts on from the '\n' before */
            column = s->line_bytes > (size_t)(INT_MAX - column) ? INT_MAX : column + (int)s->line_bytes;
        size_t at = s->newlines + (size_t)line;
        return stream_fail(s, CSV_STREAM_BAD_UTF8, at > INT_MAX ? INT_MAX : (unsigned)at, (unsigned)column,
                           "invalid UTF-8 (byte 0x%02x)", (unsigned char)s->buf[bad]);
    }
    return 0;
}

/* Done with the window's rows: the byte under the sentinel comes back. */
static void end_window(CsvStream *s)
{
    if (!s->in_window) return;
    s->buf[s->window] = s->saved;
    s->in_window = 0;
}

int csv_stream_check_rest(CsvStream *s)
{
    if (s->err.kind == CSV_STREAM_BAD_UTF8 || s->err.kind == CSV_STREAM_IO) return -1;
    end_window(s);
    CsvStreamError before = s->err;   /* none, or the CSV error that stopped the reading */
    s->err.kind = CSV_STREAM_NO_ERROR;
    s->done = 1;
    while (!s->last_window)   /* whole lines are enough: no UTF-8 sequence crosses a '\n' */
        if (next_window(s, 0) < 0) return -1;
    s->err = before;
    return 0;
}

int csv_stream_read_row(CsvStream *s, CsvRow *row)
{
    row->count = 0;
    if (s->err.kind != CSV_STREAM_NO_ERROR) return -1;
    if (s->done) return 0;
    if (!s->in_window) {
        if (next_window(s, 1) < 0) return -1;
        s->saved = s->buf[s->window];
        if (!s->reader) {
            if (!(s->reader = csv_reader_new(s->buf, s->window))) fatal_oom();
        } else {
            csv_reader_next_window(s->reader, s->buf, s->window, csv_reader_line(s->reader));
        }
        s->in_window = 1;
    }
    int rc = csv_read_row(s->reader, row);
    if (rc == 1) return 1;
    end_window(s);
    if (rc < 0) {
        unsigned line, column;
        const char *why = csv_reader_error(s->reader, &line, &column);
        s->err = (CsvStreamError){ CSV_STREAM_BAD_CSV, why, line, column };
        return -1;
    }
    if (s->last_window) {
        s->done = 1;
        return 0;
    }
    return CSV_STREAM_WINDOW_END;
}
