/* cmd_report.c — `skuld report RULES... --tenant DIR -o report.html [--scenario S]`. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "checker.h"
#include "cmdutil.h"
#include "commands.h"
#include "report_html.h"
#include "rules.h"
#include "tenant.h"

static const char report_usage[] =
    "usage: skuld report RULES... --tenant DIR [-o report.html] [--scenario NAME|FILE]\n"
    "\n"
    "One self-contained HTML page for people who will not read JSON: seat use per\n"
    "product as bars, the groups with members in error, each user in error with the\n"
    "reason and the fix, and the what-if diff when a scenario is given. No script and\n"
    "nothing fetched from the network.\n"
    "\n"
    "exit status: 0 written, 2 bad input\n";

typedef struct {
    const WhatifDiff *diff;
    const EvalState *st;
} Page;

static int write_page(void *ctx, FILE *out)
{
    const Page *pg = ctx;
    return report_html(pg->st, pg->diff, "Licensing report", out);
}

int cmd_report(int argc, char **argv)
{
    Options o;
    if (!options_parse(&o, "report", OPT_TENANT | OPT_OUTPUT | OPT_LIMITS | OPT_WHATIF, argc, argv)) {
        options_free(&o);
        return 2;
    }
    if (o.help) {
        fputs(report_usage, stdout);
        options_free(&o);
        return 0;
    }
    if (!o.npositional || !o.tenant) {
        fprintf(stderr, "skuld report: name the rules and --tenant DIR\n\n%s", report_usage);
        options_free(&o);
        return 2;
    }
    RuleSet rs;
    cmd_load_rules(&rs, &o);
    int scenario_file = o.scenario && !rs.unreadable ? cmd_scenario_source(&rs, o.scenario) : -1;
    Policy *policy = rs.unreadable || rs.diags.errors ? NULL : check_rules(&rs);
    const Stmt *scenario = policy && o.scenario ? cmd_pick_scenario(&rs, o.scenario, scenario_file) : NULL;
    Tenant *tenant = policy ? tenant_load(o.tenant, policy, &rs.diags) : NULL;
    int status = 2;
    if (tenant && rs.diags.errors == 0 && (!o.scenario || scenario)) {
        EvalState *st = eval_new(policy, tenant);
        eval_run(st);
        if (!scenario) {
            Page pg = { NULL, st };
            status = cmd_write_output("report", o.output, write_page, &pg) == 0 ? 0 : 2;
        } else {
            /* the state after the scenario, and its diff */
            WhatifRun run;
            if (whatif_run(st, scenario, &rs.diags, &run) == 0) {
                Page pg = { &run.diff, st };
                status = cmd_write_output("report", o.output, write_page, &pg) == 0 ? 0 : 2;
            }
            whatif_run_free(&run);
        }
        eval_free(st);
    }
    diag_print_text(&rs.diags, stderr);
    tenant_free(tenant);
    policy_free(policy);
    rules_free(&rs);
    options_free(&o);
    return status;
}
