/* fuzz_rules.c — libFuzzer target: the rule language, as `skuld check FILE` and
 * `skuld lint FILE` read it.
 *
 * The input is one rule file, written to the process's temporary directory and loaded
 * with rules_load (so the NUL and UTF-8 checks, includes relative to the file, include
 * cycles and the empty-file error run as on the command line), then checked (C1-C7,
 * compiled into a policy), its diagnostics printed as text and JSON; a clean rule set
 * is linted too (rule-only findings, SARIF). Everything is freed: LeakSanitizer runs.
 *
 * Replay a finding: skuld check FILE; skuld lint FILE (tests/scripts/fuzz_regressions.sh).
 */
#include "fuzz_common.h"

#include "diag.h"
#include "lint.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const char *path = fz_path("input.skuld");
    fz_write(path, data, size);
    FILE *sink = fz_devnull();

    RuleSet rs;
    rules_init(&rs);
    char *paths[1] = { (char *)path };
    rules_load(&rs, paths, 1);
    Policy *policy = rs.unreadable ? NULL : check_rules(&rs);
    diag_print_text(&rs.diags, sink);
    diag_print_json(&rs.diags, sink);
    if (policy && rs.diags.errors == 0) {
        /* skuld lint FILE --format sarif (every code is on by default) */
        LintConfig cfg;
        lint_config_init(&cfg);
        DiagList findings;
        diag_init(&findings, &rs.sources);
        findings.limit = 0;
        lint_run(&rs, policy, NULL, &findings);
        lint_filter(&findings, &cfg);
        diag_print_text(&findings, sink);
        lint_write_sarif(&findings, sink);
        diag_free(&findings);
        lint_config_free(&cfg);
    }
    policy_free(policy);
    rules_free(&rs);
    return 0;
}
