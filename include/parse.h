/* parse.h — from one rule file's text to statements (flex + bison, reentrant).
 *
 * The lexer and parser share a ParseCtx through the scanner's extra data and the
 * parser's parse parameters: where the scanner stands (line, column, open braces),
 * where diagnostics go and where statements are appended.
 */
#ifndef SKULD_PARSE_H
#define SKULD_PARSE_H

#include "ast.h"
#include "diag.h"
#include "source.h"

typedef struct {
    DiagList *diags;
    StmtList *out;
    int file;
    int line, column;           /* where the scanner stands (1-based) */
    int brace_depth;
    SkLoc last_open_brace;      /* the innermost '{' still open */
    int syntax_errors;
    SkLoc prev_token, cur_token;  /* the last two tokens handed to the parser */
} ParseCtx;

/* Parses file `file` of `sources`, appending its statements to `out` in source order
 * and its diagnostics to `diags`. The file must already be known to be valid UTF-8
 * without NUL bytes. Returns the number of syntax errors (0 = parsed). */
int parse_rule_file(SourceSet *sources, int file, StmtList *out, DiagList *diags);

/* Builds the location of a token of the current file (used by the scanner and parser). */
SkLoc parse_loc(const ParseCtx *ctx, int first_line, int first_column, int last_line, int last_column);

#endif
