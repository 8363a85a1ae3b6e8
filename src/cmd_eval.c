/* cmd_eval.c — `skuld eval RULES... --tenant DIR`: one full processing pass over the
 * tenant, reported as JSON (CLI.md, schema 1) or as text for people. */
#include <stdio.h>
#include <string.h>

#include "checker.h"
#include "cmdutil.h"
#include "commands.h"
#include "eval.h"
#include "graph.h"
#include "options.h"
#include "report.h"
#include "rules.h"
#include "state.h"
#include "tenant.h"

static const char eval_usage[] =
    "usage: skuld eval RULES... --tenant DIR [--format text|json] [-o FILE]\n"
    "\n"
    "Applies the rules to the tenant's users, group memberships and direct licences,\n"
    "as group-based licensing would (SEMANTICS.md S1-S11), and reports every\n"
    "assignment, every violation with how to resolve it, and seat use per product.\n"
    "\n"
    "options:\n"
    "  --tenant DIR|FILE.json users.csv, members.csv, licenses.csv, skus.csv (CLI.md),\n"
    "                         or a Microsoft Graph export (docs/graph.md)\n"
    "  --format text|json|graph  text for people (default), json for scripts, graph for\n"
    "                         Graph-shaped licenseAssignmentStates per user\n"
    "  -o FILE                write the report to FILE atomically\n"
    "  --no-assignments       json: leave the per-user assignment list out\n"
    "  --group NAME           text: only this group's users in error\n"
    "  --user ID              text: only this user: holdings and errors\n"
    "  --save-state FILE      also write the state after evaluation (licenses.csv\n"
    "                         format) for 'skuld whatif --state FILE'\n"
    "\n"
    "exit status: 0 no violations, 1 violations or licence conflicts, 2 bad input\n";

typedef struct {
    const EvalState *st;
    ReportOptions ro;
    OutputFormat format;
} EvalOutput;

static int write_report(void *ctx, FILE *out)
{
    const EvalOutput *e = ctx;
    if (e->format == FORMAT_GRAPH) return report_eval_graph(e->st, out);
    return e->format == FORMAT_JSON ? report_eval_json(e->st, out, &e->ro) : report_eval_text(e->st, out, &e->ro);
}

static int write_state(void *ctx, FILE *out)
{
    return state_write(((const EvalOutput *)ctx)->st, out);
}

int cmd_eval(int argc, char **argv)
{
    Options o;
    if (!options_parse(&o, "eval", OPT_FORMAT | OPT_TENANT | OPT_OUTPUT | OPT_FILTERS | OPT_NO_ASSIGNMENTS | OPT_LIMITS |
                                      OPT_SAVE_STATE | OPT_FORMAT_GRAPH,
                       argc, argv)) {
        options_free(&o);
        return 2;
    }
    if (o.help) {
        fputs(eval_usage, stdout);
        options_free(&o);
        return 0;
    }
    if (o.npositional == 0 || !o.tenant) {
        fprintf(stderr, "skuld eval: %s\n\n%s", o.npositional ? "--tenant DIR is required" :
                "name at least one rule file or directory", eval_usage);
        options_free(&o);
        return 2;
    }
    RuleSet rs;
    cmd_load_rules(&rs, &o);
    Policy *policy = rs.unreadable ? NULL : check_rules(&rs);
    Tenant *tenant = NULL;
    int status = 2;
    if (policy) tenant = tenant_load(o.tenant, policy, &rs.diags);
    if (policy && tenant) {
        if (o.group_filter && policy_find_group(policy, o.group_filter) < 0)
            diag_add(&rs.diags, SEV_ERROR, loc_none(), "usage", NULL, "--group: no group '%s' in the rules", o.group_filter);
        if (o.user_filter && tenant_find_user(tenant, o.user_filter) < 0)
            diag_add(&rs.diags, SEV_ERROR, loc_none(), "usage", NULL, "--user: no user '%s' in the tenant", o.user_filter);
    }
    diag_print_text(&rs.diags, stderr);
    if (policy && tenant && rs.diags.errors == 0) {
        tenant_release_lookup(tenant);      /* ids are not looked up from here on */
        EvalState *st = eval_new(policy, tenant);
        /* the JSON report needs no source lists: they follow from the input (eval.h) */
        st->lean = o.format == FORMAT_JSON && !o.save_state;
        eval_run(st);
        if (st->lean && !o.no_assignments) eval_index_sources(st);
        EvalOutput e = { st, { o.no_assignments, o.group_filter, o.user_filter }, o.format };
        if (cmd_write_output("eval", o.output, write_report, &e) == 0 &&
            (!o.save_state || cmd_write_output("eval", o.save_state, write_state, &e) == 0)) {
            int conflicts = 0;
            for (uint32_t i = 0; i < policy->nproducts; i++) conflicts |= eval_conflict(st, i) > 0;
            status = st->nviolations || conflicts ? 1 : 0;
        }
        eval_free(st);
    }
    tenant_free(tenant);
    policy_free(policy);
    rules_free(&rs);
    options_free(&o);
    return status;
}
