/* csv.c — RFC 4180 reader, parsing in place; see include/csv.h for the contract.
 *
 * The whole input is in one writable buffer with data[len] as a NUL sentinel, so the
 * scanning loops need no bounds checks: every loop stops on a byte class that
 * includes NUL, and a NUL at data + len means "end of input" while a NUL anywhere
 * else is an error. Terminators are written only at or behind the scan position, so
 * the parser never reads back a byte it has overwritten.
 *
 * Line ends: "\r\n", "\n" and a lone "\r" each count as one line end, both between
 * rows and inside quoted fields (where they are kept verbatim in the field text).
 */
#include "csv.h"

#include <limits.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#ifdef __SSE2__
#include <emmintrin.h>
#endif

struct CsvReader {
    char *data;           /* caller's buffer; data[len] is kept as a NUL sentinel */
    char *end;            /* data + len */
    char *pos;            /* next byte to parse */
    char *line_start;     /* first byte of the current line, for columns */
    unsigned line;        /* current line, 1-based */
    CsvField *fields;     /* reused across rows, grows geometrically */
    size_t cap;
    int failed;           /* once set, every csv_read_row returns -1 */
    const char *err_msg;
    unsigned err_line;
    unsigned err_column;
    char empty[1];        /* stands in for the buffer when data is NULL and len 0 */
    int readonly;         /* csv_reader_new_const: fields are not terminated, nothing is written */
    char **copies;        /* readonly: unescaped copies of quoted fields with "" */
    size_t ncopies, copies_cap;
};

enum { STOP_NUL = 1, STOP_QUOTE = 2, STOP_COMMA = 3, STOP_LF = 4, STOP_CR = 5 };

/* Bytes that end a run of unquoted field text. */
static const unsigned char unquoted_stop[256] = {
    ['\0'] = STOP_NUL, ['"'] = STOP_QUOTE, [','] = STOP_COMMA,
    ['\n'] = STOP_LF, ['\r'] = STOP_CR,
};

/* Bytes that end a run of quoted field text (line ends are counted, NUL rejected). */
static const unsigned char quoted_stop[256] = {
    ['\0'] = STOP_NUL, ['"'] = STOP_QUOTE, ['\n'] = STOP_LF, ['\r'] = STOP_CR,
};

#define FIRST_CAPACITY 16

/* The 1-based byte column of p on the line starting at line_start, saturated at
 * UINT_MAX. */
static unsigned column_of(const char *line_start, const char *p)
{
    size_t col = (size_t)(p - line_start) + 1;
    return col > UINT_MAX ? UINT_MAX : (unsigned)col;
}

/* Increments a line number, saturating at UINT_MAX instead of wrapping. */
static unsigned next_line(unsigned line)
{
    return line == UINT_MAX ? line : line + 1;
}

/* Returns the address of the first byte at or after p whose class in table is
 * non-zero; the sentinel NUL at the end of the buffer guarantees one exists. */
static char *scan(const unsigned char *table, char *p)
{
    for (;;) {
        if (table[(unsigned char)p[0]]) return p;
        if (table[(unsigned char)p[1]]) return p + 1;
        if (table[(unsigned char)p[2]]) return p + 2;
        if (table[(unsigned char)p[3]]) return p + 3;
        p += 4;
    }
}

/* scan(unquoted_stop, p) for p before end: sixteen bytes a step while they lie before
 * the sentinel (never a read past it), then byte by byte. Unquoted fields are nearly
 * all of a tenant export's bytes; the step compares a block with each stop byte at once. */
static char *scan_unquoted(char *p, const char *end)
{
#ifdef __SSE2__
    const __m128i nul = _mm_setzero_si128(), quote = _mm_set1_epi8('"'), comma = _mm_set1_epi8(','),
                  lf = _mm_set1_epi8('\n'), cr = _mm_set1_epi8('\r');
    while (end - p >= 16) {
        __m128i v = _mm_loadu_si128((const __m128i *)(const void *)p);
        __m128i hit = _mm_or_si128(_mm_or_si128(_mm_cmpeq_epi8(v, nul), _mm_cmpeq_epi8(v, quote)),
                                   _mm_or_si128(_mm_cmpeq_epi8(v, comma),
                                                _mm_or_si128(_mm_cmpeq_epi8(v, lf), _mm_cmpeq_epi8(v, cr))));
        unsigned mask = (unsigned)_mm_movemask_epi8(hit);
        if (mask) return p + __builtin_ctz(mask);
        p += 16;
    }
#else
    (void)end;
#endif
    return scan(unquoted_stop, p);
}

/* Records the first error (message without location, and its line and column),
 * makes the reader fail from now on, and returns -1. */
static int fail(CsvReader *r, const char *msg, unsigned line, unsigned column)
{
    r->failed = 1;
    r->err_msg = msg;
    r->err_line = line;
    r->err_column = column;
    return -1;
}

/* Returns a free slot at the end of the field array (index count), doubling the
 * array when full; NULL on no memory or size overflow (the array is unchanged). */
static CsvField *field_slot(CsvReader *r, size_t count)
{
    if (count == r->cap) {
        size_t cap = r->cap ? r->cap : FIRST_CAPACITY;
        if (r->cap) {
            if (cap > SIZE_MAX / 2 / sizeof(CsvField)) return NULL;
            cap *= 2;
        }
        CsvField *grown = realloc(r->fields, cap * sizeof(CsvField));
        if (!grown) return NULL;
        r->fields = grown;
        r->cap = cap;
    }
    return &r->fields[count];
}

/* A reader over data[0..len); writes the NUL sentinel at data[len] and skips a
 * leading UTF-8 BOM. data may be NULL only when len is 0. NULL on no memory. */
CsvReader *csv_reader_new(char *data, size_t len)
{
    if (!data && len) return NULL;
    CsvReader *r = calloc(1, sizeof *r);
    if (!r) return NULL;
    r->data = data ? data : r->empty;
    r->end = r->data + len;
    if (*r->end != '\0') *r->end = '\0';   /* (a const buffer has its NUL already) */
    r->pos = r->data;
    if (len >= 3 && (unsigned char)r->data[0] == 0xEF
        && (unsigned char)r->data[1] == 0xBB && (unsigned char)r->data[2] == 0xBF)
        r->pos += 3;
    r->line_start = r->pos;    /* column 1 is the first byte after a BOM */
    r->line = 1;
    return r;
}

CsvReader *csv_reader_new_const(const char *data, size_t len)
{
    if (data && data[len] != '\0') return NULL;
    /* the reader only reads through data: the casts below never lead to a write */
    CsvReader *r = csv_reader_new(data ? (char *)data : NULL, data ? len : 0);
    if (r) r->readonly = 1;
    return r;
}

static void free_copies(CsvReader *r)
{
    for (size_t i = 0; i < r->ncopies; i++) free(r->copies[i]);
    r->ncopies = 0;
}

void csv_reader_next_window(CsvReader *r, char *data, size_t len, unsigned line)
{
    free_copies(r);
    r->data = data;
    r->end = data + len;
    *r->end = '\0';
    r->pos = r->line_start = data;   /* a window starts a line: no byte-order mark here */
    r->line = line;
    r->readonly = 0;
}

unsigned csv_reader_line(const CsvReader *r)
{
    return r->line;
}

/* Frees the reader and its field array (not the caller's buffer); NULL is a no-op. */
void csv_reader_free(CsvReader *reader)
{
    if (!reader) return;
    free_copies(reader);
    free(reader->copies);
    free(reader->fields);
    free(reader);
}

/* Parses the quoted field whose opening quote is at *pp, unescaping "" in place and
 * NUL-terminating the text; on success fills *f, leaves *pp on the byte after the
 * closing quote and returns 0; on malformed input records the error and returns -1.
 * Updates the reader's line and line start for line ends inside the field. */
static int parse_quoted_const(CsvReader *r, char **pp, CsvField *f);

static int parse_quoted(CsvReader *r, char **pp, CsvField *f)
{
    if (r->readonly) return parse_quoted_const(r, pp, f);
    char *q = *pp;                      /* the opening quote */
    unsigned q_line = r->line;
    unsigned q_column = column_of(r->line_start, q);
    char *p = q + 1;
    char *w = p;                        /* write position; == p until the first "" */
    f->text = p;
    f->line = q_line;
    f->column = q_column;
    for (;;) {
        char *run = p;
        p = scan(quoted_stop, p);
        if (w != run) memmove(w, run, (size_t)(p - run));
        w += p - run;
        switch (quoted_stop[(unsigned char)*p]) {
        case STOP_QUOTE:
            if (p[1] == '"') {          /* escaped quote */
                *w++ = '"';
                p += 2;
                continue;
            }
            *w = '\0';                  /* w <= p: inside the field */
            f->len = (size_t)(w - f->text);
            *pp = p + 1;
            return 0;
        case STOP_LF:
            *w++ = *p++;
            r->line = next_line(r->line);
            r->line_start = p;
            continue;
        case STOP_CR:
            *w++ = *p++;
            if (*p == '\n') *w++ = *p++;
            r->line = next_line(r->line);
            r->line_start = p;
            continue;
        default:                        /* NUL */
            if (p == r->end)
                return fail(r, "quoted field never ends", q_line, q_column);
            return fail(r, "NUL byte in data", r->line, column_of(r->line_start, p));
        }
    }
}

/* parse_quoted for a const buffer: the text stays where it is, unless it holds ""
 * escapes: then an unescaped copy holds it, kept as long as the reader (like the
 * buffer's own fields, it may be used after later rows are read). */
static int parse_quoted_const(CsvReader *r, char **pp, CsvField *f)
{
    char *q = *pp;
    unsigned q_line = r->line;
    unsigned q_column = column_of(r->line_start, q);
    char *p = q + 1;
    int escapes = 0;
    f->line = q_line;
    f->column = q_column;
    for (;;) {
        p = scan(quoted_stop, p);
        switch (quoted_stop[(unsigned char)*p]) {
        case STOP_QUOTE:
            if (p[1] == '"') {
                escapes++;
                p += 2;
                continue;
            }
            break;
        case STOP_LF:
            p++;
            r->line = next_line(r->line);
            r->line_start = p;
            continue;
        case STOP_CR:
            p++;
            if (*p == '\n') p++;
            r->line = next_line(r->line);
            r->line_start = p;
            continue;
        default:
            if (p == r->end) return fail(r, "quoted field never ends", q_line, q_column);
            return fail(r, "NUL byte in data", r->line, column_of(r->line_start, p));
        }
        break;
    }
    /* p: the closing quote */
    size_t raw = (size_t)(p - (q + 1));
    if (!escapes) {
        f->text = q + 1;
        f->len = raw;
    } else {
        if (r->ncopies == r->copies_cap) {
            size_t cap = r->copies_cap ? r->copies_cap * 2 : 4;
            char **grown = realloc(r->copies, cap * sizeof *grown);
            if (!grown) return fail(r, "out of memory", q_line, q_column);
            r->copies = grown;
            r->copies_cap = cap;
        }
        char *copy = malloc(raw + 1);
        if (!copy) return fail(r, "out of memory", q_line, q_column);
        size_t n = 0;
        for (const char *c = q + 1; c < p; c++) {
            copy[n++] = *c;
            if (*c == '"') c++;         /* "" -> " */
        }
        copy[n] = '\0';
        r->copies[r->ncopies++] = copy;
        f->text = copy;
        f->len = n;
    }
    *pp = p + 1;
    return 0;
}

/* Skips empty lines, then splits one record into r->fields, NUL-terminating each
 * field in the buffer; sets *count and *row_line. 1 = a row, 0 = end, -1 = error. */
static int parse_row(CsvReader *r, size_t *count_out, unsigned *row_line)
{
    char *p = r->pos;
    for (;;) {                          /* empty lines: "", "\r", or a lone "\r" */
        if (*p == '\n') {
            p++;
        } else if (*p == '\r') {
            p++;
            if (*p == '\n') p++;
        } else {
            break;
        }
        r->line = next_line(r->line);
        r->line_start = p;
    }
    r->pos = p;
    if (p == r->end) return 0;
    /* A NUL here is data (p < end), handled below as an unquoted field's stop byte. */

    *row_line = r->line;
    __builtin_prefetch(p + 1024);   /* the bytes are read once, in order: fetch across page ends too */
    size_t count = 0;
    int stop;
    for (;;) {
        CsvField *f = field_slot(r, count);
        if (!f)
            return fail(r, "out of memory", r->line, column_of(r->line_start, p));
        if (*p == '"') {
            if (parse_quoted(r, &p, f) != 0) return -1;
            stop = unquoted_stop[(unsigned char)*p];
            if (stop == STOP_NUL && p != r->end)
                return fail(r, "NUL byte in data", r->line, column_of(r->line_start, p));
            if (stop == 0 || stop == STOP_QUOTE)  /* a quote cannot follow: "" escapes */
                return fail(r, "unexpected character after closing quote", r->line,
                            column_of(r->line_start, p));
            /* the closing quote already holds the terminator; keep the delimiter */
        } else {
            f->text = p;
            f->line = r->line;
            f->column = column_of(r->line_start, p);
            p = scan_unquoted(p, r->end);
            stop = unquoted_stop[(unsigned char)*p];
            if (stop == STOP_QUOTE)
                return fail(r, "quote inside an unquoted field", r->line,
                            column_of(r->line_start, p));
            if (stop == STOP_NUL && p != r->end)
                return fail(r, "NUL byte in data", r->line, column_of(r->line_start, p));
            f->len = (size_t)(p - f->text);
            if (!r->readonly) *p = '\0';   /* over the delimiter, already classified */
        }
        count++;
        if (stop != STOP_COMMA) break;
        p++;
    }

    /* stop is the row's end: NUL (end of input), LF, or CR (maybe followed by LF). */
    if (stop == STOP_LF) {
        p++;
    } else if (stop == STOP_CR) {
        p++;
        if (*p == '\n') p++;
    }
    if (stop != STOP_NUL) {
        r->line = next_line(r->line);
        r->line_start = p;
    }
    r->pos = p;
    *count_out = count;
    return 1;
}

/* Reads the next row into *row (see csv.h): 1 = a row (count >= 1), 0 = end of
 * input (count 0), -1 = malformed input or no memory (count 0; the reader stays
 * failed). Fields stay valid until the next call. */
int csv_read_row(CsvReader *reader, CsvRow *row)
{
    size_t count = 0;
    unsigned line = reader->line;
    int rc = reader->failed ? -1 : parse_row(reader, &count, &line);
    row->fields = reader->fields;
    row->count = rc == 1 ? count : 0;
    row->line = line;
    return rc;
}

/* The message of the first error (NULL if there has been none) and, through line and
 * column when not NULL, its place (0 and 0 if there has been no error). */
const char *csv_reader_error(const CsvReader *reader, unsigned *line, unsigned *column)
{
    if (line) *line = reader->failed ? reader->err_line : 0;
    if (column) *column = reader->failed ? reader->err_column : 0;
    return reader->failed ? reader->err_msg : NULL;
}

/* Writes one field, quoted (with doubled quotes) when it holds a comma, a quote, a line
 * end, or spaces at either end; otherwise as it is. */
void csv_write_field(FILE *out, const char *s)
{
    size_t len = strlen(s);
    int quote = len && (s[0] == ' ' || s[len - 1] == ' ');
    for (size_t i = 0; i < len && !quote; i++)
        quote = s[i] == ',' || s[i] == '"' || s[i] == '\n' || s[i] == '\r';
    if (!quote) {
        fputs(s, out);
        return;
    }
    fputc('"', out);
    for (size_t i = 0; i < len; i++) {
        if (s[i] == '"') fputc('"', out);
        fputc(s[i], out);
    }
    fputc('"', out);
}
