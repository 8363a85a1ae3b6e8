/* cmd_import.c — `skuld import catalog FILE.csv` and `skuld import groups FILE.json`:
 * rule text from what Microsoft publishes and what admins export. */
#include <stdio.h>
#include <string.h>

#include "catalog_import.h"
#include "cmdutil.h"
#include "commands.h"
#include "graph.h"
#include "options.h"

static const char import_usage[] =
    "usage: skuld import catalog FILE.csv [-o FILE]\n"
    "       skuld import groups FILE.json [-o FILE]\n"
    "\n"
    "catalog: Microsoft's \"Product names and service plan identifiers for licensing\"\n"
    "  CSV as rule text: every plan and product with its GUID and display name. Every\n"
    "  repair made to the data (trimmed fields, duplicate rows, garbled names, an id\n"
    "  under two GUIDs) is reported on stderr.\n"
    "groups: the groups' assignedLicenses of a Microsoft Graph export (the --tenant\n"
    "  JSON of skuld eval) as `group` blocks, naming products and plans by GUID.\n"
    "\n"
    "exit status: 0 done, 2 unreadable or malformed input\n";

typedef struct {
    const char *path;
    DiagList *diags;
    int groups;
} ImportJob;

static int write_import(void *ctx, FILE *out)
{
    const ImportJob *job = ctx;
    size_t before = job->diags->errors;
    int rc = job->groups ? graph_import_groups(job->path, out, job->diags)
                         : catalog_import(job->path, out, stderr, job->diags);
    return rc != 0 && job->diags->errors > before ? -2 : rc;   /* -2: the diagnostics say why */
}

int cmd_import(int argc, char **argv)
{
    Options o;
    if (!options_parse(&o, "import", OPT_OUTPUT, argc, argv)) {
        options_free(&o);
        return 2;
    }
    if (o.help) {
        fputs(import_usage, stdout);
        options_free(&o);
        return 0;
    }
    if (o.npositional != 2 || (strcmp(o.positional[0], "catalog") != 0 && strcmp(o.positional[0], "groups") != 0)) {
        fprintf(stderr, "skuld import: say what to import and from where\n\n%s", import_usage);
        options_free(&o);
        return 2;
    }
    SourceSet sources;
    source_set_init(&sources);
    DiagList diags;
    diag_init(&diags, &sources);
    ImportJob job = { o.positional[1], &diags, strcmp(o.positional[0], "groups") == 0 };
    int rc = cmd_write_output("import", o.output, write_import, &job);
    diag_print_text(&diags, stderr);
    diag_free(&diags);
    source_set_free(&sources);
    options_free(&o);
    return rc == 0 ? 0 : 2;
}
