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
    } else if (!rs.unreadable) {
        scenario_file = cmd_scenario_source(&rs, o.scenario);
    }
    Policy *policy = rs.unreadable || rs.diags.errors ? NULL : check_rules(&rs);
    const Stmt *scenario = policy ? cmd_pick_scenario(&rs, o.scenario, scenario_file) : NULL;
    Tenant *tenant = scenario ? tenant_load_with(o.tenant, policy, &rs.diags, o.state) : NULL;
    int status = 2;
    if (tenant && rs.diags.errors == 0) {
        EvalState *st = eval_new(policy, tenant);
        int current = o.state || (o.baseline && strcmp(o.baseline, "current") == 0);
        if (current) whatif_baseline_current(st);
        else eval_run(st);
        WhatifRun run;
        if (whatif_run(st, scenario, &rs.diags, &run) == 0) {
            WhatifOutput wo = { &run.diff, o.format == FORMAT_JSON };
            if (cmd_write_output("whatif", o.output, write_report, &wo) == 0) status = whatif_raises(&run.diff);
        }
        whatif_run_free(&run);
        eval_free(st);
    }
    diag_print_text(&rs.diags, stderr);
    tenant_free(tenant);
    policy_free(policy);
    rules_free(&rs);
    options_free(&o);
    return status;
}
