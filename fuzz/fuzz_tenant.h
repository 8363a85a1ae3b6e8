/* fuzz_tenant.h — what the csv and graph targets do with a tenant once it is written:
 * load it against the Contoso policy and run everything that reads a tenant (every
 * eval report, the state file, lint, the current-state baseline). */
#ifndef SKULD_FUZZ_TENANT_H
#define SKULD_FUZZ_TENANT_H

#include "fuzz_common.h"
#include "graph.h"
#include "lint.h"
#include "report.h"
#include "state.h"
#include "tenant.h"
#include "whatif.h"

static void fz_exercise_tenant(FzPolicy *fp, const char *path, FILE *sink)
{
    fz_policy_reset(fp);
    DiagList diags;
    diag_init(&diags, &fp->rs.sources);
    Tenant *t = tenant_load(path, fp->p, &diags);
    diag_print_text(&diags, sink);
    diag_print_json(&diags, sink);
    if (t && diags.errors == 0) {
        EvalState *st = eval_new(fp->p, t);
        eval_run(st);
        ReportOptions ro = { 0, NULL, NULL };
        report_eval_json(st, sink, &ro);
        report_eval_text(st, sink, &ro);
        report_eval_graph(st, sink);
        state_write(st, sink);

        DiagList findings;
        diag_init(&findings, &fp->rs.sources);
        findings.limit = 0;
        LintConfig cfg;
        lint_config_init(&cfg);
        lint_run(&fp->rs, fp->p, st, &findings);
        lint_filter(&findings, &cfg);
        diag_print_text(&findings, sink);
        lint_write_sarif(&findings, sink);
        lint_config_free(&cfg);
        diag_free(&findings);
        eval_free(st);

        /* whatif --baseline current: the inherited rows */
        EvalState *cur = eval_new(fp->p, t);
        whatif_baseline_current(cur);
        Snapshot *snap = snapshot_take(cur);
        snapshot_free(snap);
        eval_free(cur);
    }
    tenant_free(t);
    diag_free(&diags);
}

#endif
