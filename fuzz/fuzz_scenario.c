/* fuzz_scenario.c — libFuzzer target: what-if scenarios (SEMANTICS.md W1-W6), as
 * `skuld whatif rules/ --tenant fuzz/fixture/contoso-slice --scenario FILE` runs them.
 *
 * The fixed rules are the Contoso example's (rules/catalog.skuld, rules/contoso.skuld);
 * the tenant is fuzz/fixture/contoso-slice, 48 users of examples/contoso (those the
 * example scenarios name, and the first 40) with their groups and licences: a tenth of
 * the example, ten times the executions. Both are embedded and written once to the
 * process's temporary directory. The input is the scenario file: loaded after the rules
 * (rules_load, so the NUL and UTF-8 checks run), the whole set checked (scenarios are
 * checked with the rules), the file's one scenario block picked as the CLI picks it,
 * the tenant loaded against the policy, and the scenario applied twice, to a fresh
 * evaluation (--baseline eval) and to the tenant's current state (--baseline current),
 * each reported as JSON and text with its reprocess hints. Everything is freed.
 *
 * Replay a finding: skuld whatif rules/ --tenant fuzz/fixture/contoso-slice --scenario
 * FILE [--baseline current] (tests/scripts/fuzz_regressions.sh).
 */
#include "fuzz_common.h"

#include "diag.h"
#include "eval.h"
#include "tenant.h"
#include "whatif.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static const char *rules_dir, *tenant_dir;

static void fixture(void)
{
    if (rules_dir) return;
    const char *r = fz_mkdir("rules");
    fz_write(fz_path("rules/catalog.skuld"), (const uint8_t *)fz_rules_catalog, strlen(fz_rules_catalog));
    fz_write(fz_path("rules/contoso.skuld"), (const uint8_t *)fz_rules_contoso, strlen(fz_rules_contoso));
    const char *t = fz_mkdir("contoso");
    fz_write(fz_path("contoso/users.csv"), (const uint8_t *)fz_tenant_users, strlen(fz_tenant_users));
    fz_write(fz_path("contoso/members.csv"), (const uint8_t *)fz_tenant_members, strlen(fz_tenant_members));
    fz_write(fz_path("contoso/licenses.csv"), (const uint8_t *)fz_tenant_licenses, strlen(fz_tenant_licenses));
    fz_write(fz_path("contoso/skus.csv"), (const uint8_t *)fz_tenant_skus, strlen(fz_tenant_skus));
    rules_dir = r;
    tenant_dir = t;

    /* the fixture must load, or every input would stop at the tenant */
    RuleSet rs;
    rules_init(&rs);
    char *paths[1] = { (char *)rules_dir };
    rules_load(&rs, paths, 1);
    Policy *p = rs.diags.errors ? NULL : check_rules(&rs);
    Tenant *tn = p ? tenant_load(tenant_dir, p, &rs.diags) : NULL;
    if (!tn || rs.diags.errors) {
        diag_print_text(&rs.diags, stderr);
        fprintf(stderr, "skuld fuzz: the fixed rules and tenant do not load\n");
        abort();
    }
    tenant_free(tn);
    policy_free(p);
    rules_free(&rs);
}

/* cmd_whatif.c's pick_scenario for a file: its one scenario block, else NULL. */
static const Stmt *pick_scenario(const RuleSet *rs, int file)
{
    const Stmt *found = NULL;
    int n = 0;
    for (const Stmt *s = rs->stmts.head; s; s = s->next)
        if (s->kind == ST_SCENARIO && s->file == file) {
            if (!found) found = s;
            n++;
        }
    return n == 1 ? found : NULL;
}

static void run(const Policy *p, const Tenant *t, const Stmt *scenario, int current, DiagList *diags)
{
    FILE *sink = fz_devnull();
    EvalState *st = eval_new(p, t);
    if (current) whatif_baseline_current(st);
    else eval_run(st);
    Snapshot *before = snapshot_take(st);
    if (whatif_apply(st, scenario, diags) == 0) {
        Snapshot *after = snapshot_take(st);
        uint32_t nhints = 0;
        ReprocessHint *hints = whatif_reprocess_hints(st, &nhints);
        WhatifDiff d = { scenario->u.scenario.name.text, before, after, st, hints, nhints };
        report_whatif_json(&d, sink);
        report_whatif_text(&d, sink);
        (void)whatif_raises(&d);
        free(hints);
        snapshot_free(after);
    }
    snapshot_free(before);
    eval_free(st);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    fixture();
    const char *path = fz_path("scenario.skuld");
    fz_write(path, data, size);

    RuleSet rs;
    rules_init(&rs);
    char *paths[1] = { (char *)rules_dir };
    rules_load(&rs, paths, 1);
    size_t before = rs.sources.count;
    paths[0] = (char *)path;
    rules_load(&rs, paths, 1);
    int file = rs.sources.count > before ? (int)before : -1;
    Policy *policy = rs.unreadable || rs.diags.errors ? NULL : check_rules(&rs);
    const Stmt *scenario = policy && file >= 0 ? pick_scenario(&rs, file) : NULL;
    Tenant *tenant = scenario ? tenant_load(tenant_dir, policy, &rs.diags) : NULL;
    if (tenant && rs.diags.errors == 0) {
        run(policy, tenant, scenario, 0, &rs.diags);
        run(policy, tenant, scenario, 1, &rs.diags);
    }
    diag_print_text(&rs.diags, fz_devnull());
    tenant_free(tenant);
    policy_free(policy);
    rules_free(&rs);
    return 0;
}
