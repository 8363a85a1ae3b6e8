/* cmdutil.c — loading rules and writing reports for the commands (see cmdutil.h). */
#include "cmdutil.h"
#include "outfile.h"

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
