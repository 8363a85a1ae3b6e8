/* report_whatif.c — the what-if diff (SEMANTICS.md W6): JSON per CLI.md, and a text
 * report a person reads in ten seconds. Both walk the two snapshots in report order
 * and merge them by key. */
#include "whatif.h"
#include "jsonw.h"

#include <stdlib.h>
#include <string.h>

/* ---- merging ------------------------------------------------------------------- */

static int same_assign(const Policy *p, const SnapAssign *a, const SnapAssign *b)
{
    return bitset_equal(a->plans, b->plans, p->plan_words) && a->direct == b->direct && a->nvia == b->nvia &&
           (a->nvia == 0 || memcmp(a->via, b->via, a->nvia * sizeof *a->via) == 0);
}

static int cmp_violation(const EvalState *st, const SnapViolation *a, const SnapViolation *b)
{
    if (a->user != b->user) return a->user < b->user ? -1 : 1;
    if (a->product != b->product) return a->product < b->product ? -1 : 1;
    uint32_t ra = a->group < 0 ? 0 : st->group_rank[a->group] + 1;
    uint32_t rb = b->group < 0 ? 0 : st->group_rank[b->group] + 1;
    return ra < rb ? -1 : ra > rb;
}

typedef enum { ONLY_BEFORE, ONLY_AFTER, BOTH } Side;
typedef void (*assign_fn)(void *ctx, Side side, const SnapAssign *before, const SnapAssign *after);
typedef void (*violation_fn)(void *ctx, Side side, const SnapViolation *before, const SnapViolation *after);

static void merge_assigns(const WhatifDiff *d, assign_fn fn, void *ctx)
{
    uint32_t i = 0, k = 0;
    const Snapshot *b = d->before, *a = d->after;
    while (i < b->nassigns || k < a->nassigns) {
        int c = i == b->nassigns ? 1 : k == a->nassigns ? -1 : snapshot_cmp_assign(&b->assigns[i], &a->assigns[k]);
        if (c < 0) fn(ctx, ONLY_BEFORE, &b->assigns[i++], NULL);
        else if (c > 0) fn(ctx, ONLY_AFTER, NULL, &a->assigns[k++]);
        else fn(ctx, BOTH, &b->assigns[i++], &a->assigns[k++]);
    }
}

/* One record per key: a second violation of the same (user, group, product) is skipped. */
static void merge_violations(const WhatifDiff *d, violation_fn fn, void *ctx)
{
    uint32_t i = 0, k = 0;
    const Snapshot *b = d->before, *a = d->after;
    const EvalState *st = d->state;
    while (i < b->nviolations || k < a->nviolations) {
        if (i > 0 && i < b->nviolations && cmp_violation(st, &b->violations[i - 1], &b->violations[i]) == 0) { i++; continue; }
        if (k > 0 && k < a->nviolations && cmp_violation(st, &a->violations[k - 1], &a->violations[k]) == 0) { k++; continue; }
        int c = i == b->nviolations ? 1 : k == a->nviolations ? -1 : cmp_violation(st, &b->violations[i], &a->violations[k]);
        if (c < 0) fn(ctx, ONLY_BEFORE, &b->violations[i++], NULL);
        else if (c > 0) fn(ctx, ONLY_AFTER, NULL, &a->violations[k++]);
        else fn(ctx, BOTH, &b->violations[i++], &a->violations[k++]);
    }
}

/* ---- exit status ----------------------------------------------------------------- */

static void count_raised(void *ctx, Side side, const SnapViolation *before, const SnapViolation *after)
{
    (void)before;
    (void)after;
    if (side == ONLY_AFTER) (*(int *)ctx)++;
}

int whatif_raises(const WhatifDiff *d)
{
    int raised = 0;
    merge_violations(d, count_raised, &raised);
    if (raised) return 1;
    for (uint32_t i = 0; i < d->state->p->nproducts; i++)
        if (d->after->conflict[i] > d->before->conflict[i]) return 1;
    return 0;
}

/* ---- JSON -------------------------------------------------------------------------- */

typedef struct {
    JsonWriter *w;
    const WhatifDiff *d;
    Side want;
    int changed;            /* write the "changed" shape */
} JsonCtx;

static void json_plans(JsonWriter *w, const Policy *p, const bitword *plans)
{
    jw_array_begin(w);
    BITSET_FOREACH(q, plans, p->nplans) jw_string(w, p->plans[q].name);
    jw_array_end(w);
}

static void json_via(JsonWriter *w, const Policy *p, const SnapAssign *a)
{
    jw_array_begin(w);
    if (a->direct) jw_string(w, "direct");
    for (uint32_t i = 0; i < a->nvia; i++) jw_string(w, p->groups[a->via[i]].name);
    jw_array_end(w);
}

static void json_assign(void *vctx, Side side, const SnapAssign *before, const SnapAssign *after)
{
    JsonCtx *c = vctx;
    const EvalState *st = c->d->state;
    const Policy *p = st->p;
    if (c->changed) {
        if (side != BOTH || same_assign(p, before, after)) return;
        jw_object_begin(c->w);
        jw_key(c->w, "user");
        jw_string(c->w, st->t->users[after->user].id);
        jw_key(c->w, "product");
        jw_string(c->w, p->products[after->product].name);
        jw_key(c->w, "plans_before");
        json_plans(c->w, p, before->plans);
        jw_key(c->w, "plans_after");
        json_plans(c->w, p, after->plans);
        jw_key(c->w, "via_before");
        json_via(c->w, p, before);
        jw_key(c->w, "via_after");
        json_via(c->w, p, after);
        jw_object_end(c->w);
        return;
    }
    if (side != c->want) return;
    const SnapAssign *a = after ? after : before;
    jw_object_begin(c->w);
    jw_key(c->w, "user");
    jw_string(c->w, st->t->users[a->user].id);
    jw_key(c->w, "product");
    jw_string(c->w, p->products[a->product].name);
    jw_key(c->w, "plans");
    json_plans(c->w, p, a->plans);
    jw_key(c->w, "via");
    json_via(c->w, p, a);
    jw_object_end(c->w);
}

static void json_violation(void *vctx, Side side, const SnapViolation *before, const SnapViolation *after)
{
    JsonCtx *c = vctx;
    const EvalState *st = c->d->state;
    const Policy *p = st->p;
    if (c->changed) {
        if (side != BOTH || before->code == after->code) return;
        jw_object_begin(c->w);
        jw_key(c->w, "user");
        jw_string(c->w, st->t->users[after->user].id);
        jw_key(c->w, "group");
        if (after->group < 0) jw_null(c->w);
        else jw_string(c->w, p->groups[after->group].name);
        jw_key(c->w, "product");
        jw_string(c->w, p->products[after->product].name);
        jw_key(c->w, "error_before");
        jw_string(c->w, violation_code_name(before->code));
        jw_key(c->w, "error_after");
        jw_string(c->w, violation_code_name(after->code));
        jw_key(c->w, "detail");
        jw_string(c->w, after->detail);
        jw_key(c->w, "hint");
        jw_string(c->w, after->hint);
        jw_object_end(c->w);
        return;
    }
    if (side != c->want) return;
    const SnapViolation *v = after ? after : before;
    jw_object_begin(c->w);
    jw_key(c->w, "user");
    jw_string(c->w, st->t->users[v->user].id);
    jw_key(c->w, "group");
    if (v->group < 0) jw_null(c->w);
    else jw_string(c->w, p->groups[v->group].name);
    jw_key(c->w, "product");
    jw_string(c->w, p->products[v->product].name);
    jw_key(c->w, "error");
    jw_string(c->w, violation_code_name(v->code));
    jw_key(c->w, "detail");
    jw_string(c->w, v->detail);
    jw_key(c->w, "hint");
    jw_string(c->w, v->hint);
    jw_object_end(c->w);
}

static void json_seats(JsonWriter *w, const char *key, int64_t seats)
{
    jw_key(w, key);
    if (seats == SEATS_UNLIMITED) jw_null(w);
    else jw_int(w, seats);
}

int report_whatif_json(const WhatifDiff *d, FILE *out)
{
    const Policy *p = d->state->p;
    JsonWriter w;
    jw_init(&w, out);
    JsonCtx c = { &w, d, ONLY_AFTER, 0 };
    jw_object_begin(&w);
    jw_key(&w, "schema");
    jw_int(&w, 1);
    jw_key(&w, "scenario");
    jw_string(&w, d->scenario);
    jw_key(&w, "assignments");
    jw_object_begin(&w);
    const char *akeys[] = { "gained", "lost", "changed" };
    for (int i = 0; i < 3; i++) {
        jw_key(&w, akeys[i]);
        jw_array_begin(&w);
        c.want = i == 0 ? ONLY_AFTER : ONLY_BEFORE;
        c.changed = i == 2;
        merge_assigns(d, json_assign, &c);
        jw_array_end(&w);
    }
    jw_object_end(&w);
    jw_key(&w, "violations");
    jw_object_begin(&w);
    const char *vkeys[] = { "raised", "cleared", "changed" };
    for (int i = 0; i < 3; i++) {
        jw_key(&w, vkeys[i]);
        jw_array_begin(&w);
        c.want = i == 0 ? ONLY_AFTER : ONLY_BEFORE;
        c.changed = i == 2;
        merge_violations(d, json_violation, &c);
        jw_array_end(&w);
    }
    jw_object_end(&w);
    jw_key(&w, "products");
    jw_array_begin(&w);
    for (uint32_t i = 0; i < p->nproducts; i++) {
        jw_object_begin(&w);
        jw_key(&w, "product");
        jw_string(&w, p->products[i].name);
        jw_key(&w, "consumed_before");
        jw_int(&w, d->before->consumed[i]);
        jw_key(&w, "consumed_after");
        jw_int(&w, d->after->consumed[i]);
        json_seats(&w, "seats_before", d->before->seats[i]);
        json_seats(&w, "seats_after", d->after->seats[i]);
        jw_key(&w, "conflict_before");
        jw_int(&w, d->before->conflict[i]);
        jw_key(&w, "conflict_after");
        jw_int(&w, d->after->conflict[i]);
        jw_object_end(&w);
    }
    jw_array_end(&w);
    jw_key(&w, "reprocess");
    jw_array_begin(&w);
    for (uint32_t i = 0; i < d->nreprocess; i++) {
        jw_object_begin(&w);
        jw_key(&w, "group");
        jw_string(&w, p->groups[d->reprocess[i].group].name);
        jw_key(&w, "would_clear");
        jw_int(&w, d->reprocess[i].would_clear);
        jw_object_end(&w);
    }
    jw_array_end(&w);
    jw_object_end(&w);
    return jw_finish(&w);
}

/* ---- text ------------------------------------------------------------------------ */

typedef struct {
    FILE *out;
    const WhatifDiff *d;
    uint32_t gained, lost, changed, raised, cleared, recoded;
    int pass;               /* 0: count, 1: print */
} TextCtx;

static void text_via(FILE *out, const Policy *p, const SnapAssign *a)
{
    int n = 0;
    if (a->direct) { fputs("direct", out); n++; }
    for (uint32_t i = 0; i < a->nvia; i++) fprintf(out, "%s\"%s\"", n++ ? ", " : "", p->groups[a->via[i]].name);
}

static void text_assign(void *vctx, Side side, const SnapAssign *before, const SnapAssign *after)
{
    TextCtx *c = vctx;
    const EvalState *st = c->d->state;
    const Policy *p = st->p;
    if (side == BOTH && same_assign(p, before, after)) return;
    if (c->pass == 0) {
        if (side == ONLY_AFTER) c->gained++;
        else if (side == ONLY_BEFORE) c->lost++;
        else c->changed++;
        return;
    }
    const SnapAssign *a = after ? after : before;
    fprintf(c->out, "  %c %s  %s  ", side == ONLY_AFTER ? '+' : side == ONLY_BEFORE ? '-' : '~',
            st->t->users[a->user].id, p->products[a->product].name);
    if (side == BOTH) {
        fputs("via ", c->out);
        text_via(c->out, p, before);
        fputs(" -> ", c->out);
        text_via(c->out, p, after);
        if (!bitset_equal(before->plans, after->plans, p->plan_words)) {
            char *pb = policy_plan_names(p, before->plans, 0, ", "), *pa = policy_plan_names(p, after->plans, 0, ", ");
            fprintf(c->out, "; plans %s -> %s", pb, pa);
            free(pb);
            free(pa);
        }
    } else {
        fputs(side == ONLY_AFTER ? "via " : "was via ", c->out);
        text_via(c->out, p, a);
    }
    fputc('\n', c->out);
}

static void text_violation(void *vctx, Side side, const SnapViolation *before, const SnapViolation *after)
{
    TextCtx *c = vctx;
    const EvalState *st = c->d->state;
    const Policy *p = st->p;
    if (side == BOTH && before->code == after->code) return;
    if (c->pass == 0) {
        if (side == ONLY_AFTER) c->raised++;
        else if (side == ONLY_BEFORE) c->cleared++;
        else c->recoded++;
        return;
    }
    const SnapViolation *v = after ? after : before;
    char where[600];
    if (v->group < 0) snprintf(where, sizeof where, "direct licence");
    else snprintf(where, sizeof where, "group \"%s\"", p->groups[v->group].name);
    if (side == ONLY_BEFORE) {
        fprintf(c->out, "  - cleared  %s  %s (%s): %s\n", st->t->users[v->user].id, p->products[v->product].name, where,
                violation_code_name(v->code));
        return;
    }
    fprintf(c->out, "  + %s  %s  %s (%s): %s", side == BOTH ? "changed" : "raised ", st->t->users[v->user].id,
            p->products[v->product].name, where, violation_code_name(v->code));
    if (side == BOTH) fprintf(c->out, " (was %s)", violation_code_name(before->code));
    fprintf(c->out, ": %s\n", v->detail ? v->detail : "");
    if (v->hint) fprintf(c->out, "      fix: %s\n", v->hint);
}

int report_whatif_text(const WhatifDiff *d, FILE *out)
{
    const Policy *p = d->state->p;
    TextCtx c;
    memset(&c, 0, sizeof c);
    c.out = out;
    c.d = d;
    merge_assigns(d, text_assign, &c);
    merge_violations(d, text_violation, &c);
    c.pass = 1;
    fprintf(out, "What-if \"%s\"\n", d->scenario);
    int any_seat = 0;
    for (uint32_t i = 0; i < p->nproducts; i++) {
        if (d->before->consumed[i] == d->after->consumed[i] && d->before->seats[i] == d->after->seats[i]) continue;
        if (!any_seat) fprintf(out, "\nSeats\n  %-24s %21s  %21s  %13s\n", "PRODUCT", "CONSUMED", "SEATS", "CONFLICT");
        any_seat = 1;
        char sb[24], sa[24], cons[64], seats[64], conf[64];
        if (d->before->seats[i] == SEATS_UNLIMITED) strcpy(sb, "unlimited");
        else snprintf(sb, sizeof sb, "%lld", (long long)d->before->seats[i]);
        if (d->after->seats[i] == SEATS_UNLIMITED) strcpy(sa, "unlimited");
        else snprintf(sa, sizeof sa, "%lld", (long long)d->after->seats[i]);
        snprintf(cons, sizeof cons, "%lld -> %lld", (long long)d->before->consumed[i], (long long)d->after->consumed[i]);
        snprintf(seats, sizeof seats, "%s -> %s", sb, sa);
        snprintf(conf, sizeof conf, "%lld -> %lld", (long long)d->before->conflict[i], (long long)d->after->conflict[i]);
        fprintf(out, "  %-24s %21s  %21s  %13s\n", p->products[i].name, cons, seats, conf);
    }
    if (!any_seat) fprintf(out, "\nSeats: no change\n");
    fprintf(out, "\nAssignments: %u gained, %u lost, %u changed\n", c.gained, c.lost, c.changed);
    merge_assigns(d, text_assign, &c);
    fprintf(out, "\nViolations: %u raised, %u cleared, %u changed\n", c.raised, c.cleared, c.recoded);
    merge_violations(d, text_violation, &c);
    if (d->nreprocess) {
        fprintf(out, "\nReprocess would clear:\n");
        for (uint32_t i = 0; i < d->nreprocess; i++)
            fprintf(out, "  group \"%s\": %u user%s\n", p->groups[d->reprocess[i].group].name, d->reprocess[i].would_clear,
                    d->reprocess[i].would_clear == 1 ? "" : "s");
    }
    int grows = 0;
    for (uint32_t i = 0; i < p->nproducts; i++) grows |= d->after->conflict[i] > d->before->conflict[i];
    fprintf(out, "\nResult: %s\n", c.raised || grows ? "the scenario raises violations or licence conflicts (exit 1)"
                                                     : "the scenario raises no violation (exit 0)");
    return ferror(out) ? -1 : 0;
}
