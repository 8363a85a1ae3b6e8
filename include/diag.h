/* diag.h — diagnostics: records queued during a run, printed at the end.
 *
 * A diagnostic has a severity, a stable code (the SEMANTICS.md rule such as "C3", or
 * "syntax", "include", "io", ...), one sentence of message, an optional help line
 * ("did you mean ...") and a location. Text output follows LANGUAGE.md:
 *
 *   in file included from rules/all.skuld:2:1:
 *   rules/contoso.skuld:14:11: error: unknown plan 'EXCHANGE_S_ENTERPRIZE'
 *      14 |     plans EXCHANGE_S_ENTERPRIZE, SHAREPOINTENTERPRISE;
 *         |           ^~~~~~~~~~~~~~~~~~~~~
 *         = help: did you mean 'EXCHANGE_S_ENTERPRISE'?
 *
 * JSON output is an array of {file, line, column, end_line, end_column, severity,
 * code, message, help}. At most `limit` diagnostics are kept; the rest are counted.
 *
 * Ownership: the list owns its records and their strings; the SourceSet is borrowed
 * and must outlive printing.
 */
#ifndef SKULD_DIAG_H
#define SKULD_DIAG_H

#include <stdio.h>
#include <stddef.h>
#include "loc.h"
#include "source.h"

typedef enum { SEV_ERROR, SEV_WARNING, SEV_INFO } Severity;

typedef struct {
    Severity severity;
    SkLoc loc;
    char *code;
    char *message;
    char *help;     /* NULL when none */
    char *path;     /* a data file (not a rule file) the location is in, or NULL */
} Diag;

typedef struct {
    Diag *items;
    size_t count, cap;
    size_t errors, warnings, infos;   /* all reported, kept or not */
    size_t dropped;                   /* past the limit */
    size_t limit;                     /* 0 = no limit */
    SourceSet *sources;               /* borrowed */
    int keep_order;                   /* print as stored (else by place in the sources) */
    int show_codes;                   /* text: "message [code]" */
} DiagList;

void diag_init(DiagList *list, SourceSet *sources);
void diag_free(DiagList *list);

/* Adds a diagnostic; help may be NULL. The message is printf-formatted. */
void diag_add(DiagList *list, Severity sev, SkLoc loc, const char *code, const char *help,
              const char *fmt, ...) __attribute__((format(printf, 6, 7)));

/* A diagnostic about a data file (CSV, JSON): shown as path:line:column, no excerpt. */
void diag_add_file(DiagList *list, Severity sev, const char *path, int line, int column, const char *code,
                   const char *help, const char *fmt, ...) __attribute__((format(printf, 8, 9)));

/* What the list holds at one moment, and a way back to it: diagnostics added after
 * the mark are taken back (a file found broken after its rows were reported on). */
typedef struct {
    size_t count, errors, warnings, infos, dropped;
} DiagMark;
DiagMark diag_mark(const DiagList *list);
void diag_rewind(DiagList *list, DiagMark mark);

void diag_print_text(const DiagList *list, FILE *out);
void diag_print_json(const DiagList *list, FILE *out);

/* "error", "warning" or "info". */
const char *diag_severity_word(Severity s);

/* Quotes a name for a message: 'name', cut to 60 characters with an ellipsis. The
 * result lives in one of four rotating static buffers. */
const char *diag_name(const char *name);

#endif
