/* cmdutil.c — loading rules and writing reports for the commands (see cmdutil.h). */
#include "cmdutil.h"
#include "outfile.h"

#include <string.h>
#include <sys/stat.h>

void cmd_load_rules(RuleSet *rs, const Options *o)
{
    rules_init(rs);
    if (o->max_diagnostics) rs->diags.limit = (size_t)o->max_diagnostics;
    if (o->max_include_depth) rs->max_include_depth = (int)o->max_include_depth;
    rs->allow_include_outside = o->allow_include_outside;
    if (o->max_line_length) rs->max_line_length = (size_t)o->max_line_length;
    rules_load(rs, o->positional, o->npositional);
}

int cmd_write_output(const char *command, const char *path, int (*write)(void *ctx, FILE *out), void *ctx)
{
    char err[512];
    OutFile of;
    FILE *out = outfile_open(&of, path, err, sizeof err);
    if (!out) {
        fprintf(stderr, "skuld %s: %s\n", command, err);
        return -1;
    }
    int rc = write(ctx, out);
    if (rc != 0 || ferror(out)) {
        outfile_abort(&of);
        if (rc != -2) fprintf(stderr, "skuld %s: writing %s failed\n", command, path ? path : "to standard output");
        return -1;
    }
    if (outfile_commit(&of, err, sizeof err) != 0) {
        fprintf(stderr, "skuld %s: %s\n", command, err);
        return -1;
    }
    return 0;
}

int cmd_scenario_source(RuleSet *rs, const char *scenario)
{
    for (const Stmt *s = rs->stmts.head; s; s = s->next)
        if (s->kind == ST_SCENARIO && strcmp(s->u.scenario.name.text, scenario) == 0) return -1;
    struct stat st;
    if (stat(scenario, &st) != 0) {
        diag_add(&rs->diags, SEV_ERROR, loc_none(), "usage", NULL,
                 "--scenario: no scenario named '%s' in the rules, and no such file", scenario);
        return -1;
    }
    size_t before = rs->sources.count;
    char *paths[1] = { (char *)scenario };
    rules_load(rs, paths, 1);
    return rs->sources.count > before ? (int)before : -1;
}

const Stmt *cmd_pick_scenario(RuleSet *rs, const char *name, int file)
{
    if (name && file < 0) {
        for (const Stmt *s = rs->stmts.head; s; s = s->next)
            if (s->kind == ST_SCENARIO && strcmp(s->u.scenario.name.text, name) == 0) return s;
        return NULL;
    }
    const Stmt *found = NULL, *second = NULL;
    int n = 0;
    for (const Stmt *s = rs->stmts.head; s; s = s->next)
        if (s->kind == ST_SCENARIO && s->file == file) {
            if (!found) found = s;
            else if (!second) second = s;
            n++;
        }
    if (n != 1 && file >= 0)
        diag_add(&rs->diags, SEV_ERROR, second ? second->loc : loc_none(), "usage",
                 "a scenario file holds exactly one scenario block", "'%s' holds %d scenario blocks",
                 rs->sources.files[file].path, n);
    return n == 1 ? found : NULL;
}
