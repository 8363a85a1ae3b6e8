/* whatif.h — dry runs (SEMANTICS.md, What-if): a scenario's changes applied in order
 * to a baseline state, what changed (W6), and which groups a reprocess would clear.
 *
 * Flow: whatif_baseline_current (or eval_run) builds the baseline; whatif_apply
 * validates and applies each change (W1, W2) and recomputes the direct-licence
 * findings (W5); whatif_run around it keeps what the diff needs (the violations and
 * seats before and after, and the assignments of the users the changes touched,
 * through the state's on_change hook), and with whatif_reprocess_hints the report
 * (report_whatif_*) has all it shows. snapshot_take copies every user's assignments
 * (the tests compare whole states with it).
 *
 * Ownership: snapshots own their copies; the state is the caller's.
 */
#ifndef SKULD_WHATIF_H
#define SKULD_WHATIF_H

#include <stdio.h>
#include "ast.h"
#include "diag.h"
#include "eval.h"

typedef struct {                /* 32 bytes: a million users' snapshot holds millions */
    const bitword *plans;       /* into the snapshot's plan_sets */
    const uint32_t *via;        /* groups, processing order (into via_pool) */
    uint32_t user, product;
    uint32_t nvia;
    uint8_t direct;
} SnapAssign;

typedef struct {
    uint32_t user;
    int32_t group;
    uint32_t product;
    ViolationCode code;
    const char *detail, *hint;  /* copies (snapshot_take), or the state's (snapshot_borrow) */
} SnapViolation;

typedef struct {
    SnapAssign *assigns;        /* by user, then product */
    uint32_t nassigns;
    bitword *plan_sets;         /* the state's plan sets when taken */
    uint32_t *via_pool;         /* every assignment's groups */
    SnapViolation *violations;  /* report order */
    uint32_t nviolations;
    int64_t *consumed, *seats, *conflict;   /* per product */
    int borrowed;               /* the violation texts are the state's (snapshot_borrow) */
} Snapshot;

typedef struct {
    uint32_t group;
    uint32_t would_clear;
} ReprocessHint;

/* Builds the tenant's current state as imported (--baseline current): direct licences,
 * and inherited licences held or in error as their error column says. */
void whatif_baseline_current(EvalState *st);

/* Applies the scenario's changes in order (W1-W5). An invalid change is a located
 * error in diags and stops the run: returns -1 (nothing may be reported). */
int whatif_apply(EvalState *st, const Stmt *scenario, DiagList *diags);

Snapshot *snapshot_take(const EvalState *st);
/* The same, without copying the violation texts: it points at the state's text pool,
 * which keeps every text until the state is freed. Free the snapshot first. */
Snapshot *snapshot_borrow(const EvalState *st);
void snapshot_free(Snapshot *s);
/* Snapshot order of two SnapAssigns: user, then product (a qsort comparator). */
int snapshot_cmp_assign(const void *x, const void *y);

/* Groups, in processing order, whose reprocess would clear some of their users in
 * error (W6 `reprocess`). Caller frees. */
ReprocessHint *whatif_reprocess_hints(const EvalState *st, uint32_t *count);

typedef struct {
    const char *scenario;
    const Snapshot *before, *after;
    const EvalState *state;     /* after the scenario (names, policy) */
    const ReprocessHint *reprocess;
    uint32_t nreprocess;
} WhatifDiff;

/* A whole dry run: the snapshots before and after (assignments of the touched users
 * only: the others' are the same on both sides, and the diff lists nothing for them),
 * the state after, the reprocess hints; `diff` ready for the reports. */
typedef struct {
    Snapshot *before, *after;
    ReprocessHint *hints;
    uint32_t nhints;
    WhatifDiff diff;
} WhatifRun;

/* Runs the scenario on st (its baseline). 0, or -1 when a change was invalid (in
 * diags). whatif_run_free in either case, before eval_free (the run's snapshots
 * borrow the state's texts). */
int whatif_run(EvalState *st, const Stmt *scenario, DiagList *diags, WhatifRun *run);
void whatif_run_free(WhatifRun *run);

/* Whether the scenario raised a violation or created or grew a licence conflict. */
int whatif_raises(const WhatifDiff *d);

int report_whatif_json(const WhatifDiff *d, FILE *out);
int report_whatif_text(const WhatifDiff *d, FILE *out);

#endif
