/* transition.c — what-if transitions (see transition.h): W3 reprocessing, W2 direct
 * licence changes, and S8/W4 removals that fail and keep a product in error. */
#include "transition.h"
#include "util.h"

#include <stdlib.h>
#include <string.h>

void eval_own(EvalState *st, void *block)
{
    if (!grow_array((void **)&st->owned, &st->owned_cap, st->nowned + 1, sizeof *st->owned)) fatal_oom();
    st->owned[st->nowned++] = block;
}

/* Tells the state's on_change hook (if any) that what the user holds may change now:
 * every transition below calls it first, before its first write. */
static void will_change(EvalState *st, uint32_t user)
{
    if (st->on_change) st->on_change(st, user, st->on_change_ctx);
}

void eval_hold_via(EvalState *st, uint32_t user, uint32_t product, uint32_t g, const bitword *enabled, int kept)
{
    will_change(st, user);
    eval_add_source(st, user, eval_hold(st, user, product), g, enabled, kept);
}

void eval_hold_direct(EvalState *st, uint32_t user, uint32_t product, const bitword *enabled)
{
    will_change(st, user);
    uint32_t h = eval_hold(st, user, product);
    eval_set_direct(st, h, eval_enabled_index(st, enabled));
    eval_note_direct(st, user);
    eval_refresh_holding(st, user, h);
}

/* ---- S8 / W4: removals ------------------------------------------------------------- */

/* One source a removal would take away: a group's via node, or a direct licence. */
typedef struct {
    uint32_t holding;
    uint32_t via;           /* the via node, or EVAL_NONE for the direct licence */
    const bitword *enabled;
    int keep;               /* S8 says it must stay */
    uint32_t needed_by;     /* the plan that needs it (when kept) */
    uint32_t requirement;   /* the requirement that would break */
} Removal;

/* Takes the sources away from the user, except those S8 keeps: a source stays when
 * taking it would leave a remaining enabled plan without any plan of a requirement that
 * was met before. Kept sources are marked (via: kept = 1) and get a DependencyViolation
 * through `group` (EVAL_DIRECT for a direct licence). Returns how many were kept. */
static uint32_t remove_sources(EvalState *st, uint32_t user, int32_t group, Removal *rm, uint32_t n)
{
    const Policy *p = st->p;
    size_t words = p->plan_words;
    bitword *before = policy_plan_set(p), *after = policy_plan_set(p);
    if (!before || !after) fatal_oom();
    eval_user_plans(st, user, before);
    /* after = plans of every source not being removed */
    for (uint32_t h = st->user_state[user].first; h != EVAL_NONE; h = eval_holding(st, h)->next) {
        const Holding *hd = eval_holding(st, h);
        int direct_removed = 0;
        for (uint32_t i = 0; i < n; i++) direct_removed |= rm[i].holding == h && rm[i].via == EVAL_NONE;
        if (hd->direct && !direct_removed) bitset_or(after, eval_direct_enabled(st, h), words);
        for (uint32_t v = hd->via_first; v != EVAL_NONE; v = st->via[v].next) {
            int removed = 0;
            for (uint32_t i = 0; i < n; i++) removed |= rm[i].via == v;
            if (!removed) bitset_or(after, eval_via_enabled(st, v), words);
        }
    }
    uint32_t kept = 0;
    for (int changed = 1; changed;) {
        changed = 0;
        BITSET_FOREACH(q, after, p->nplans) {
            const PolicyPlan *pl = &p->plans[q];
            for (uint32_t r = pl->first_requirement; r < pl->first_requirement + pl->nrequirements; r++) {
                const PolicyRequirement *req = &p->requirements[r];
                if (!bitset_intersects(req->any_of, before, words) || bitset_intersects(req->any_of, after, words))
                    continue;   /* unmet before (never blocks), or still met */
                for (uint32_t i = 0; i < n; i++) {
                    if (rm[i].keep || !bitset_intersects(rm[i].enabled, req->any_of, words)) continue;
                    rm[i].keep = 1;
                    rm[i].needed_by = (uint32_t)q;
                    rm[i].requirement = r;
                    bitset_or(after, rm[i].enabled, words);
                    kept++;
                    changed = 1;
                }
            }
        }
    }
    for (uint32_t i = 0; i < n; i++) {
        Holding *hd = eval_holding(st, rm[i].holding);
        uint32_t product = hd->product;
        if (rm[i].keep) {
            if (rm[i].via != EVAL_NONE) st->via[rm[i].via].kept = 1;
            const PolicyRequirement *req = &p->requirements[rm[i].requirement];
            StrBuf alts = {0}, ors = {0};
            for (uint32_t k = 0; k < req->nalternatives; k++) {
                sb_printf(&alts, "%s%s", k ? ", " : "", p->plans[req->alternatives[k]].name);
                sb_printf(&ors, "%s%s", k ? " or " : "", p->plans[req->alternatives[k]].name);
            }
            char *alt_text = sb_take(&alts), *or_text = sb_take(&ors);
            char *source = group >= 0 ? str_printf("group \"%s\"", p->groups[group].name) : str_printf("the direct licence");
            char *detail = str_printf("License removal failed because service plan %s depends on the service plan(s) "
                                      "%s; %s stays through %s, in error", p->plans[rm[i].needed_by].name, alt_text,
                                      p->products[product].name, source);
            char *hint = str_printf("keep %s enabled for the user through another licence or group, or remove %s "
                                    "first; then reprocess", or_text, p->plans[rm[i].needed_by].name);
            eval_clear_violations(st, user, group, product, 1u << VK_KEPT);
            eval_add_violation(st, user, group, product, V_DEPENDENCY, VK_KEPT, detail, hint);
            free(alt_text);
            free(or_text);
            free(source);
            continue;
        }
        eval_clear_violations(st, user, group, product, 1u << VK_KEPT);   /* an earlier S8 keep is over */
        if (rm[i].via == EVAL_NONE) {
            hd->direct = 0;
        } else {
            uint32_t *link = &hd->via_first;
            while (*link != rm[i].via) link = &st->via[*link].next;
            *link = st->via[rm[i].via].next;
        }
    }
    /* refresh each touched holding once (it may go, freeing its seat) */
    for (uint32_t i = 0; i < n; i++) {
        int seen = 0;
        for (uint32_t k = 0; k < i; k++) seen |= rm[k].holding == rm[i].holding;
        if (!seen && eval_holding(st, rm[i].holding)->product != EVAL_NONE) eval_refresh_holding(st, user, rm[i].holding);
    }
    free(before);
    free(after);
    return kept;
}

/* The user's sources through group g (products to remove), into *out; returns n. */
static uint32_t group_sources(const EvalState *st, uint32_t user, uint32_t g, Removal **out, size_t *cap)
{
    uint32_t n = 0;
    for (uint32_t h = st->user_state[user].first; h != EVAL_NONE; h = eval_holding(st, h)->next)
        for (uint32_t v = eval_holding(st, h)->via_first; v != EVAL_NONE; v = st->via[v].next) {
            if (st->via[v].group != g) continue;
            if (!grow_array((void **)out, cap, n + 1, sizeof **out)) fatal_oom();
            Removal *r = &(*out)[n++];
            memset(r, 0, sizeof *r);
            r->holding = h;
            r->via = v;
            r->enabled = eval_via_enabled(st, v);
        }
    return n;
}

/* ---- W3: reprocessing ------------------------------------------------------------- */

void eval_reprocess_pair(EvalState *st, uint32_t user, uint32_t g)
{
    will_change(st, user);
    const GroupView *G = &st->groups[g];
    const unsigned group_kinds = (1u << VK_GROUP) | (1u << VK_KEPT) | (1u << VK_IMPORTED);
    Removal *rm = NULL;
    size_t cap = 0;
    if (!eval_is_member(st, user, g) || G->nassigns == 0) {
        /* the target is nothing: what the group gave goes (S8), its errors clear */
        eval_clear_violations(st, user, (int32_t)g, EVAL_NONE, group_kinds);
        uint32_t n = group_sources(st, user, g, &rm, &cap);
        if (n) remove_sources(st, user, (int32_t)g, rm, n);
        free(rm);
        return;
    }
    int failed = -1;
    int codes[64];
    int *code = G->nassigns <= 64 ? codes : malloc(G->nassigns * sizeof *code);
    if (!code) fatal_oom();
    for (uint32_t k = 0; k < G->nassigns; k++) {
        code[k] = eval_check_assign(st, user, &G->assigns[k], (int)g, NULL, NULL, NULL);
        if (code[k] >= 0 && failed < 0) failed = (int)k;
    }
    char *where = str_printf("group \"%s\"", st->p->groups[g].name);
    char **details = calloc(G->nassigns + 1, sizeof *details), **hints = calloc(G->nassigns + 1, sizeof *hints);
    if (!details || !hints) fatal_oom();
    if (failed >= 0)
        for (uint32_t k = 0; k < G->nassigns; k++) {
            if (code[k] >= 0) {
                eval_check_assign(st, user, &G->assigns[k], (int)g, where, &details[k], &hints[k]);
            } else {
                eval_other_text(st, G->assigns[failed].product, (ViolationCode)code[failed], &details[k], &hints[k]);
                code[k] = V_OTHER;
            }
        }
    eval_clear_violations(st, user, (int32_t)g, EVAL_NONE, group_kinds);
    uint32_t n = group_sources(st, user, g, &rm, &cap);
    if (failed < 0) {
        /* passes: the group's products now, with its enabled plans now. The old
         * sources go subject to S8, which sees the new ones in place, so a swap never
         * passes through a conflict and a plan the edit disables stays when another
         * plan still needs it (then the old source stays, in error, instead of the new). */
        uint32_t first_new = st->nvia;
        for (uint32_t k = 0; k < G->nassigns; k++) {
            const PolicyAssign *a = &G->assigns[k];
            eval_add_source(st, user, eval_hold(st, user, a->product), g, a->enabled, 0);
        }
        if (n && remove_sources(st, user, (int32_t)g, rm, n)) {
            for (uint32_t i = 0; i < n; i++) {
                if (!rm[i].keep) continue;
                Holding *hd = eval_holding(st, rm[i].holding);
                uint32_t *link = &hd->via_first;
                while (*link != EVAL_NONE) {
                    if (*link >= first_new && st->via[*link].group == g) *link = st->via[*link].next;
                    else link = &st->via[*link].next;
                }
                eval_refresh_holding(st, user, rm[i].holding);
            }
        }
    } else {
        /* fails: what the group gave goes (S8); kept products get DependencyViolation,
         * the others their own code */
        if (n) remove_sources(st, user, (int32_t)g, rm, n);
        for (uint32_t k = 0; k < G->nassigns; k++) {
            uint32_t product = G->assigns[k].product;
            int kept = 0;
            for (uint32_t i = st->user_violations[user]; i != EVAL_NONE; i = st->violations[i].next_of_user) {
                const Violation *v = &st->violations[i];
                kept |= !v->dead && v->kind == VK_KEPT && v->group == (int32_t)g && v->product == product;
            }
            if (kept) {
                free(details[k]);
                free(hints[k]);
                continue;
            }
            eval_add_violation(st, user, (int32_t)g, product, (ViolationCode)code[k], VK_GROUP, details[k], hints[k]);
        }
    }
    free(details);
    free(hints);
    free(where);
    free(rm);
    if (code != codes) free(code);
}

/* Whether the user holds something through g or has a violation through g. */
static int touched_by(const EvalState *st, uint32_t user, uint32_t g)
{
    for (uint32_t h = st->user_state[user].first; h != EVAL_NONE; h = eval_holding(st, h)->next)
        for (uint32_t v = eval_holding(st, h)->via_first; v != EVAL_NONE; v = st->via[v].next)
            if (st->via[v].group == g) return 1;
    for (uint32_t i = st->user_violations[user]; i != EVAL_NONE; i = st->violations[i].next_of_user)
        if (!st->violations[i].dead && st->violations[i].group == (int32_t)g) return 1;
    return 0;
}

void eval_reprocess_user(EvalState *st, uint32_t user)
{
    const Policy *p = st->p;
    for (uint32_t i = 0; i < p->ngroups; i++) {
        uint32_t g = p->order[i];
        if ((st->groups[g].nassigns && eval_is_member(st, user, g)) || touched_by(st, user, g))
            eval_reprocess_pair(st, user, g);
    }
}

void eval_reprocess_group(EvalState *st, uint32_t g)
{
    const GroupView *G = &st->groups[g];
    uint8_t *done = calloc((size_t)st->t->nusers + 1, 1);
    if (!done) fatal_oom();
    for (uint32_t m = 0; m < G->nmembers; m++) {
        eval_reprocess_pair(st, G->members[m], g);
        done[G->members[m]] = 1;
    }
    for (uint32_t u = 0; u < st->t->nusers; u++)
        if (!done[u] && touched_by(st, u, g)) eval_reprocess_pair(st, u, g);
    free(done);
}

/* ---- W2: direct licences ------------------------------------------------------------ */

/* The first requirement of a plan in `plans` that `all` leaves unmet while `before`
 * met it (before NULL: whether met before does not matter); its plan in *plan. */
static int broken_requirement(const Policy *p, const bitword *plans, const bitword *all, const bitword *before,
                              uint32_t *plan)
{
    BITSET_FOREACH(q, plans, p->nplans) {
        const PolicyPlan *pl = &p->plans[q];
        for (uint32_t r = pl->first_requirement; r < pl->first_requirement + pl->nrequirements; r++) {
            const bitword *any = p->requirements[r].any_of;
            if (bitset_intersects(any, all, p->plan_words)) continue;
            if (before && !bitset_intersects(any, before, p->plan_words)) continue;
            *plan = (uint32_t)q;
            return (int)r;
        }
    }
    return -1;
}

void eval_license(EvalState *st, uint32_t user, uint32_t product, const bitword *enabled)
{
    will_change(st, user);
    const Policy *p = st->p;
    PolicyAssign a;
    memset(&a, 0, sizeof a);
    a.product = product;
    a.enabled = (bitword *)enabled;
    if (!policy_derive_assign(p, &a)) fatal_oom();
    /* earlier refusals of this (user, product) are replaced by this answer */
    eval_clear_violations(st, user, EVAL_DIRECT, product, 1u << VK_REFUSED);
    uint32_t h = eval_find_holding(st, user, product);
    char *detail = NULL, *hint = NULL;
    /* S5.1-3 as a direct assignment (seats come last, after the requirements) */
    int code = eval_check_assign(st, user, &a, -1, "the direct licence", &detail, &hint);
    if (code == V_COUNT) {
        free(detail);
        free(hint);
        detail = hint = NULL;
        code = -1;
    }
    bitword *all = policy_plan_set(p), *before = policy_plan_set(p);
    if (!all || !before) fatal_oom();
    eval_user_plans(st, user, before);
    /* the user's plans with this licence in place of an existing direct one */
    for (uint32_t o = st->user_state[user].first; o != EVAL_NONE; o = eval_holding(st, o)->next) {
        const Holding *od = eval_holding(st, o);
        if (o != h || !od->direct) {
            bitset_or(all, eval_holding_plans(st, o), p->plan_words);
            continue;
        }
        for (uint32_t v = od->via_first; v != EVAL_NONE; v = st->via[v].next)
            bitset_or(all, eval_via_enabled(st, v), p->plan_words);
    }
    bitset_or(all, enabled, p->plan_words);
    uint32_t plan;
    int r;
    if (code < 0 && (r = broken_requirement(p, enabled, all, NULL, &plan)) >= 0) {
        char *alts = policy_plan_names(p, p->requirements[r].any_of, 0, ", ");
        detail = str_printf("License assignment failed because service plan %s depends on the service plan(s) %s.",
                            p->plans[plan].name, alts);
        hint = str_printf("license a product with %s first, or disable %s in this licence", alts, p->plans[plan].name);
        free(alts);
        code = V_DEPENDENCY;
    }
    /* replacing a direct licence drops plans: S8 for them */
    if (code < 0 && h != EVAL_NONE && eval_holding(st, h)->direct &&
        (r = broken_requirement(p, all, all, before, &plan)) >= 0) {
        char *alts = policy_plan_names(p, p->requirements[r].any_of, 0, ", ");
        detail = str_printf("License change failed because service plan %s depends on the service plan(s) %s, which "
                            "the new licence disables; the licence keeps its plans", p->plans[plan].name, alts);
        hint = str_printf("keep %s enabled through another licence or group first", alts);
        free(alts);
        code = V_DEPENDENCY;
    }
    if (code < 0 && h == EVAL_NONE && st->seats[product] != SEATS_UNLIMITED && st->consumed[product] >= st->seats[product]) {
        code = V_COUNT;
        detail = str_printf("no seat left: %lld of %lld in use", (long long)st->consumed[product],
                            (long long)st->seats[product]);
        hint = str_printf("buy a seat of %s or free one first", p->products[product].name);
    }
    free(all);
    free(before);
    free(a.conflict_mask);
    if (code >= 0) {
        eval_add_violation(st, user, EVAL_DIRECT, product, (ViolationCode)code, VK_REFUSED, detail, hint);
        return;
    }
    eval_hold_direct(st, user, product, enabled);
}

void eval_unlicense(EvalState *st, uint32_t user, uint32_t product)
{
    will_change(st, user);
    eval_clear_violations(st, user, EVAL_DIRECT, product, 1u << VK_REFUSED);
    uint32_t h = eval_find_holding(st, user, product);
    if (h == EVAL_NONE || !eval_holding(st, h)->direct) return;
    Removal r = { h, EVAL_NONE, eval_direct_enabled(st, h), 0, 0, 0 };
    remove_sources(st, user, EVAL_DIRECT, &r, 1);
}
