/* options.h — the command-line options every command shares, and their parser.
 *
 * Accepts "--name value" and "--name=value"; anything not starting with '-' is a
 * positional (a rule file or directory). Unknown options are a usage error (exit 2).
 */
#ifndef SKULD_OPTIONS_H
#define SKULD_OPTIONS_H

#include <stddef.h>
#include "util.h"

typedef enum { FORMAT_TEXT, FORMAT_JSON, FORMAT_SARIF, FORMAT_GRAPH } OutputFormat;

typedef struct {
    char **positional;          /* rule files and directories (borrowed from argv) */
    int npositional;
    OutputFormat format;
    const char *tenant;         /* --tenant */
    const char *output;         /* -o */
    const char *group_filter;   /* --group */
    const char *user_filter;    /* --user */
    int no_assignments;         /* --no-assignments */
    long max_diagnostics;       /* --max-diagnostics (0 = keep the default) */
    long max_include_depth;     /* --max-include-depth */
    long max_line_length;       /* --max-line-length */
    int allow_include_outside;  /* --allow-include-outside */
    const char *save_state;     /* eval --save-state */
    const char *scenario;       /* whatif --scenario */
    const char *baseline;       /* whatif --baseline eval|current */
    const char *state;          /* whatif --state */
    char *quick;                /* whatif: quick changes as a scenario block (owned) */
    StrBuf quick_changes;       /* ... being built */
    int nquick;
    const char *fail_on;        /* lint --fail-on */
    const char **lint_settings; /* lint: option, value pairs in order (--enable/--disable/--severity) */
    int nlint_settings;
    int list_codes;             /* lint --list-codes */
    int help;
} Options;

/* Which options a command takes (bit flags). */
enum {
    OPT_FORMAT = 1, OPT_TENANT = 2, OPT_OUTPUT = 4, OPT_FILTERS = 8, OPT_NO_ASSIGNMENTS = 16,
    OPT_LIMITS = 32, OPT_SAVE_STATE = 64, OPT_WHATIF = 128, OPT_LINT = 256, OPT_FORMAT_GRAPH = 512
};

/* Parses argv into *o. On a usage error prints a message naming the command and
 * returns 0. */
int options_parse(Options *o, const char *command, int accepted, int argc, char **argv);
void options_free(Options *o);

#endif
