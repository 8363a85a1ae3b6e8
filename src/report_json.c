/* report_json.c — the eval report in JSON, schema 1 (CLI.md), streamed. */
#include "report.h"
#include "jsonw.h"

#include "util.h"
#include <stdlib.h>

uint32_t *report_users_in_error(const EvalState *st)
{
    const Policy *p = st->p;
    uint32_t *in_error = calloc((size_t)p->ngroups + 1, sizeof *in_error);
    uint32_t *stamp = calloc((size_t)p->ngroups + 1, sizeof *stamp);   /* user + 1 last counted */
    if (!in_error || !stamp) fatal_oom();
    for (uint32_t i = 0; i < st->nviolations; i++) {
        const Violation *v = &st->violations[i];
        if (v->group < 0 || stamp[v->group] == v->user + 1) continue;
        stamp[v->group] = v->user + 1;
        in_error[v->group]++;
    }
    free(stamp);
    return in_error;
}

static void write_products(JsonWriter *w, const EvalState *st)
{
    const Policy *p = st->p;
    jw_key(w, "products");
    jw_array_begin(w);
    for (uint32_t i = 0; i < p->nproducts; i++) {
        const PolicyProduct *pr = &p->products[i];
        jw_object_begin(w);
        jw_key(w, "product");
        jw_string(w, pr->name);
        jw_key(w, "name");
        jw_string(w, pr->display);
        jw_key(w, "seats");
        if (st->seats[i] == SEATS_UNLIMITED) jw_null(w);
        else jw_int(w, st->seats[i]);
        jw_key(w, "consumed");
        jw_int(w, st->consumed[i]);
        jw_key(w, "available");
        if (st->seats[i] == SEATS_UNLIMITED) jw_null(w);
        else jw_int(w, st->seats[i] > st->consumed[i] ? st->seats[i] - st->consumed[i] : 0);
        jw_key(w, "conflict");
        jw_int(w, eval_conflict(st, i));
        jw_object_end(w);
    }
    jw_array_end(w);
}

static int cmp_holding_product(const void *x, const void *y, const EvalState *st)
{
    uint32_t a = st->holdings[*(const uint32_t *)x].product, b = st->holdings[*(const uint32_t *)y].product;
    return a < b ? -1 : a > b;
}

/* The user's holdings by product declaration order (insertion sort: a user holds few). */
static uint32_t user_holdings(const EvalState *st, uint32_t user, uint32_t **buf, size_t *cap)
{
    uint32_t n = 0;
    for (uint32_t h = st->user_first[user]; h != EVAL_NONE; h = st->holdings[h].next) {
        if (n == *cap) {
            *cap = *cap ? *cap * 2 : 16;
            uint32_t *grown = realloc(*buf, *cap * sizeof **buf);
            if (!grown) fatal_oom();
            *buf = grown;
        }
        (*buf)[n++] = h;
    }
    for (uint32_t i = 1; i < n; i++) {
        uint32_t x = (*buf)[i], k = i;
        while (k > 0 && cmp_holding_product(&(*buf)[k - 1], &x, st) > 0) {
            (*buf)[k] = (*buf)[k - 1];
            k--;
        }
        (*buf)[k] = x;
    }
    return n;
}

static void write_assignments(JsonWriter *w, const EvalState *st)
{
    const Policy *p = st->p;
    uint32_t *hs = NULL;
    size_t cap = 0;
    jw_key(w, "assignments");
    jw_array_begin(w);
    for (uint32_t u = 0; u < st->t->nusers; u++) {
        uint32_t n = user_holdings(st, u, &hs, &cap);
        for (uint32_t i = 0; i < n; i++) {
            const Holding *h = &st->holdings[hs[i]];
            jw_object_begin(w);
            jw_key(w, "user");
            jw_string(w, st->t->users[u].id);
            jw_key(w, "product");
            jw_string(w, p->products[h->product].name);
            jw_key(w, "plans");
            jw_array_begin(w);
            const bitword *plans = eval_holding_plans(st, hs[i]);
            BITSET_FOREACH(q, plans, p->nplans) jw_string(w, p->plans[q].name);
            jw_array_end(w);
            jw_key(w, "via");
            jw_array_begin(w);
            if (h->direct) jw_string(w, "direct");
            for (uint32_t v = h->via_first; v != EVAL_NONE; v = st->via[v].next)
                jw_string(w, p->groups[st->via[v].group].name);
            jw_array_end(w);
            jw_object_end(w);
        }
    }
    jw_array_end(w);
    free(hs);
}

static void write_violations(JsonWriter *w, const EvalState *st)
{
    const Policy *p = st->p;
    jw_key(w, "violations");
    jw_array_begin(w);
    for (uint32_t i = 0; i < st->nviolations; i++) {
        const Violation *v = &st->violations[i];
        jw_object_begin(w);
        jw_key(w, "user");
        jw_string(w, st->t->users[v->user].id);
        jw_key(w, "group");
        if (v->group < 0) jw_null(w);
        else jw_string(w, p->groups[v->group].name);
        jw_key(w, "product");
        jw_string(w, p->products[v->product].name);
        jw_key(w, "error");
        jw_string(w, violation_code_name(v->code));
        jw_key(w, "detail");
        jw_string(w, v->detail);
        jw_key(w, "hint");
        jw_string(w, v->hint);
        jw_object_end(w);
    }
    jw_array_end(w);
}

static void write_groups(JsonWriter *w, const EvalState *st)
{
    const Policy *p = st->p;
    uint32_t *in_error = report_users_in_error(st);
    jw_key(w, "groups");
    jw_array_begin(w);
    for (uint32_t i = 0; i < p->ngroups; i++) {
        uint32_t g = p->order[i];
        uint32_t members = st->groups[g].nmembers;
        jw_object_begin(w);
        jw_key(w, "group");
        jw_string(w, p->groups[g].name);
        jw_key(w, "members");
        jw_int(w, members);
        jw_key(w, "licensed");
        jw_int(w, (int64_t)members - in_error[g]);
        jw_key(w, "in_error");
        jw_int(w, in_error[g]);
        jw_object_end(w);
    }
    jw_array_end(w);
    free(in_error);
}

int report_eval_json(const EvalState *st, FILE *out, const ReportOptions *opt)
{
    JsonWriter w;
    jw_init(&w, out);
    jw_object_begin(&w);
    jw_key(&w, "schema");
    jw_int(&w, 1);
    write_products(&w, st);
    if (!opt->no_assignments) write_assignments(&w, st);
    write_violations(&w, st);
    write_groups(&w, st);
    jw_object_end(&w);
    return jw_finish(&w);
}
