/* fuzz_graph.c — libFuzzer target: the JSON input, a tenant exported from Microsoft
 * Graph (CLI.md "Tenant data from Microsoft Graph", docs/graph.md).
 *
 * The input is the export file, written to the process's temporary directory as
 * tenant.json and loaded with tenant_load (which hands a .json path to
 * graph_load_tenant) against the fixed policy of the Contoso example (rules/, embedded:
 * rules/catalog.skuld declares the GUIDs), as `skuld eval rules/ --tenant FILE.json`
 * does. A tenant that loads is evaluated and reported (JSON, text, Graph shape, state),
 * linted, and its current state (--baseline current) is built. The same file also goes
 * through `skuld import groups FILE.json` (graph_import_groups). Everything is freed.
 *
 * Replay a finding: skuld eval rules/ --tenant FILE.json [--format graph]; skuld import
 * groups FILE.json (tests/scripts/fuzz_regressions.sh; the file must end in .json).
 */
#include "fuzz_common.h"

#include "diag.h"
#include "eval.h"
#include "graph.h"
#include "lint.h"
#include "report.h"
#include "state.h"
#include "tenant.h"
#include "whatif.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    FzPolicy *fp = fz_contoso_policy();
    const char *path = fz_path("tenant.json");
    fz_write(path, data, size);
    FILE *sink = fz_devnull();

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

        EvalState *cur = eval_new(fp->p, t);
        whatif_baseline_current(cur);
        Snapshot *snap = snapshot_take(cur);
        snapshot_free(snap);
        eval_free(cur);
    }
    tenant_free(t);
    diag_free(&diags);

    /* skuld import groups FILE.json */
    SourceSet isources;
    source_set_init(&isources);
    DiagList idiags;
    diag_init(&idiags, &isources);
    graph_import_groups(path, sink, &idiags);
    diag_print_text(&idiags, sink);
    diag_free(&idiags);
    source_set_free(&isources);
    return 0;
}
