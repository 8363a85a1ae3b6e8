/* diag.c — queueing and printing diagnostics (see diag.h). */
#include "diag.h"
#include "jsonw.h"
#include "util.h"

#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#define SHOWN_LINE_MAX 200   /* longer source lines are shown as a window around the spot */

void diag_init(DiagList *list, SourceSet *sources)
{
    memset(list, 0, sizeof *list);
    list->sources = sources;
    list->limit = 200;
}

/* Frees the records from index `from` on. */
static void free_records(DiagList *list, size_t from)
{
    for (size_t i = from; i < list->count; i++) {
        free(list->items[i].code);
        free(list->items[i].message);
        free(list->items[i].help);
        free(list->items[i].path);
    }
}

void diag_free(DiagList *list)
{
    free_records(list, 0);
    free(list->items);
    list->items = NULL;
    list->count = list->cap = 0;
}

DiagMark diag_mark(const DiagList *list)
{
    return (DiagMark){ list->count, list->errors, list->warnings, list->infos, list->dropped };
}

void diag_rewind(DiagList *list, DiagMark mark)
{
    free_records(list, mark.count);
    list->count = mark.count;
    list->errors = mark.errors;
    list->warnings = mark.warnings;
    list->infos = mark.infos;
    list->dropped = mark.dropped;
}

/* Adds a record; message is taken over (malloc'd, may be NULL on no memory). */
static void add_record(DiagList *list, Severity sev, SkLoc loc, const char *path, const char *code,
                       const char *help, char *message)
{
    if (sev == SEV_ERROR) list->errors++;
    else if (sev == SEV_WARNING) list->warnings++;
    else list->infos++;
    if (list->limit && list->count >= list->limit) { list->dropped++; free(message); return; }
    if (list->count == list->cap) {
        size_t cap = list->cap ? list->cap * 2 : 16;
        Diag *grown = realloc(list->items, cap * sizeof *grown);
        if (!grown) { list->dropped++; free(message); return; }
        list->items = grown;
        list->cap = cap;
    }
    Diag *d = &list->items[list->count++];
    d->severity = sev;
    d->loc = loc;
    d->code = strdup(code ? code : "");
    d->message = message ? message : strdup("(out of memory)");
    d->help = help ? strdup(help) : NULL;
    d->path = path ? strdup(path) : NULL;
}

void diag_add(DiagList *list, Severity sev, SkLoc loc, const char *code, const char *help,
              const char *fmt, ...)
{
    if (list->limit && list->count >= list->limit) {
        /* past the limit only the count matters: do not even format the message */
        add_record(list, sev, loc, NULL, code, help, NULL);
        return;
    }
    va_list ap;
    va_start(ap, fmt);
    char *message = NULL;
    if (vasprintf_portable(&message, fmt, ap) < 0) message = NULL;
    va_end(ap);
    add_record(list, sev, loc, NULL, code, help, message);
}

void diag_add_file(DiagList *list, Severity sev, const char *path, int line, int column, const char *code,
                   const char *help, const char *fmt, ...)
{
    if (list->limit && list->count >= list->limit) {
        SkLoc none = { -1, line, column, line, column };
        add_record(list, sev, none, path, code, help, NULL);
        return;
    }
    va_list ap;
    va_start(ap, fmt);
    char *message = NULL;
    if (vasprintf_portable(&message, fmt, ap) < 0) message = NULL;
    va_end(ap);
    SkLoc loc = { -1, line, column, line, column };
    add_record(list, sev, loc, path, code, help, message);
}

const char *diag_severity_word(Severity s)
{
    return s == SEV_ERROR ? "error" : s == SEV_WARNING ? "warning" : "info";
}

/* Display width of bytes [from, to) of a line: UTF-8 continuation bytes take none. */
static size_t width_of(const char *s, size_t from, size_t to)
{
    size_t w = 0;
    for (size_t i = from; i < to; i++)
        if (((unsigned char)s[i] & 0xC0) != 0x80) w++;
    return w;
}

/* Writes a source line for a terminal: control bytes and invalid UTF-8 become '?' (the
 * column arithmetic counts each as one). */
static void write_shown(FILE *out, const char *s, size_t len)
{
    size_t i = 0;
    while (i < len) {
        unsigned char c = (unsigned char)s[i];
        if (c < 0x80) {
            fputc(c < 0x20 && c != '\t' ? '?' : c == 0x7f ? '?' : (int)c, out);
            i++;
            continue;
        }
        size_t n = utf8_seq_len((const unsigned char *)s + i, len - i);
        if (n == 0) {
            fputc('?', out);
            i++;
        } else {
            fwrite(s + i, 1, n, out);
            i += n;
        }
    }
}

/* Prints the source line of d and the caret line under its spot. */
static void print_excerpt(const DiagList *list, const Diag *d, FILE *out)
{
    size_t len;
    const char *line = source_line(list->sources, d->loc.file, d->loc.first_line, &len);
    if (!line) return;
    size_t col = d->loc.first_column > 0 ? (size_t)d->loc.first_column - 1 : 0;
    if (col > len) col = len;
    size_t end = len;
    if (d->loc.last_line == d->loc.first_line && d->loc.last_column >= d->loc.first_column)
        end = (size_t)d->loc.last_column;
    if (end > len) end = len;
    if (end < col) end = col;
    /* A window around the spot for very long lines. */
    size_t from = 0, to = len;
    int cut_left = 0, cut_right = 0;
    if (len > SHOWN_LINE_MAX) {
        from = col > 60 ? col - 60 : 0;
        while (from > 0 && ((unsigned char)line[from] & 0xC0) == 0x80) from--;
        to = from + SHOWN_LINE_MAX < len ? from + SHOWN_LINE_MAX : len;
        while (to < len && ((unsigned char)line[to] & 0xC0) == 0x80) to++;
        cut_left = from > 0;
        cut_right = to < len;
        if (end > to) end = to;
    }
    fprintf(out, "%5d | %s", d->loc.first_line, cut_left ? "..." : "");
    write_shown(out, line + from, to - from);
    fprintf(out, "%s\n      | %s", cut_right ? "..." : "", cut_left ? "   " : "");
    for (size_t i = from; i < col; i++) {
        unsigned char c = (unsigned char)line[i];
        if ((c & 0xC0) == 0x80) continue;
        fputc(c == '\t' ? '\t' : ' ', out);
    }
    fputc('^', out);
    size_t w = width_of(line, col, end);
    for (size_t i = 1; i < w; i++) fputc('~', out);
    fputc('\n', out);
}

/* Ends a message line, with " [code]" when the list shows codes. */
static void print_code(const DiagList *list, const Diag *d, FILE *out)
{
    if (list->show_codes && d->code && d->code[0]) fprintf(out, " [%s]", d->code);
    fputc('\n', out);
}

/* "in file included from" lines, innermost includer first. */
static void print_include_chain(const DiagList *list, int file, FILE *out)
{
    int shown = 0;
    while (file >= 0 && (size_t)file < list->sources->count) {
        const SourceFile *f = &list->sources->files[file];
        if (f->included_from < 0) break;
        if (shown++ == 8) {
            int more = 0;
            for (int k = file; k >= 0 && list->sources->files[k].included_from >= 0;
                 k = list->sources->files[k].included_from)
                more++;
            fprintf(out, "in file included from ... (%d more)\n", more);
            break;
        }
        const SourceFile *by = &list->sources->files[f->included_from];
        fprintf(out, "in file included from %s:%d:%d:\n", by->path, f->include_loc.first_line,
                f->include_loc.first_column);
        file = f->included_from;
    }
}

static const DiagList *sort_list;   /* qsort has no context argument in C11 */

/* By file (reading order), line, column; ties keep the order of reporting. */
static int cmp_diag(const void *x, const void *y)
{
    size_t a = *(const size_t *)x, b = *(const size_t *)y;
    const SkLoc *la = &sort_list->items[a].loc, *lb = &sort_list->items[b].loc;
    if (la->file < 0 && lb->file < 0) return a < b ? -1 : a > b;   /* data files: as reported */
    if (la->file != lb->file) return la->file < lb->file ? -1 : 1;
    if (la->first_line != lb->first_line) return la->first_line < lb->first_line ? -1 : 1;
    if (la->first_column != lb->first_column) return la->first_column < lb->first_column ? -1 : 1;
    return a < b ? -1 : a > b;
}

/* The order in which to print: by place in the sources. NULL on no memory. */
static size_t *print_order(const DiagList *list)
{
    size_t *order = malloc((list->count ? list->count : 1) * sizeof *order);
    if (!order) return NULL;
    for (size_t i = 0; i < list->count; i++) order[i] = i;
    if (list->keep_order) return order;
    sort_list = list;
    qsort(order, list->count, sizeof *order, cmp_diag);
    sort_list = NULL;
    return order;
}

void diag_print_text(const DiagList *list, FILE *out)
{
    size_t *order = print_order(list);
    for (size_t i = 0; i < list->count; i++) {
        const Diag *d = &list->items[order ? order[i] : i];
        if (d->loc.file >= 0 && (size_t)d->loc.file < list->sources->count) {
            print_include_chain(list, d->loc.file, out);
            fprintf(out, "%s:%d:%d: %s: %s", list->sources->files[d->loc.file].path, d->loc.first_line,
                    d->loc.first_column, diag_severity_word(d->severity), d->message);
            print_code(list, d, out);
            print_excerpt(list, d, out);
        } else if (d->path) {
            if (d->loc.first_line > 0)
                fprintf(out, "%s:%d:%d: %s: %s", d->path, d->loc.first_line, d->loc.first_column,
                        diag_severity_word(d->severity), d->message);
            else
                fprintf(out, "%s: %s: %s", d->path, diag_severity_word(d->severity), d->message);
            print_code(list, d, out);
        } else {
            fprintf(out, "skuld: %s: %s", diag_severity_word(d->severity), d->message);
            print_code(list, d, out);
        }
        if (d->help) fprintf(out, "      = help: %s\n", d->help);
    }
    free(order);
    if (list->dropped)
        fprintf(out, "skuld: note: %zu more diagnostics not shown (the limit is %zu; raise it with --max-diagnostics)\n",
                list->dropped, list->limit);
}

void diag_print_json(const DiagList *list, FILE *out)
{
    JsonWriter w;
    size_t *order = print_order(list);
    jw_init(&w, out);
    jw_array_begin(&w);
    for (size_t i = 0; i < list->count; i++) {
        const Diag *d = &list->items[order ? order[i] : i];
        int located = (d->loc.file >= 0 && (size_t)d->loc.file < list->sources->count) || d->path;
        jw_object_begin(&w);
        jw_key(&w, "file");
        if (d->path) jw_string(&w, d->path);
        else if (located) jw_string(&w, list->sources->files[d->loc.file].path);
        else jw_null(&w);
        jw_key(&w, "line");
        jw_int(&w, located ? d->loc.first_line : 0);
        jw_key(&w, "column");
        jw_int(&w, located ? d->loc.first_column : 0);
        jw_key(&w, "end_line");
        jw_int(&w, located ? d->loc.last_line : 0);
        jw_key(&w, "end_column");
        jw_int(&w, located ? d->loc.last_column : 0);
        jw_key(&w, "severity");
        jw_string(&w, diag_severity_word(d->severity));
        jw_key(&w, "code");
        jw_string(&w, d->code);
        jw_key(&w, "message");
        jw_string(&w, d->message);
        jw_key(&w, "help");
        jw_string(&w, d->help);
        jw_object_end(&w);
    }
    jw_array_end(&w);
    jw_finish(&w);
    free(order);
}

const char *diag_name(const char *name)
{
    static char bufs[4][80];
    static int next;
    char *b = bufs[next++ & 3];
    size_t len = strlen(name);
    if (len <= 60) {
        snprintf(b, sizeof bufs[0], "'%s'", name);
    } else {
        size_t cut = 57;
        while (cut > 0 && ((unsigned char)name[cut] & 0xC0) == 0x80) cut--;
        snprintf(b, sizeof bufs[0], "'%.*s...'", (int)cut, name);
    }
    return b;
}
