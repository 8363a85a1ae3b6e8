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
#include "fuzz_tenant.h"

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
    fz_exercise_tenant(fp, path, sink);

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
