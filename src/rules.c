/* rules.c — reading rule files, directories and includes (see rules.h). */
#define _XOPEN_SOURCE 700   /* realpath */
#include "rules.h"
#include "parse.h"
#include "util.h"

#include <dirent.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#define DEFAULT_MAX_INCLUDE_DEPTH 64
#define DEFAULT_MAX_FILE_BYTES ((size_t)1 << 30)

void rules_init(RuleSet *rs)
{
    memset(rs, 0, sizeof *rs);
    source_set_init(&rs->sources);
    rs->sources.max_bytes = DEFAULT_MAX_FILE_BYTES;
    diag_init(&rs->diags, &rs->sources);
    rs->max_include_depth = DEFAULT_MAX_INCLUDE_DEPTH;
    rs->max_line_length = (size_t)128 << 20;
}

void rules_free(RuleSet *rs)
{
    stmt_list_free(&rs->stmts);
    diag_free(&rs->diags);
    source_set_free(&rs->sources);
}

/* Location of byte `off` of a file, for errors found before parsing. */
static SkLoc offset_loc(const SourceFile *f, int file, size_t off)
{
    int line, col;
    text_position(f->text, off < f->len ? off : f->len, &line, &col);
    SkLoc loc = { file, line, col, line, col };
    return loc;
}

/* Rejects binary and non-UTF-8 files with one located message. */
static int validate_text(RuleSet *rs, int file)
{
    const SourceFile *f = &rs->sources.files[file];
    const char *nul = memchr(f->text, 0, f->len);
    size_t bad;
    if (nul) {
        diag_add(&rs->diags, SEV_ERROR, offset_loc(f, file, (size_t)(nul - f->text)), "io",
                 "rule files are text; is this a binary file?", "NUL byte in a rule file");
        rs->unreadable = 1;
        return 0;
    }
    /* a line past the limit: one message, not a lexer crawling a 100 MB token */
    size_t start = 0;
    int line = 1;
    while (start <= f->len) {
        const char *nl = memchr(f->text + start, '\n', f->len - start);
        size_t end = nl ? (size_t)(nl - f->text) : f->len;
        if (rs->max_line_length && end - start > rs->max_line_length) {
            SkLoc at = { file, line, (int)rs->max_line_length + 1, line, (int)rs->max_line_length + 1 };
            diag_add(&rs->diags, SEV_ERROR, at, "limit", "raise the limit with --max-line-length",
                     "line %d is longer than %zu bytes", line, rs->max_line_length);
            rs->unreadable = 1;
            return 0;
        }
        if (!nl) break;
        start = end + 1;
        line++;
    }
    if (!utf8_valid(f->text, f->len, &bad)) {
        diag_add(&rs->diags, SEV_ERROR, offset_loc(f, file, bad), "io",
                 "save the file as UTF-8", "invalid UTF-8 (byte 0x%02x)", (unsigned char)f->text[bad]);
        rs->unreadable = 1;
        return 0;
    }
    return 1;
}

/* The folder part of a path, with a trailing slash ("" for a bare file name). */
static char *folder_of(const char *path)
{
    const char *slash = strrchr(path, '/');
    return slash ? str_ndup(path, (size_t)(slash - path + 1)) : str_ndup("", 0);
}

typedef struct {
    RuleSet *rs;
    int *stack;             /* files being read, outermost first */
    int depth;
    char *root;             /* the real folder of the rule file named on the command line */
} Loader;

/* Whether real path `path` lies inside folder `root` (both resolved). */
static int inside(const char *root, const char *path)
{
    size_t n = strlen(root);
    if (n == 1 && root[0] == '/') return 1;
    return strncmp(root, path, n) == 0 && (path[n] == '/' || path[n] == 0);
}

/* Opens path as a rule file to read (includes: within the root folder, not too deep,
 * not a cycle, not read already); reports why not. Returns its index, or -1. */
static int open_file(Loader *ld, const char *path, int included_from, SkLoc include_loc)
{
    RuleSet *rs = ld->rs;
    if (included_from >= 0 && !rs->allow_include_outside && ld->root) {
        /* a rule file from a pull request must not read (and echo) files elsewhere */
        char *real = realpath(path, NULL);
        if (real && !inside(ld->root, real)) {
            diag_add(&rs->diags, SEV_ERROR, include_loc, "include", "pass --allow-include-outside to allow it",
                     "include of '%s' reaches outside the folder of the rule file named on the command line (%s)",
                     path, ld->root);
            free(real);
            return -1;
        }
        free(real);
    }
    if (ld->depth > rs->max_include_depth) {
        diag_add(&rs->diags, SEV_ERROR, include_loc, "include", "raise the limit with --max-include-depth",
                 "includes nested deeper than %d files", rs->max_include_depth);
        return -1;
    }
    char err[512];
    int index;
    SourceStatus st = source_load(&rs->sources, path, included_from, include_loc, &index, err, sizeof err);
    if (st == SOURCE_ERROR) {
        diag_add(&rs->diags, SEV_ERROR, include_loc, included_from >= 0 ? "include" : "io", NULL, "%s", err);
        if (included_from < 0) rs->unreadable = 1;
        return -1;
    }
    if (st == SOURCE_ALREADY_LOADED) {
        for (int i = 0; i < ld->depth; i++) {
            if (ld->stack[i] == index) {
                diag_add(&rs->diags, SEV_ERROR, include_loc, "include", "remove one of the includes that form the cycle",
                         "include cycle: '%s' includes itself through '%s'", rs->sources.files[index].path,
                         rs->sources.files[included_from].path);
                return -1;
            }
        }
        return -1;   /* read once (LANGUAGE.md) */
    }
    return validate_text(rs, index) ? index : -1;
}

/* A file being read: its statements not yet spliced in, and its folder. */
typedef struct {
    int file;
    Stmt *next;
    char *folder;
} Frame;

/* Parses file `file` into a new frame. */
static void push_frame(Loader *ld, Frame *frames, int *top, int file)
{
    RuleSet *rs = ld->rs;
    StmtList own = {0};
    parse_rule_file(&rs->sources, file, &own, &rs->diags);
    if (own.count == 0 && rs->sources.files[file].len == 0) {
        SkLoc at = { file, 1, 1, 1, 1 };
        diag_add(&rs->diags, SEV_ERROR, at, "empty", "an empty file is usually a mistake: remove it or add rules",
                 "the rule file is empty");
    }
    Frame *f = &frames[++*top];
    f->file = file;
    f->next = own.head;
    f->folder = folder_of(rs->sources.files[file].path);
}

/* Reads a rule file and its includes, splicing each included file's statements in
 * where its include stands. Iterative, with an explicit stack of files being read, so
 * that a deep include chain cannot overflow the C stack. */
static void load_file(Loader *ld, const char *path, int included_from, SkLoc include_loc)
{
    RuleSet *rs = ld->rs;
    int root = open_file(ld, path, included_from, include_loc);
    if (root < 0) return;
    Frame *frames = malloc(((size_t)rs->max_include_depth + 3) * sizeof *frames);
    if (!frames) fatal_oom();
    int top = -1;
    push_frame(ld, frames, &top, root);
    while (top >= 0) {
        Frame *f = &frames[top];
        Stmt *s = f->next;
        if (!s) {
            free(f->folder);
            if (top-- > 0) ld->depth--;   /* back in the includer */
            continue;
        }
        f->next = s->next;
        stmt_list_append(&rs->stmts, s);
        if (s->kind != ST_INCLUDE || !f->folder) continue;
        const char *target = s->u.include.path.text;
        char *joined = target[0] == '/' ? str_ndup(target, strlen(target)) : str_printf("%s%s", f->folder, target);
        if (!joined) fatal_oom();
        ld->stack[ld->depth++] = f->file;
        int child = open_file(ld, joined, f->file, s->u.include.path.loc);
        free(joined);
        if (child < 0) ld->depth--;
        else push_frame(ld, frames, &top, child);
    }
    free(frames);
}

static int cmp_str(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Every *.skuld directly inside dir, sorted by name. */
static void load_directory(Loader *ld, const char *dir)
{
    RuleSet *rs = ld->rs;
    DIR *d = opendir(dir);
    if (!d) {
        diag_add(&rs->diags, SEV_ERROR, loc_none(), "io", NULL, "cannot read directory '%s'", dir);
        rs->unreadable = 1;
        return;
    }
    char **names = NULL;
    size_t n = 0, cap = 0;
    struct dirent *e;
    while ((e = readdir(d))) {
        size_t len = strlen(e->d_name);
        if (len < 7 || strcmp(e->d_name + len - 6, ".skuld") != 0 || e->d_name[0] == '.') continue;
        if (!grow_array((void **)&names, &cap, n + 1, sizeof *names)) break;
        size_t dl = strlen(dir);
        names[n] = str_printf("%s%s%s", dir, dl && dir[dl - 1] == '/' ? "" : "/", e->d_name);
        if (names[n]) n++;
    }
    closedir(d);
    if (n > 1) qsort(names, n, sizeof *names, cmp_str);
    if (n == 0) {
        diag_add(&rs->diags, SEV_ERROR, loc_none(), "io", "rule files end in .skuld", "no .skuld files in directory '%s'", dir);
        rs->unreadable = 1;
    }
    for (size_t i = 0; i < n; i++) {
        struct stat st;
        if (stat(names[i], &st) == 0 && S_ISDIR(st.st_mode)) {
            /* a folder named *.skuld: not recursive, skipped */
        } else {
            load_file(ld, names[i], -1, loc_none());   /* FIFOs, devices, dangling links: an error each */
        }
        free(names[i]);
    }
    free(names);
}

size_t rules_load_text(RuleSet *rs, const char *name, char *text)
{
    int index = source_add_text(&rs->sources, name, text, strlen(text));
    if (index < 0) {
        diag_add(&rs->diags, SEV_ERROR, loc_none(), "io", NULL, "out of memory");
        rs->unreadable = 1;
        return rs->diags.errors;
    }
    if (validate_text(rs, index)) parse_rule_file(&rs->sources, index, &rs->stmts, &rs->diags);
    return rs->diags.errors;
}

size_t rules_load(RuleSet *rs, char *const *paths, int npaths)
{
    Loader ld = { rs, NULL, 0, NULL };
    ld.stack = malloc(((size_t)rs->max_include_depth + 2) * sizeof *ld.stack);
    if (!ld.stack) {
        diag_add(&rs->diags, SEV_ERROR, loc_none(), "io", NULL, "out of memory");
        rs->unreadable = 1;
        return rs->diags.errors;
    }
    for (int i = 0; i < npaths; i++) {
        struct stat st;
        int dir = stat(paths[i], &st) == 0 && S_ISDIR(st.st_mode);
        /* includes stay inside the folder of the file (or the folder) named here */
        char *folder = dir ? str_printf("%s", paths[i]) : folder_of(paths[i]);
        ld.root = folder ? realpath(folder[0] ? folder : ".", NULL) : NULL;
        free(folder);
        if (dir) load_directory(&ld, paths[i]);
        else load_file(&ld, paths[i], -1, loc_none());
        free(ld.root);
        ld.root = NULL;
    }
    free(ld.stack);
    return rs->diags.errors;
}
