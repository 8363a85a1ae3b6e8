/* rules.h — loading a rule set: files and directories named on the command line,
 * their includes, parsed into one list of statements in reading order.
 *
 * CLI.md: a directory means every *.skuld directly inside it, sorted by name. Each file
 * is read once however often it is named or included (LANGUAGE.md). An include is
 * resolved relative to the including file and spliced in where it stands; a missing
 * file, a cycle, a chain deeper than max_include_depth, or (unless allowed) a file
 * outside the folder of the rule file named on the command line is a located error.
 *
 * Ownership: the RuleSet owns its sources, diagnostics and statements; rules_free.
 */
#ifndef SKULD_RULES_H
#define SKULD_RULES_H

#include "ast.h"
#include "diag.h"
#include "source.h"

typedef struct {
    SourceSet sources;
    DiagList diags;
    StmtList stmts;
    int unreadable;             /* an input could not be read or decoded: exit 2 */
    int max_include_depth;      /* default 64 */
    int allow_include_outside;  /* includes may leave the folder of the named rule file */
    size_t max_line_length;     /* bytes; default 128 MiB */
} RuleSet;

void rules_init(RuleSet *rs);
void rules_free(RuleSet *rs);

/* Loads and parses every path (file or directory). Returns the number of errors
 * reported so far (syntax, include, I/O). */
size_t rules_load(RuleSet *rs, char *const *paths, int npaths);

/* Parses text made by skuld itself as a rule file named `name` (no includes are
 * followed); takes text (malloc'd). Returns the number of errors so far. */
size_t rules_load_text(RuleSet *rs, const char *name, char *text);

#endif
