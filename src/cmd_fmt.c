/* cmd_fmt.c — `skuld fmt [-w|--check] FILES...`: the canonical layout of rule files. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <dirent.h>
#include <sys/stat.h>

#include "cmdutil.h"
#include "commands.h"
#include "fmt.h"
#include "options.h"
#include "parse.h"
#include "rules.h"
#include "util.h"

static const char fmt_usage[] =
    "usage: skuld fmt [-w | --check] FILES...\n"
    "\n"
    "Prints rule files in the canonical layout: four-space indent, one statement a\n"
    "line, aligned plan display names, comments kept where they are. Only white space\n"
    "changes, so the rules mean the same. A directory stands for every *.skuld file\n"
    "below it.\n"
    "\n"
    "options:\n"
    "  -w, --write   rewrite the files in place (atomically) instead of printing\n"
    "  --check       print the files that are not in the canonical layout; exit 1 if any\n"
    "\n"
    "exit status: 0 done (or all formatted), 1 some file would change (--check),\n"
    "2 a file could not be read or does not parse\n";

static int write_text(void *ctx, FILE *out)
{
    const char *text = ctx;
    fputs(text, out);
    return 0;
}

/* Formats one file; returns 0 unchanged or printed, 1 would change (check), 2 error. */
static int format_one(const char *path, int mode)
{
    SourceSet sources;
    source_set_init(&sources);
    DiagList diags;
    diag_init(&diags, &sources);
    char err[512];
    int index, status = 2;
    if (source_load(&sources, path, -1, loc_none(), &index, err, sizeof err) != SOURCE_OK) {
        fprintf(stderr, "skuld fmt: %s\n", err);
    } else {
        StmtList stmts = {0};
        size_t bad;
        const SourceFile *f = &sources.files[index];
        if (memchr(f->text, 0, f->len) || !utf8_valid(f->text, f->len, &bad)) {
            fprintf(stderr, "skuld fmt: %s: not UTF-8 text\n", path);
        } else if (parse_rule_file(&sources, index, &stmts, &diags) || diags.errors) {
            diag_print_text(&diags, stderr);
            fprintf(stderr, "skuld fmt: %s does not parse: left as it is\n", path);
        } else {
            char *formatted = fmt_format(f->text, f->len);
            int same = strlen(formatted) == f->len && memcmp(formatted, f->text, f->len) == 0;
            if (mode == 'c') {
                if (!same) printf("%s\n", path);
                status = same ? 0 : 1;
            } else if (mode == 'w') {
                status = same || cmd_write_output("fmt", path, write_text, formatted) == 0 ? 0 : 2;
            } else {
                fputs(formatted, stdout);
                status = 0;
            }
            free(formatted);
        }
        stmt_list_free(&stmts);
    }
    diag_free(&diags);
    source_set_free(&sources);
    return status;
}

/* The *.skuld files below dir (recursively, not following links to folders). */
static void collect(const char *dir, char ***names, size_t *n, size_t *cap, int depth)
{
    DIR *d = opendir(dir);
    if (!d || depth > 32) {
        if (d) closedir(d);
        return;
    }
    struct dirent *e;
    while ((e = readdir(d))) {
        if (e->d_name[0] == '.') continue;
        char *path = str_printf("%s%s%s", dir, dir[strlen(dir) - 1] == '/' ? "" : "/", e->d_name);
        if (!path) fatal_oom();
        struct stat st;
        size_t len = strlen(e->d_name);
        if (lstat(path, &st) == 0 && S_ISDIR(st.st_mode)) {
            collect(path, names, n, cap, depth + 1);
            free(path);
        } else if (len > 6 && strcmp(e->d_name + len - 6, ".skuld") == 0) {
            if (!grow_array((void **)names, cap, *n + 1, sizeof **names)) fatal_oom();
            (*names)[(*n)++] = path;
        } else {
            free(path);
        }
    }
    closedir(d);
}

static int cmp_str(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

int cmd_fmt(int argc, char **argv)
{
    int mode = 0, worst = 0;
    char **files = calloc((size_t)argc + 1, sizeof *files);
    int nfiles = 0;
    if (!files) return 2;
    for (int i = 0; i < argc; i++) {
        if (strcmp(argv[i], "-w") == 0 || strcmp(argv[i], "--write") == 0) mode = 'w';
        else if (strcmp(argv[i], "--check") == 0) mode = 'c';
        else if (strcmp(argv[i], "-h") == 0 || strcmp(argv[i], "--help") == 0) {
            fputs(fmt_usage, stdout);
            free(files);
            return 0;
        } else if (argv[i][0] == '-' && argv[i][1]) {
            fprintf(stderr, "skuld fmt: unknown option '%s'\n\n%s", argv[i], fmt_usage);
            free(files);
            return 2;
        } else {
            files[nfiles++] = argv[i];
        }
    }
    if (!nfiles) {
        fprintf(stderr, "skuld fmt: name at least one rule file\n\n%s", fmt_usage);
        free(files);
        return 2;
    }
    for (int i = 0; i < nfiles; i++) {
        struct stat st;
        if (stat(files[i], &st) == 0 && S_ISDIR(st.st_mode)) {
            /* every *.skuld below the folder, in name order */
            char **names = NULL;
            size_t n = 0, cap = 0;
            collect(files[i], &names, &n, &cap, 0);
            if (n > 1) qsort(names, n, sizeof *names, cmp_str);
            if (!n) fprintf(stderr, "skuld fmt: no .skuld files under '%s'\n", files[i]);
            for (size_t k = 0; k < n; k++) {
                int rc = format_one(names[k], mode);
                if (rc > worst) worst = rc;
                free(names[k]);
            }
            free(names);
            continue;
        }
        int rc = format_one(files[i], mode);
        if (rc > worst) worst = rc;
    }
    free(files);
    return worst;
}
