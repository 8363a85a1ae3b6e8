/* fmt.c — the canonical layout of rule files (see fmt.h).
 *
 * A token-stream formatter: the text is split into words, strings (kept byte for
 * byte), punctuation and comments, and written out again with canonical white space.
 * Tokens are never changed, added or dropped, so the meaning cannot change; the rule
 * parser has already accepted the text. Layout rules:
 *   - one statement a line, four spaces of indent a block level, "{" at the end of the
 *     line that opens a block, "}" on a line of its own;
 *   - one space between tokens, none before ",", ";" and ":", spaces around "|";
 *   - a comment on its own line stays on its own line (at the current indent); a
 *     comment after code stays after it, two spaces away;
 *   - one blank line where the source had one or more (none at the start or end of a
 *     block), and a blank line after every top-level block;
 *   - in a run of consecutive `plan` lines, the display names line up (up to a name
 *     width of 40);
 *   - a line longer than 100 columns breaks after a ",", continuing under the first
 *     item of the list.
 */
#include "fmt.h"
#include "util.h"

#include <stdlib.h>
#include <string.h>

typedef enum { T_WORD, T_STRING, T_PUNCT, T_COMMENT } TokKind;

typedef struct {
    TokKind kind;
    const char *text;
    size_t len;
    int newlines_before;    /* line ends between the previous token and this one */
} Tok;

/* Splits text into tokens. Returns the count; *out is malloc'd. */
static size_t tokenize(const char *text, size_t len, Tok **out)
{
    size_t n = 0, cap = 0;
    Tok *toks = NULL;
    size_t i = 0;
    int newlines = 0;
    while (i < len) {
        char c = text[i];
        if (c == '\n') { newlines++; i++; continue; }
        if (c == ' ' || c == '\t' || c == '\r' || c == '\f' || c == '\v') { i++; continue; }
        if (!grow_array((void **)&toks, &cap, n + 1, sizeof *toks)) fatal_oom();
        Tok *t = &toks[n++];
        t->text = text + i;
        t->newlines_before = newlines;
        newlines = 0;
        size_t start = i;
        if (c == '#') {
            while (i < len && text[i] != '\n') i++;
            while (i > start && (text[i - 1] == ' ' || text[i - 1] == '\t' || text[i - 1] == '\r')) i--;
            t->kind = T_COMMENT;
            t->len = i - start;
            while (i < len && text[i] != '\n') i++;
            continue;
        }
        if (c == '"') {
            i++;
            while (i < len && text[i] != '"' && text[i] != '\n') i += text[i] == '\\' && i + 1 < len ? 2 : 1;
            if (i < len && text[i] == '"') i++;
            t->kind = T_STRING;
        } else if (strchr(";,{}:|", c)) {
            i++;
            t->kind = T_PUNCT;
        } else {
            while (i < len && !strchr(" \t\r\n\f\v;,{}:|\"#", text[i])) i++;
            t->kind = T_WORD;
        }
        t->len = i - start;
    }
    *out = toks;
    return n;
}

static int is(const Tok *t, const char *s)
{
    return t->len == strlen(s) && memcmp(t->text, s, t->len) == 0;
}

/* Display width of a token (UTF-8 continuation bytes take none). */
static size_t width(const char *s, size_t len)
{
    size_t w = 0;
    for (size_t i = 0; i < len; i++)
        if (((unsigned char)s[i] & 0xC0) != 0x80) w++;
    return w;
}

typedef struct {
    StrBuf out;
    size_t column;          /* of the line being written */
    int depth;
    int line_empty;         /* nothing written on this line yet */
    size_t cont_indent;     /* where a broken list continues */
} Writer;

static void newline(Writer *w)
{
    /* no trailing white space */
    while (w->out.len && w->out.data[w->out.len - 1] == ' ') w->out.len--;
    sb_add(&w->out, "\n", 1);
    w->column = 0;
    w->line_empty = 1;
}

static void indent(Writer *w)
{
    for (int i = 0; i < w->depth; i++) sb_add(&w->out, "    ", 4);
    w->column = (size_t)w->depth * 4;
    w->line_empty = 0;
}

static void put(Writer *w, const char *s, size_t len)
{
    if (w->line_empty) indent(w);
    sb_add(&w->out, s, len);
    w->column += width(s, len);
}

/* The plan statement's name token index and its width, when statement at i is a
 * `plan NAME "display" ...` line. */
static int plan_name_width(const Tok *t, size_t n, size_t i, size_t *w)
{
    if (i + 2 >= n || !is(&t[i], "plan") || t[i + 1].kind == T_PUNCT || t[i + 2].kind != T_STRING) return 0;
    *w = width(t[i + 1].text, t[i + 1].len);
    return 1;
}

/* Trailing comments (marked \x01) on consecutive lines line up two spaces after the
 * longest code among them; a line without one ends the run. */
static char *align_trailing_comments(const char *text)
{
    StrBuf out = {0};
    const char *line = text;
    while (*line) {
        /* the run of consecutive lines with a trailing comment */
        const char *run_end = line;
        size_t widest = 0;
        int lines = 0;
        for (const char *l = line; *l;) {
            const char *nl = strchr(l, '\n');
            const char *mark = memchr(l, '\x01', (size_t)((nl ? nl : l + strlen(l)) - l));
            if (!mark) break;
            size_t code = width(l, (size_t)(mark - l));
            if (code > widest) widest = code;
            lines++;
            l = nl ? nl + 1 : l + strlen(l);
            run_end = l;
        }
        if (!lines) {
            const char *nl = strchr(line, '\n');
            size_t n = nl ? (size_t)(nl - line) + 1 : strlen(line);
            sb_add(&out, line, n);
            line += n;
            continue;
        }
        for (const char *l = line; l < run_end;) {
            const char *mark = strchr(l, '\x01');
            size_t code = width(l, (size_t)(mark - l));
            sb_add(&out, l, (size_t)(mark - l));
            for (size_t c = code; c < widest + 2; c++) sb_add(&out, " ", 1);
            const char *nl = strchr(mark, '\n');
            size_t n = nl ? (size_t)(nl - mark) : strlen(mark + 1) + 1;
            sb_add(&out, mark + 1, n - 1);
            /* continuation comment lines right under it follow the new column */
            l = nl ? nl + 1 : mark + n;
            sb_add(&out, "\n", 1);
        }
        line = run_end;
    }
    return sb_take(&out);
}

char *fmt_format(const char *text, size_t len)
{
    Tok *t;
    size_t n = tokenize(text, len, &t);
    Writer w;
    memset(&w, 0, sizeof w);
    w.line_empty = 1;
    int at_statement_start = 1, after_block = 0;
    size_t align = 0;               /* column of display names in the current plan run */
    size_t align2 = 0;              /* column of what follows them */
    size_t stmt_first_word_end = 0; /* for breaking lists */
    size_t trailing_col = 0;        /* column of the last comment that followed code */
    size_t alt_col = 0;             /* column of a requirement's first alternative */
    for (size_t i = 0; i < n; i++) {
        const Tok *k = &t[i];
        int comment = k->kind == T_COMMENT;
        /* a comment after code on the same line stays there */
        if (comment && k->newlines_before == 0 && i > 0) {
            if (w.line_empty && w.out.len && w.out.data[w.out.len - 1] == '\n') {
                w.out.len--;
                size_t line_start = w.out.len;
                while (line_start > 0 && w.out.data[line_start - 1] != '\n') line_start--;
                w.column = width(w.out.data + line_start, w.out.len - line_start);
            }
            sb_add(&w.out, "\x01", 1);   /* marks a trailing comment for the alignment pass */
            trailing_col = w.column + 2;
            sb_add(&w.out, k->text, k->len);
            newline(&w);
            at_statement_start = 1;
            continue;
        }
        /* a comment right under a trailing comment continues it, in its column */
        if (comment && k->newlines_before == 1 && trailing_col && i > 0 && t[i - 1].kind == T_COMMENT) {
            for (size_t c = 0; c < trailing_col; c++) sb_add(&w.out, " ", 1);
            sb_add(&w.out, k->text, k->len);
            newline(&w);
            continue;
        }
        trailing_col = 0;
        if (at_statement_start || comment) {
            if (!w.line_empty) newline(&w);
            int blank = k->newlines_before >= 2 || (after_block && w.depth == 0);
            int first_in_block = w.out.len >= 2 && w.out.data[w.out.len - 2] == '{';
            if (blank && w.out.len && !first_in_block && !is(k, "}")) newline(&w);
            after_block = 0;
        }
        if (comment) {
            put(&w, k->text, k->len);
            newline(&w);
            at_statement_start = 1;
            continue;
        }
        if (is(k, "}")) {
            if (!w.line_empty) newline(&w);
            if (w.depth > 0) w.depth--;
            put(&w, "}", 1);
            newline(&w);
            at_statement_start = 1;
            after_block = w.depth == 0;
            continue;
        }
        if (at_statement_start) {
            /* a run of plan lines: align the display names */
            size_t nw;
            if (plan_name_width(t, n, i, &nw)) {
                if (!align) {
                    size_t widest = 0, widest_display = 0;
                    for (size_t j = i; j < n; j++) {
                        size_t jw;
                        if (j > i && t[j].newlines_before >= 2) break;
                        if (t[j].kind == T_COMMENT && t[j].newlines_before > 0) break;
                        if (!plan_name_width(t, n, j, &jw)) break;
                        if (jw <= 40 && jw > widest) widest = jw;
                        size_t dw = width(t[j + 2].text, t[j + 2].len);
                        if (dw <= 48 && dw > widest_display) widest_display = dw;
                        while (j < n && !is(&t[j], ";")) j++;
                    }
                    align = 5 + widest + 1;   /* "plan " + name + one space */
                    align2 = align + widest_display + 1;
                }
            } else {
                align = align2 = 0;
            }
            stmt_first_word_end = 0;
            alt_col = 0;
        }
        /* spacing before the token */
        if (!w.line_empty && !at_statement_start) {
            int tight = is(k, ",") || is(k, ";") || is(k, ":");
            if (!tight) {
                size_t need = k->len + 1;
                int after_comma = i > 0 && is(&t[i - 1], ",");
                if (after_comma && w.column + need > 100 && w.cont_indent) {
                    newline(&w);
                    for (size_t s = 0; s < w.cont_indent; s++) sb_add(&w.out, " ", 1);
                    w.column = w.cont_indent;
                    w.line_empty = 0;
                } else if (align && i >= 2 && is(&t[i - 2], "plan") && k->kind == T_STRING && w.column < align) {
                    while (w.column < align) { sb_add(&w.out, " ", 1); w.column++; }
                } else if (align2 && i >= 3 && is(&t[i - 3], "plan") && t[i - 1].kind == T_STRING && w.column < align2) {
                    while (w.column < align2) { sb_add(&w.out, " ", 1); w.column++; }
                } else if (is(k, "|") && alt_col >= 2 && i + 1 < n && w.column + 3 + t[i + 1].len > 100) {
                    /* a long list of alternatives continues under the first one */
                    newline(&w);
                    for (size_t c = 0; c < alt_col - 2; c++) sb_add(&w.out, " ", 1);
                    w.column = alt_col - 2;
                    w.line_empty = 0;
                } else {
                    sb_add(&w.out, " ", 1);
                    w.column++;
                }
            }
        }
        put(&w, k->text, k->len);
        if (i > 0 && is(&t[i - 1], ":") && !alt_col) alt_col = w.column - width(k->text, k->len);
        if (at_statement_start) stmt_first_word_end = w.column;
        else if (stmt_first_word_end && !w.cont_indent) w.cont_indent = stmt_first_word_end + 1;
        at_statement_start = 0;
        if (is(k, ";")) {
            newline(&w);
            at_statement_start = 1;
            w.cont_indent = 0;
        } else if (is(k, "{")) {
            newline(&w);
            w.depth++;
            at_statement_start = 1;
            w.cont_indent = 0;
        }
    }
    if (!w.line_empty) newline(&w);
    free(t);
    char *text_out = sb_take(&w.out);
    char *aligned = align_trailing_comments(text_out);
    free(text_out);
    return aligned;
}
