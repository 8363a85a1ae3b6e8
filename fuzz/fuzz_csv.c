/* fuzz_csv.c — libFuzzer target: the tenant CSV loader (CLI.md's directory format),
 * then everything that reads a loaded tenant.
 *
 * The input is the tenant's four files joined by the byte 0xFF (which UTF-8 text never
 * holds): users.csv 0xFF members.csv 0xFF licenses.csv 0xFF skus.csv. A file whose part
 * is missing (fewer separators) is absent from the directory: users.csv and members.csv
 * absent is an error, licenses.csv and skus.csv are optional. Bytes after a fourth
 * separator are ignored. The parts are written to the process's temporary directory and
 * loaded with tenant_load against the fixed policy of the Contoso example (rules/,
 * embedded), as `skuld eval rules/ --tenant DIR` does. A tenant that loads is evaluated
 * and reported (JSON, text, Graph, state file), linted (`skuld lint --tenant`), and its
 * current state (--baseline current) is built and snapshotted.
 *
 * Replay a finding: tests/scripts/fuzz_regressions.sh splits the file the same way and
 * runs `skuld eval rules/ --tenant DIR` (and lint, and a whatif from the current state).
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

static const char *const parts[4] = { "tenant/users.csv", "tenant/members.csv", "tenant/licenses.csv",
                                      "tenant/skus.csv" };

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    FzPolicy *fp = fz_contoso_policy();
    const char *dir = fz_mkdir("tenant");
    size_t at = 0;      /* where the next part starts; size + 1: no more parts */
    for (int i = 0; i < 4; i++) {
        const char *path = fz_path(parts[i]);
        if (at > size) {
            unlink(path);
            continue;
        }
        const uint8_t *sep = size > at ? memchr(data + at, 0xFF, size - at) : NULL;
        size_t end = sep ? (size_t)(sep - data) : size;
        fz_write(path, data + at, end - at);
        at = sep ? end + 1 : size + 1;
    }

    FILE *sink = fz_devnull();
    fz_exercise_tenant(fp, dir, sink);
    return 0;
}
