/* eval.c — the full processing pass, S1–S11 (see eval.h).
 *
 * Hot path: process_pair, once per (user, licensed group). Its checks use what the
 * policy precomputed per assignment (allowed countries, conflict mask, mailbox flag)
 * and per-user flags kept here (mailbox held, per-address mailbox holders), so a pair
 * that passes costs a few word operations per product. Messages (detail, hint) are
 * built only for violations.
 */
#include "eval.h"
#include "util.h"

#include <stdlib.h>
#include <string.h>

static void oom(void)
{
    fprintf(stderr, "skuld: fatal: out of memory\n");
    exit(3);
}

const char *violation_code_name(ViolationCode code)
{
    switch (code) {
    case V_COUNT: return "CountViolation";
    case V_MUTUALLY_EXCLUSIVE: return "MutuallyExclusiveViolation";
    case V_DEPENDENCY: return "DependencyViolation";
    case V_LOCATION: return "ProhibitedInUsageLocationViolation";
    case V_UNIQUENESS: return "UniquenessViolation";
    case V_OTHER: return "Other";
    }
    return "Other";
}

EvalState *eval_new(const Policy *p, const Tenant *t)
{
    EvalState *st = calloc(1, sizeof *st);
    if (!st) oom();
    st->p = p;
    st->t = t;
    st->user_first = malloc(((size_t)t->nusers + 1) * sizeof *st->user_first);
    st->user_mailbox = calloc((size_t)t->nusers + 1, 1);
    st->proxy_holders = calloc((size_t)t->nproxies + 1, sizeof *st->proxy_holders);
    st->consumed = calloc((size_t)p->nproducts + 1, sizeof *st->consumed);
    st->group_rank = malloc(((size_t)p->ngroups + 1) * sizeof *st->group_rank);
    if (!st->user_first || !st->user_mailbox || !st->proxy_holders || !st->consumed || !st->group_rank) oom();
    for (uint32_t u = 0; u < t->nusers; u++) st->user_first[u] = EVAL_NONE;
    for (uint32_t i = 0; i < p->ngroups; i++) st->group_rank[p->order[i]] = i;
    return st;
}

void eval_free(EvalState *st)
{
    if (!st) return;
    for (uint32_t i = 0; i < st->nviolations; i++) {
        free(st->violations[i].detail);
        free(st->violations[i].hint);
    }
    free(st->violations);
    free(st->holdings);
    free(st->plan_pool);
    free(st->via);
    free(st->user_first);
    free(st->user_mailbox);
    free(st->proxy_holders);
    free(st->proxy_users_start);
    free(st->proxy_users);
    free(st->consumed);
    free(st->group_rank);
    free(st);
}

int eval_user_country(const EvalState *st, uint32_t user)
{
    int c = st->t->users[user].country;
    return c >= 0 ? c : st->p->directory_country;
}

uint32_t eval_find_holding(const EvalState *st, uint32_t user, uint32_t product)
{
    for (uint32_t h = st->user_first[user]; h != EVAL_NONE; h = st->holdings[h].next)
        if (st->holdings[h].product == product) return h;
    return EVAL_NONE;
}

int64_t eval_conflict(const EvalState *st, uint32_t product)
{
    int64_t seats = st->p->products[product].seats;
    if (seats == SEATS_UNLIMITED) return 0;
    return st->consumed[product] > seats ? st->consumed[product] - seats : 0;
}

/* ---- holding the state ---------------------------------------------------------- */

/* The user's holding of product, created (empty, one seat consumed) when absent. */
static uint32_t hold(EvalState *st, uint32_t user, uint32_t product)
{
    uint32_t h = eval_find_holding(st, user, product);
    if (h != EVAL_NONE) return h;
    size_t words = st->p->plan_words;
    if (st->nholdings == st->holdings_cap) {
        uint32_t cap = st->holdings_cap ? st->holdings_cap * 2 : 1024;
        Holding *hs = realloc(st->holdings, (size_t)cap * sizeof *hs);
        bitword *pool = realloc(st->plan_pool, (size_t)cap * words * sizeof *pool);
        if (!hs || !pool) oom();
        st->holdings = hs;
        st->plan_pool = pool;
        st->holdings_cap = cap;
    }
    h = st->nholdings++;
    Holding *hd = &st->holdings[h];
    hd->product = product;
    hd->next = st->user_first[user];
    hd->via_first = hd->via_last = EVAL_NONE;
    hd->direct = 0;
    st->user_first[user] = h;
    bitset_zero(eval_holding_plans(st, h), words);
    st->consumed[product]++;
    return h;
}

static void add_via(EvalState *st, uint32_t h, uint32_t group)
{
    if (st->nvia == st->via_cap) {
        uint32_t cap = st->via_cap ? st->via_cap * 2 : 1024;
        ViaNode *v = realloc(st->via, (size_t)cap * sizeof *v);
        if (!v) oom();
        st->via = v;
        st->via_cap = cap;
    }
    uint32_t n = st->nvia++;
    st->via[n].group = group;
    st->via[n].next = EVAL_NONE;
    Holding *hd = &st->holdings[h];
    if (hd->via_last == EVAL_NONE) hd->via_first = n;
    else st->via[hd->via_last].next = n;
    hd->via_last = n;
}

/* Adds enabled plans to a holding and keeps the mailbox bookkeeping (S5.2). */
static void enable_plans(EvalState *st, uint32_t user, uint32_t h, const bitword *enabled, int has_mailbox)
{
    bitset_or(eval_holding_plans(st, h), enabled, st->p->plan_words);
    if (has_mailbox && !st->user_mailbox[user]) {
        st->user_mailbox[user] = 1;
        const TenantUser *u = &st->t->users[user];
        for (uint32_t i = 0; i < u->nproxies; i++) st->proxy_holders[st->t->user_proxies[u->first_proxy + i]]++;
    }
}

static void add_violation(EvalState *st, uint32_t user, int32_t group, uint32_t product, ViolationCode code,
                          char *detail, char *hint)
{
    if (st->nviolations == st->violations_cap) {
        uint32_t cap = st->violations_cap ? st->violations_cap * 2 : 256;
        Violation *v = realloc(st->violations, (size_t)cap * sizeof *v);
        if (!v) oom();
        st->violations = v;
        st->violations_cap = cap;
    }
    Violation *v = &st->violations[st->nviolations++];
    v->user = user;
    v->group = group;
    v->product = product;
    v->code = code;
    v->detail = detail;
    v->hint = hint;
}

/* ---- messages ------------------------------------------------------------------- */

/* Where a holding comes from, for people: "direct", "group \"Sales\"", joined. */
static char *holding_sources(const EvalState *st, uint32_t h)
{
    StrBuf sb = {0};
    const Holding *hd = &st->holdings[h];
    int n = 0;
    if (hd->direct) { sb_puts(&sb, "a direct licence"); n++; }
    for (uint32_t v = hd->via_first; v != EVAL_NONE; v = st->via[v].next)
        sb_printf(&sb, "%sgroup \"%s\"", n++ ? ", " : "", st->p->groups[st->via[v].group].name);
    return sb_take(&sb);
}

/* The location text of a user: "NL" or "NL (the directory's)". */
static char *location_text(const EvalState *st, uint32_t user)
{
    char code[3];
    int own = st->t->users[user].country;
    int c = eval_user_country(st, user);
    return str_printf("%s%s", country_code(c, code), own < 0 ? " (inherited from the directory)" : "");
}

/* The first plan of `enabled` not allowed in the user's location. */
static uint32_t first_disallowed(const EvalState *st, const bitword *enabled, int country)
{
    BITSET_FOREACH(q, enabled, st->p->nplans)
        if (!policy_plan_allowed_in(st->p, (uint32_t)q, country)) return (uint32_t)q;
    return 0;
}

static void no_location(const EvalState *st, const char *where, char **detail, char **hint)
{
    (void)st;
    *detail = str_printf("License assignment cannot be done for user with invalid usage location: the user has "
                         "no usage location and the rules set no directory location");
    *hint = str_printf("set the user's usage location (or a 'directory location' in the rules)%s%s",
                       where ? ", then reprocess " : "", where ? where : "");
}

/* ---- uniqueness (S5.2) ------------------------------------------------------------ */

/* Builds the address -> users index (CSR), once, when a uniqueness check first fails. */
static void index_proxy_users(EvalState *st)
{
    const Tenant *t = st->t;
    if (st->proxy_users_start) return;
    st->proxy_users_start = calloc((size_t)t->nproxies + 2, sizeof *st->proxy_users_start);
    st->proxy_users = malloc(((size_t)t->nproxy_refs + 1) * sizeof *st->proxy_users);
    if (!st->proxy_users_start || !st->proxy_users) oom();
    for (uint32_t i = 0; i < t->nproxy_refs; i++) st->proxy_users_start[t->user_proxies[i] + 2]++;
    for (uint32_t a = 0; a < t->nproxies; a++) st->proxy_users_start[a + 2] += st->proxy_users_start[a + 1];
    for (uint32_t u = 0; u < t->nusers; u++)
        for (uint32_t i = 0; i < t->users[u].nproxies; i++) {
            uint32_t a = t->user_proxies[t->users[u].first_proxy + i];
            st->proxy_users[st->proxy_users_start[a + 1]++] = u;
        }
}

/* Whether another user sharing an address with `user` holds a mailbox; on yes, the
 * address and that user. */
static int proxy_taken(EvalState *st, uint32_t user, uint32_t *address, uint32_t *other)
{
    const TenantUser *u = &st->t->users[user];
    for (uint32_t i = 0; i < u->nproxies; i++) {
        uint32_t a = st->t->user_proxies[u->first_proxy + i];
        if (!st->proxy_holders[a]) continue;
        index_proxy_users(st);
        for (uint32_t k = st->proxy_users_start[a]; k < st->proxy_users_start[a + 1]; k++) {
            uint32_t v = st->proxy_users[k];
            if (v != user && st->user_mailbox[v]) {
                *address = a;
                *other = v;
                return 1;
            }
        }
    }
    return 0;
}

/* ---- conflicts (S5.3) ------------------------------------------------------------- */

/* Whether plans `enabled` (with conflict mask `mask`) of product `product` conflict with
 * a plan the user holds through another product; if so and detail is wanted, the
 * audit-log style detail and the hint. */
static int conflicts_with_holdings(EvalState *st, uint32_t user, uint32_t product, const bitword *enabled,
                                   const bitword *mask, const char *source, char **detail, char **hint)
{
    const Policy *p = st->p;
    int found = 0;
    StrBuf pairs = {0}, holders = {0}, fixes = {0};
    bitword *mine = NULL;
    for (uint32_t h = st->user_first[user]; h != EVAL_NONE; h = st->holdings[h].next) {
        if (st->holdings[h].product == product) continue;
        const bitword *theirs = eval_holding_plans(st, h);
        if (!bitset_intersects(theirs, mask, p->plan_words)) continue;
        found = 1;
        if (!detail) return 1;
        if (!mine && !(mine = policy_plan_set(p))) oom();
        bitword *held = policy_plan_set(p);
        if (!held) oom();
        BITSET_FOREACH(e, enabled, p->nplans) {
            const bitword *c = p->plans[e].conflicts;
            if (!c) continue;
            BITSET_FOREACH(q, c, p->nplans) {
                if (!bitset_test(theirs, q)) continue;
                if (pairs.len) sb_printf(&pairs, "; so are %s, %s", p->plans[e].name, p->plans[q].name);
                else sb_printf(&pairs, "%s, %s are mutually exclusive", p->plans[e].name, p->plans[q].name);
                bitset_set(mine, e);
                bitset_set(held, q);
            }
        }
        const Holding *hd = &st->holdings[h];
        const char *other = p->products[hd->product].name;
        char *held_names = policy_plan_names(p, held, 0, ", ");
        char *from = holding_sources(st, h);
        sb_printf(&holders, "%s%s through %s (%s)", holders.len ? "; " : "", held_names, other, from);
        if (hd->direct)
            sb_printf(&fixes, "%sdisable %s in the direct licence of %s (or remove it)", fixes.len ? "; or " : "",
                      held_names, other);
        for (uint32_t v = hd->via_first; v != EVAL_NONE; v = st->via[v].next)
            sb_printf(&fixes, "%sdisable %s in group \"%s\"'s %s (or remove the user from that group)",
                      fixes.len ? "; or " : "", held_names, p->groups[st->via[v].group].name, other);
        free(held_names);
        free(from);
        free(held);
    }
    if (found && detail) {
        char *mine_names = policy_plan_names(p, mine, 0, ", ");
        char *pair_text = sb_take(&pairs), *holder_text = sb_take(&holders), *fix_text = sb_take(&fixes);
        *detail = str_printf("License assignment failed because service plans %s. The user has %s.", pair_text,
                             holder_text);
        *hint = str_printf("disable %s in %s; or %s", mine_names, source, fix_text);
        free(mine_names);
        free(pair_text);
        free(holder_text);
        free(fix_text);
    }
    sb_free(&pairs);
    sb_free(&holders);
    sb_free(&fixes);
    free(mine);
    return found;
}

/* ---- S5: one (user, group) pair -------------------------------------------------- */

static void process_pair(EvalState *st, uint32_t user, uint32_t g)
{
    const Policy *p = st->p;
    const PolicyGroup *G = &p->groups[g];
    int country = eval_user_country(st, user);
    int failed = -1;
    ViolationCode codes[64];
    ViolationCode *code = G->nassigns <= 64 ? codes : malloc(G->nassigns * sizeof *code);
    if (!code) oom();
    for (uint32_t k = 0; k < G->nassigns; k++) {
        const PolicyAssign *a = &G->assigns[k];
        int c = -1;
        uint32_t addr, other;
        if (country < 0 || (a->location_limited && !bitset_test(a->allowed, (size_t)country))) c = V_LOCATION;
        else if (a->has_mailbox && !st->user_mailbox[user] && st->t->nproxies && proxy_taken(st, user, &addr, &other))
            c = V_UNIQUENESS;
        else if (a->conflict_mask &&
                 conflicts_with_holdings(st, user, a->product, a->enabled, a->conflict_mask, NULL, NULL, NULL))
            c = V_MUTUALLY_EXCLUSIVE;
        else if (p->products[a->product].seats != SEATS_UNLIMITED &&
                 st->consumed[a->product] >= p->products[a->product].seats &&
                 eval_find_holding(st, user, a->product) == EVAL_NONE)
            c = V_COUNT;
        code[k] = (ViolationCode)c;
        if (c >= 0 && failed < 0) failed = (int)k;
    }
    if (failed < 0) {
        for (uint32_t k = 0; k < G->nassigns; k++) {
            const PolicyAssign *a = &G->assigns[k];
            uint32_t h = hold(st, user, a->product);
            enable_plans(st, user, h, a->enabled, a->has_mailbox);
            add_via(st, h, g);
        }
    } else {
        char *where = str_printf("group \"%s\"", G->name);
        for (uint32_t k = 0; k < G->nassigns; k++) {
            const PolicyAssign *a = &G->assigns[k];
            const PolicyProduct *P = &p->products[a->product];
            char *detail = NULL, *hint = NULL;
            switch ((int)code[k]) {
            case V_LOCATION:
                if (country < 0) {
                    no_location(st, where, &detail, &hint);
                } else {
                    uint32_t q = first_disallowed(st, a->enabled, country);
                    char *loc = location_text(st, user);
                    detail = str_printf("service plan %s is not available in usage location %s", p->plans[q].name, loc);
                    hint = str_printf("set a usage location where %s is allowed, remove the user from %s, or "
                                      "disable %s in %s", p->plans[q].name, where, p->plans[q].name, where);
                    free(loc);
                }
                break;
            case V_UNIQUENESS: {
                uint32_t addr = 0, other = 0;
                proxy_taken(st, user, &addr, &other);
                detail = str_printf("proxy address %s is already used by %s, who has a mailbox",
                                    st->t->proxy_text[addr], st->t->users[other].id);
                hint = str_printf("remove the duplicate proxy address %s from one of the two users, then "
                                  "reprocess %s", st->t->proxy_text[addr], where);
                break;
            }
            case V_MUTUALLY_EXCLUSIVE:
                conflicts_with_holdings(st, user, a->product, a->enabled, a->conflict_mask, where, &detail, &hint);
                break;
            case V_COUNT:
                detail = str_printf("no seat left: %lld of %lld in use", (long long)st->consumed[a->product],
                                    (long long)P->seats);
                break;   /* hint: in finish_count_hints, once totals are known */
            default:
                detail = str_printf("held back: %s failed with %s", p->products[G->assigns[failed].product].name,
                                    violation_code_name(code[failed]));
                hint = str_printf("resolve the %s error of this group: a group assigns all of its products or none",
                                  p->products[G->assigns[failed].product].name);
                code[k] = V_OTHER;
                break;
            }
            add_violation(st, user, (int32_t)g, a->product, code[k], detail, hint);
        }
        free(where);
    }
    if (code != codes) free(code);
}

/* ---- S3: direct licences ------------------------------------------------------------ */

static void apply_direct(EvalState *st)
{
    const Policy *p = st->p;
    for (uint32_t i = 0; i < st->t->ndirect; i++) {
        const DirectLicense *d = &st->t->direct[i];
        uint32_t h = hold(st, d->user, d->product);
        int mailbox = bitset_intersects(d->enabled, p->mailbox_plans, p->plan_words);
        enable_plans(st, d->user, h, d->enabled, mailbox);
        st->holdings[h].direct = 1;
    }
}

/* Checks each direct licence against the user's final state (S3, checks 1-3). */
static void check_direct(EvalState *st)
{
    const Policy *p = st->p;
    const Tenant *t = st->t;
    bitword *all = policy_plan_set(p);
    bitword *others = policy_plan_set(p);
    if (!all || !others) oom();
    for (uint32_t i = 0; i < t->ndirect; i++) {
        const DirectLicense *d = &t->direct[i];
        const char *pname = p->products[d->product].name;
        int country = eval_user_country(st, d->user);
        char *detail = NULL, *hint = NULL;
        ViolationCode code = V_OTHER;
        if (country < 0) {
            no_location(st, NULL, &detail, &hint);
            code = V_LOCATION;
        } else {
            uint32_t bad = UINT32_MAX;
            BITSET_FOREACH(q, d->enabled, p->nplans)
                if (bad == UINT32_MAX && !policy_plan_allowed_in(p, (uint32_t)q, country)) bad = (uint32_t)q;
            if (bad != UINT32_MAX) {
                char *loc = location_text(st, d->user);
                detail = str_printf("service plan %s is not available in usage location %s", p->plans[bad].name, loc);
                hint = str_printf("set a usage location where %s is allowed, or disable %s in the direct licence of %s",
                                  p->plans[bad].name, p->plans[bad].name, pname);
                code = V_LOCATION;
                free(loc);
            }
        }
        if (!detail) {
            /* conflict with another direct licence of the user */
            for (uint32_t k = 0; k < t->ndirect && !detail; k++) {
                const DirectLicense *o = &t->direct[k];
                if (k == i || o->user != d->user || o->product == d->product) continue;
                bitset_zero(others, p->plan_words);
                BITSET_FOREACH(e, d->enabled, p->nplans) {
                    if (!p->plans[e].conflicts) continue;
                    bitset_or(others, p->plans[e].conflicts, p->plan_words);
                }
                bitset_and(others, o->enabled, p->plan_words);
                if (!bitset_any(others, p->plan_words)) continue;
                StrBuf pairs = {0};
                BITSET_FOREACH(e, d->enabled, p->nplans) {
                    if (!p->plans[e].conflicts) continue;
                    BITSET_FOREACH(q, others, p->nplans)
                        if (bitset_test(p->plans[e].conflicts, q))
                            sb_printf(&pairs, "%s%s, %s%s", pairs.len ? "; so are " : "", p->plans[e].name,
                                      p->plans[q].name, pairs.len ? "" : " are mutually exclusive");
                }
                char *pair_text = sb_take(&pairs);
                detail = str_printf("License assignment failed because service plans %s (with the direct licence of %s).",
                                    pair_text, p->products[o->product].name);
                hint = str_printf("disable the conflicting plans in the direct licence of %s or of %s, or remove "
                                  "one of the two licences", pname, p->products[o->product].name);
                code = V_MUTUALLY_EXCLUSIVE;
                free(pair_text);
            }
        }
        if (!detail) {
            /* requirements against every plan enabled on the user */
            bitset_zero(all, p->plan_words);
            for (uint32_t h = st->user_first[d->user]; h != EVAL_NONE; h = st->holdings[h].next)
                bitset_or(all, eval_holding_plans(st, h), p->plan_words);
            BITSET_FOREACH(q, d->enabled, p->nplans) {
                const PolicyPlan *pl = &p->plans[q];
                for (uint32_t r = pl->first_requirement; r < pl->first_requirement + pl->nrequirements && !detail; r++) {
                    const PolicyRequirement *req = &p->requirements[r];
                    if (bitset_intersects(req->any_of, all, p->plan_words)) continue;
                    StrBuf alts = {0}, ors = {0};
                    for (uint32_t k = 0; k < req->nalternatives; k++) {
                        sb_printf(&alts, "%s%s", k ? ", " : "", p->plans[req->alternatives[k]].name);
                        sb_printf(&ors, "%s%s", k ? " or " : "", p->plans[req->alternatives[k]].name);
                    }
                    char *alt_text = sb_take(&alts), *or_text = sb_take(&ors);
                    detail = str_printf("License assignment failed because service plan %s depends on the service "
                                        "plan(s) %s.", pl->name, alt_text);
                    hint = str_printf("enable %s for the user through another licence or group, or disable %s in "
                                      "the direct licence of %s", or_text, pl->name, pname);
                    code = V_DEPENDENCY;
                    free(alt_text);
                    free(or_text);
                }
                if (detail) break;
            }
        }
        if (detail) add_violation(st, d->user, EVAL_DIRECT, d->product, code, detail, hint);
    }
    free(all);
    free(others);
}

/* ---- finishing -------------------------------------------------------------------- */

/* Count hints need the totals: how many users wait for a seat, who holds the seats. */
static void finish_count_hints(EvalState *st)
{
    const Policy *p = st->p;
    uint32_t *waiting = calloc((size_t)p->nproducts + 1, sizeof *waiting);
    if (!waiting) oom();
    for (uint32_t i = 0; i < st->nviolations; i++)
        if (st->violations[i].code == V_COUNT) waiting[st->violations[i].product]++;
    char **hints = calloc((size_t)p->nproducts + 1, sizeof *hints);
    uint32_t *by_group = calloc((size_t)p->ngroups + 1, sizeof *by_group);
    if (!hints || !by_group) oom();
    for (uint32_t prod = 0; prod < p->nproducts; prod++) {
        if (!waiting[prod]) continue;
        uint32_t direct = 0;
        memset(by_group, 0, ((size_t)p->ngroups + 1) * sizeof *by_group);
        for (uint32_t h = 0; h < st->nholdings; h++) {
            if (st->holdings[h].product != prod) continue;
            if (st->holdings[h].direct) direct++;
            for (uint32_t v = st->holdings[h].via_first; v != EVAL_NONE; v = st->via[v].next)
                by_group[st->via[v].group]++;
        }
        StrBuf held = {0};
        if (direct) sb_printf(&held, "%u by direct licences", direct);
        for (uint32_t i = 0; i < p->ngroups; i++) {
            uint32_t g = p->order[i];
            if (by_group[g]) sb_printf(&held, "%s%u through \"%s\"", held.len ? ", " : "", by_group[g], p->groups[g].name);
        }
        char *held_text = sb_take(&held);
        int64_t over = eval_conflict(st, prod);
        uint64_t buy = waiting[prod] + (uint64_t)over;
        char *free_text = st->consumed[prod] > 0 ? str_printf(" or free seats (%lld in use: %s)",
                                                              (long long)st->consumed[prod], held_text)
                                                 : str_printf("%s", "");
        hints[prod] = str_printf("buy %llu more seat%s of %s (%u user%s wait%s for one%s)%s", (unsigned long long)buy,
                                 buy == 1 ? "" : "s", p->products[prod].name, waiting[prod],
                                 waiting[prod] == 1 ? "" : "s", waiting[prod] == 1 ? "s" : "",
                                 over ? ", and the seats are already over-used" : "", free_text);
        free(free_text);
        free(held_text);
    }
    for (uint32_t i = 0; i < st->nviolations; i++) {
        Violation *v = &st->violations[i];
        if (v->code == V_COUNT && !v->hint)
            v->hint = str_printf("%s, then reprocess group \"%s\"", hints[v->product], p->groups[v->group].name);
    }
    for (uint32_t prod = 0; prod < p->nproducts; prod++) free(hints[prod]);
    free(hints);
    free(by_group);
    free(waiting);
}

static const EvalState *sort_state;   /* qsort has no context argument in C11 */

/* CLI.md order: user (input order), product (declaration), direct before groups,
 * groups in processing order. */
static int cmp_violation(const void *x, const void *y)
{
    const Violation *a = x, *b = y;
    if (a->user != b->user) return a->user < b->user ? -1 : 1;
    if (a->product != b->product) return a->product < b->product ? -1 : 1;
    uint32_t ra = a->group < 0 ? 0 : sort_state->group_rank[a->group] + 1;
    uint32_t rb = b->group < 0 ? 0 : sort_state->group_rank[b->group] + 1;
    return ra < rb ? -1 : ra > rb;
}

void eval_run(EvalState *st)
{
    const Policy *p = st->p;
    apply_direct(st);
    for (uint32_t i = 0; i < p->ngroups; i++) {
        uint32_t g = p->order[i];
        const GroupMembers *gm = &st->t->members[g];
        if (!p->groups[g].nassigns) continue;
        for (uint32_t m = 0; m < gm->nusers; m++) process_pair(st, gm->users[m], g);
    }
    check_direct(st);
    finish_count_hints(st);
    sort_state = st;
    if (st->nviolations > 1) qsort(st->violations, st->nviolations, sizeof *st->violations, cmp_violation);
    sort_state = NULL;
}
