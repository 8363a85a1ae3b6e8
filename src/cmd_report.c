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
    int scenario_file = -1;
    if (o.scenario && !rs.unreadable) {
        int named = 0;
        for (const Stmt *s = rs.stmts.head; s; s = s->next)
            named |= s->kind == ST_SCENARIO && strcmp(s->u.scenario.name.text, o.scenario) == 0;
        struct stat stt;
        if (!named && stat(o.scenario, &stt) == 0) {
            size_t before = rs.sources.count;
            char *paths[1] = { (char *)o.scenario };
            rules_load(&rs, paths, 1);
            if (rs.sources.count > before) scenario_file = (int)before;
        } else if (!named) {
            diag_add(&rs.diags, SEV_ERROR, loc_none(), "usage", NULL, "--scenario: no scenario or file '%s'", o.scenario);
        }
    }
    Policy *policy = rs.unreadable || rs.diags.errors ? NULL : check_rules(&rs);
    const Stmt *scenario = NULL;
    for (const Stmt *s = policy && o.scenario ? rs.stmts.head : NULL; s; s = s->next)
        if (s->kind == ST_SCENARIO &&
            (scenario_file >= 0 ? s->file == scenario_file : strcmp(s->u.scenario.name.text, o.scenario) == 0)) {
            scenario = s;
            break;
        }
    Tenant *tenant = policy ? tenant_load(o.tenant, policy, &rs.diags) : NULL;
    int status = 2;
    if (tenant && rs.diags.errors == 0 && (!o.scenario || scenario)) {
        EvalState *st = eval_new(policy, tenant);
        eval_run(st);
        if (!scenario) {
            Page pg = { NULL, st };
            status = cmd_write_output("report", o.output, write_page, &pg) == 0 ? 0 : 2;
        } else {
            /* the tenant as it is, then the scenario's diff */
            Snapshot *before = snapshot_take(st);
            if (whatif_apply(st, scenario, &rs.diags) == 0) {
                Snapshot *after = snapshot_take(st);
                uint32_t nh = 0;
                ReprocessHint *hints = whatif_reprocess_hints(st, &nh);
                WhatifDiff d = { scenario->u.scenario.name.text, before, after, st, hints, nh };
                Page pg = { &d, st };
                status = cmd_write_output("report", o.output, write_page, &pg) == 0 ? 0 : 2;
                free(hints);
                snapshot_free(after);
            }
            snapshot_free(before);
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
