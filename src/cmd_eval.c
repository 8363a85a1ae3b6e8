/* cmd_eval.c — `skuld eval RULES... --tenant DIR`: one full processing pass over the
 * tenant, reported as JSON (CLI.md, schema 1) or as text for people. */
#include <stdio.h>
#include <string.h>

#include "checker.h"
#include "commands.h"
#include "eval.h"
#include "options.h"
#include "outfile.h"
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
    "  --tenant DIR           users.csv, members.csv, licenses.csv, skus.csv (CLI.md)\n"
    "  --format text|json     text for people (default), json for scripts\n"
    "  -o FILE                write the report to FILE atomically\n"
    "  --no-assignments       json: leave the per-user assignment list out\n"
    "  --group NAME           text: only this group's users in error\n"
    "  --user ID              text: only this user: holdings and errors\n"
    "  --save-state FILE      also write the state after evaluation (licenses.csv\n"
    "                         format) for 'skuld whatif --state FILE'\n"
    "\n"
    "exit status: 0 no violations, 1 violations or licence conflicts, 2 bad input\n";

/* Writes the state file atomically; 0, or -1 (reported). */
static int save_state(const EvalState *st, const char *path)
{
    char err[512];
    OutFile of;
    FILE *out = outfile_open(&of, path, err, sizeof err);
    if (!out) {
        fprintf(stderr, "skuld eval: %s\n", err);
        return -1;
    }
    if (state_write(st, out) != 0) {
        outfile_abort(&of);
        fprintf(stderr, "skuld eval: writing the state file failed\n");
        return -1;
    }
    if (outfile_commit(&of, err, sizeof err) != 0) {
        fprintf(stderr, "skuld eval: %s\n", err);
        return -1;
    }
    return 0;
}

int cmd_eval(int argc, char **argv)
{
    Options o;
    if (!options_parse(&o, "eval", OPT_FORMAT | OPT_TENANT | OPT_OUTPUT | OPT_FILTERS | OPT_NO_ASSIGNMENTS | OPT_LIMITS |
                                      OPT_SAVE_STATE,
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
    rules_init(&rs);
    if (o.max_diagnostics) rs.diags.limit = (size_t)o.max_diagnostics;
    if (o.max_include_depth) rs.max_include_depth = (int)o.max_include_depth;
    rules_load(&rs, o.positional, o.npositional);
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
        EvalState *st = eval_new(policy, tenant);
        eval_run(st);
        char err[512];
        OutFile of;
        FILE *out = outfile_open(&of, o.output, err, sizeof err);
        if (!out) {
            fprintf(stderr, "skuld eval: %s\n", err);
        } else {
            ReportOptions ro = { o.no_assignments, o.group_filter, o.user_filter };
            int rc = o.format == FORMAT_JSON ? report_eval_json(st, out, &ro) : report_eval_text(st, out, &ro);
            if (rc != 0) {
                outfile_abort(&of);
                fprintf(stderr, "skuld eval: writing the report failed\n");
            } else if (outfile_commit(&of, err, sizeof err) != 0) {
                fprintf(stderr, "skuld eval: %s\n", err);
            } else if (o.save_state && save_state(st, o.save_state) != 0) {
                status = 2;
            } else {
                int conflicts = 0;
                for (uint32_t i = 0; i < policy->nproducts; i++) conflicts |= eval_conflict(st, i) > 0;
                status = st->nviolations || conflicts ? 1 : 0;
            }
        }
        eval_free(st);
    }
    tenant_free(tenant);
    policy_free(policy);
    rules_free(&rs);
    options_free(&o);
    return status;
}
