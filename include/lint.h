/* lint.h — `skuld lint`: findings about a rule set (and, with tenant data, about how
 * it meets the tenant) that are not errors of the language but will cost licence
 * errors later: prerequisite gaps first, then conflicts, seats, locations and data
 * hygiene. Every finding has a stable code, a severity, a location and a fix; the codes
 * are documented in docs/lint.md.
 *
 * Findings are diagnostics (diag.h) added to the rule set's list, so they print like
 * `check`'s. Configuration (codes switched off or re-levelled, `# skuld: allow CODE`
 * comments on the line a finding points at) is applied by lint_filter afterwards.
 */
#ifndef SKULD_LINT_H
#define SKULD_LINT_H

#include <stdio.h>
#include "diag.h"
#include "eval.h"
#include "policy.h"
#include "rules.h"

typedef struct {
    const char *code;
    Severity severity;          /* the default */
    int needs_tenant;
    const char *summary;        /* one line, for SARIF rule descriptions and --list */
} LintCode;

/* Every code, in documentation order; count in *n. */
const LintCode *lint_codes(size_t *n);
const LintCode *lint_code(const char *code);

/* Per-run configuration: which codes are on and at which severity. */
typedef struct {
    uint8_t *enabled;           /* per code */
    int *severity;              /* per code: a Severity set by --severity, or -1 */
} LintConfig;

void lint_config_init(LintConfig *cfg);
void lint_config_free(LintConfig *cfg);
/* Applies "--disable CODE", "--enable CODE" (CODE may be "all") or
 * "--severity CODE=error|warning|info". 0 with a message on stderr when unknown. */
int lint_config_apply(LintConfig *cfg, const char *option, const char *value);

/* Adds the rule-only findings; with st (an evaluated state) the tenant-aware ones too. */
void lint_run(const RuleSet *rs, const Policy *p, const EvalState *st, DiagList *out);

/* Drops findings switched off or allowed by a `# skuld: allow CODE` comment on their
 * line, and sets each one's configured severity. */
void lint_filter(DiagList *findings, const LintConfig *cfg);

/* SARIF 2.1.0 log of the findings. */
int lint_write_sarif(const DiagList *findings, FILE *out);

#endif
