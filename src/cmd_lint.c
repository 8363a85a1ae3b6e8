/* cmd_lint.c — `skuld lint RULES... [--tenant DIR]`: findings with stable codes, in
 * text, JSON or SARIF 2.1.0 (docs/lint.md). */
#include <stdio.h>
#include <string.h>

#include "checker.h"
#include "cmdutil.h"
#include "commands.h"
#include "eval.h"
#include "lint.h"
#include "options.h"
#include "rules.h"
#include "tenant.h"

static const char lint_usage[] =
    "usage: skuld lint RULES... [--tenant DIR] [--format text|json|sarif] [-o FILE]\n"
    "\n"
    "Finds what will cost licence errors later: prerequisite gaps, conflicts, seats,\n"
    "locations and data hygiene. Rule-only findings need no tenant; with --tenant the\n"
    "tenant-aware ones appear too. Every code is in docs/lint.md.\n"
    "\n"
    "options:\n"
    "  --tenant DIR              tenant data (CLI.md), for tenant-aware findings\n"
    "  --format text|json|sarif  text for people (default), json, or SARIF 2.1.0\n"
    "  -o FILE                   write the findings to FILE atomically\n"
    "  --disable CODE|all        switch a code off (in order with --enable)\n"
    "  --enable CODE|all         switch a code on again\n"
    "  --severity CODE=LEVEL     error, warning or info for that code\n"
    "  --fail-on error|warning|note  exit 1 when a finding is at this level or above\n"
    "                            (default: error; note = info)\n"
    "  --list-codes              list the codes with their default severity\n"
    "A comment '# skuld: allow CODE' on the line a finding points at silences it.\n"
    "\n"
    "exit status: 0 no finding at the failing level, 1 some, 2 bad input or rules that\n"
    "do not compile\n";

typedef struct {
    const DiagList *findings;
    OutputFormat format;
} LintOutput;

static int write_findings(void *ctx, FILE *out)
{
    const LintOutput *lo = ctx;
    const DiagList *f = lo->findings;
    if (lo->format == FORMAT_SARIF) return lint_write_sarif(f, out);
    if (lo->format == FORMAT_JSON) {
        diag_print_json(f, out);
        return 0;
    }
    diag_print_text(f, out);
    fprintf(out, "%s%zu error%s, %zu warning%s, %zu info\n", f->count ? "\n" : "", f->errors, f->errors == 1 ? "" : "s",
            f->warnings, f->warnings == 1 ? "" : "s", f->infos);
    return 0;
}

int cmd_lint(int argc, char **argv)
{
    Options o;
    if (!options_parse(&o, "lint", OPT_FORMAT | OPT_TENANT | OPT_OUTPUT | OPT_LIMITS | OPT_LINT, argc, argv)) {
        options_free(&o);
        return 2;
    }
    if (o.help || o.list_codes) {
        if (o.help) fputs(lint_usage, stdout);
        else {
            size_t n;
            const LintCode *codes = lint_codes(&n);
            for (size_t i = 0; i < n; i++)
                printf("%-30s %-8s %s%s\n", codes[i].code, diag_severity_word(codes[i].severity),
                       codes[i].needs_tenant ? "[tenant] " : "", codes[i].summary);
        }
        options_free(&o);
        return 0;
    }
    if (o.npositional == 0) {
        fprintf(stderr, "skuld lint: name at least one rule file or directory\n\n%s", lint_usage);
        options_free(&o);
        return 2;
    }
    LintConfig cfg;
    lint_config_init(&cfg);
    for (int i = 0; i + 1 < o.nlint_settings; i += 2)
        if (!lint_config_apply(&cfg, o.lint_settings[i], o.lint_settings[i + 1])) {
            lint_config_free(&cfg);
            options_free(&o);
            return 2;
        }
    RuleSet rs;
    cmd_load_rules(&rs, &o);
    Policy *policy = rs.unreadable ? NULL : check_rules(&rs);
    Tenant *tenant = policy && o.tenant ? tenant_load(o.tenant, policy, &rs.diags) : NULL;
    int status = 2;
    if (!policy || rs.diags.errors || (o.tenant && !tenant)) {
        diag_print_text(&rs.diags, stderr);
    } else {
        diag_print_text(&rs.diags, stderr);   /* warnings of check and of the tenant */
        EvalState *st = NULL;
        if (tenant) {
            st = eval_new(policy, tenant);
            eval_run(st);
        }
        DiagList findings;
        diag_init(&findings, &rs.sources);
        findings.limit = 0;
        lint_run(&rs, policy, st, &findings);
        lint_filter(&findings, &cfg);
        LintOutput lo = { &findings, o.format };
        if (cmd_write_output("lint", o.output, write_findings, &lo) == 0) {
            const char *level = o.fail_on ? o.fail_on : "error";
            size_t failing = findings.errors;
            if (strcmp(level, "warning") == 0) failing += findings.warnings;
            else if (strcmp(level, "note") == 0 || strcmp(level, "info") == 0)
                failing += findings.warnings + findings.infos;
            status = failing ? 1 : 0;
        }
        diag_free(&findings);
        eval_free(st);
    }
    tenant_free(tenant);
    policy_free(policy);
    rules_free(&rs);
    lint_config_free(&cfg);
    options_free(&o);
    return status;
}
