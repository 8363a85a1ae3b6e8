/* cmd_whatif.c — `skuld whatif RULES... --tenant DIR --scenario NAME|FILE`: a dry run
 * of a scenario against the tenant, reported as the diff of SEMANTICS.md W6. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "checker.h"
#include "cmdutil.h"
#include "commands.h"
#include "eval.h"
#include "options.h"
#include "rules.h"
#include "tenant.h"
#include "whatif.h"

static const char whatif_usage[] =
    "usage: skuld whatif RULES... --tenant DIR (--scenario NAME|FILE | CHANGES...)\n"
    "                    [--baseline eval|current] [--state FILE] [--format text|json] [-o FILE]\n"
    "\n"
    "Applies a scenario's changes in order to the tenant's licensing state, processing\n"
    "what the service would process (SEMANTICS.md, What-if), and reports what changes:\n"
    "seats, assignments gained and lost, violations raised and cleared, and the groups\n"
    "a Reprocess would now clear.\n"
    "\n"
    "options:\n"
    "  --scenario NAME|FILE   a scenario of the rules by name, or a file holding one\n"
    "  --baseline eval        start from a fresh evaluation (default)\n"
    "  --baseline current     start from the tenant's current state: licenses.csv rows\n"
    "                         with a group, or the state file given with --state\n"
    "  --state FILE           a state file of 'skuld eval --save-state' (implies current)\n"
    "  --format text|json     text for people (default), json for scripts\n"
    "  -o FILE                write the report to FILE atomically\n"
    "quick changes (in the order given), instead of --scenario:\n"
    "  --add USER:GROUP  --remove USER:GROUP  --location USER=CC|none  --seats PRODUCT=N\n"
    "  --license USER:PRODUCT  --unlicense USER:PRODUCT  --assign GROUP:PRODUCT\n"
    "  --unassign GROUP:PRODUCT  --reprocess GROUP  --reprocess-user USER\n"
    "\n"
    "exit status: 0 the scenario raises no violation, 1 it raises a violation or creates\n"
    "or grows a licence conflict, 2 bad input (an invalid change is a located error)\n";

/* Whether the statements hold a scenario called name. */
static int has_scenario(const RuleSet *rs, const char *name)
{
    for (const Stmt *s = rs->stmts.head; s; s = s->next)
        if (s->kind == ST_SCENARIO && strcmp(s->u.scenario.name.text, name) == 0) return 1;
    return 0;
}

/* The scenario to run: by name, else the one scenario of file `file`. NULL (reported)
 * when there is none or more than one. */
static const Stmt *pick_scenario(RuleSet *rs, const char *name, int file)
{
    if (name && file < 0) {
        for (const Stmt *s = rs->stmts.head; s; s = s->next)
            if (s->kind == ST_SCENARIO && strcmp(s->u.scenario.name.text, name) == 0) return s;
    }
    const Stmt *found = NULL, *second = NULL;
    int n = 0;
    for (const Stmt *s = rs->stmts.head; s; s = s->next)
        if (s->kind == ST_SCENARIO && s->file == file) {
            if (!found) found = s;
            else if (!second) second = s;
            n++;
        }
    if (n != 1)
        diag_add(&rs->diags, SEV_ERROR, second ? second->loc : loc_none(), "usage",
                 "a scenario file holds exactly one scenario block", "'%s' holds %d scenario blocks",
                 rs->sources.files[file].path, n);
    return n == 1 ? found : NULL;
}

typedef struct {
    const WhatifDiff *d;
    int json;
} WhatifOutput;

static int write_report(void *ctx, FILE *out)
{
    const WhatifOutput *w = ctx;
    return w->json ? report_whatif_json(w->d, out) : report_whatif_text(w->d, out);
}

int cmd_whatif(int argc, char **argv)
{
    Options o;
    if (!options_parse(&o, "whatif", OPT_FORMAT | OPT_TENANT | OPT_OUTPUT | OPT_LIMITS | OPT_WHATIF, argc, argv)) {
        options_free(&o);
        return 2;
    }
    if (o.help) {
        fputs(whatif_usage, stdout);
        options_free(&o);
        return 0;
    }
    const char *problem = o.npositional == 0 ? "name at least one rule file or directory"
                        : !o.tenant ? "--tenant DIR is required"
                        : !o.scenario && !o.quick ? "give --scenario NAME|FILE or quick changes such as --add USER:GROUP"
                        : o.scenario && o.quick ? "give either --scenario or quick changes, not both"
                        : NULL;
    if (problem) {
        fprintf(stderr, "skuld whatif: %s\n\n%s", problem, whatif_usage);
        options_free(&o);
        return 2;
    }
    RuleSet rs;
    cmd_load_rules(&rs, &o);
    int scenario_file = -1;
    if (!rs.unreadable && o.quick) {
        rules_load_text(&rs, "<command line>", o.quick);
        o.quick = NULL;   /* the rule set owns it now */
        scenario_file = (int)rs.sources.count - 1;
    } else if (!rs.unreadable && !has_scenario(&rs, o.scenario)) {
        struct stat stt;
        if (stat(o.scenario, &stt) != 0) {
            diag_add(&rs.diags, SEV_ERROR, loc_none(), "usage", NULL,
                     "--scenario: no scenario named '%s' in the rules, and no such file", o.scenario);
        } else {
            size_t before = rs.sources.count;
            char *paths[1] = { (char *)o.scenario };
            rules_load(&rs, paths, 1);
            if (rs.sources.count > before) scenario_file = (int)before;
        }
    }
    Policy *policy = rs.unreadable || rs.diags.errors ? NULL : check_rules(&rs);
    const Stmt *scenario = policy ? pick_scenario(&rs, o.scenario, scenario_file) : NULL;
    Tenant *tenant = scenario ? tenant_load_with(o.tenant, policy, &rs.diags, o.state) : NULL;
    int status = 2;
    if (tenant && rs.diags.errors == 0) {
        EvalState *st = eval_new(policy, tenant);
        int current = o.state || (o.baseline && strcmp(o.baseline, "current") == 0);
        if (current) whatif_baseline_current(st);
        else eval_run(st);
        Snapshot *before = snapshot_take(st);
        if (whatif_apply(st, scenario, &rs.diags) == 0) {
            Snapshot *after = snapshot_take(st);
            uint32_t nhints = 0;
            ReprocessHint *hints = whatif_reprocess_hints(st, &nhints);
            WhatifDiff d = { scenario->u.scenario.name.text, before, after, st, hints, nhints };
            WhatifOutput wo = { &d, o.format == FORMAT_JSON };
            if (cmd_write_output("whatif", o.output, write_report, &wo) == 0) status = whatif_raises(&d);
            free(hints);
            snapshot_free(after);
        }
        snapshot_free(before);
        eval_free(st);
    }
    diag_print_text(&rs.diags, stderr);
    tenant_free(tenant);
    policy_free(policy);
    rules_free(&rs);
    options_free(&o);
    return status;
}
