/* eval.c — the licensing state and one full processing pass, S1–S11 (see eval.h).
 *
 * Hot path: process_pair, once per (user, licensed group) in a full pass. Its checks
 * use what the policy precomputed per assignment (allowed countries, conflict mask,
 * mailbox flag) and per-user flags kept here (mailbox held, per-address mailbox
 * holders), so a pair that passes costs a few word operations per product. Messages
 * (detail, hint) are built only for violations.
 */
#include "eval.h"
#include "progress.h"
#include "util.h"

#include <stdlib.h>
#include <string.h>

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

int violation_code_parse(const char *s)
{
    for (int c = V_COUNT; c <= V_OTHER; c++)
        if (strcmp(s, violation_code_name((ViolationCode)c)) == 0) return c;
    return -1;
}

/* ---- the state -------------------------------------------------------------------- */

EvalState *eval_new(const Policy *p, const Tenant *t)
{
    EvalState *st = calloc(1, sizeof *st);
    if (!st) fatal_oom();
    st->p = p;
    st->t = t;
    st->groups = calloc((size_t)p->ngroups + 1, sizeof *st->groups);
    /* per-user arrays are read at random places for each membership: huge pages */
    size_t nusers = (size_t)t->nusers + 1;
    st->user_state = mem_huge(malloc(nusers * sizeof *st->user_state), nusers * sizeof *st->user_state);
    st->seats = malloc(((size_t)p->nproducts + 1) * sizeof *st->seats);
    st->user_violations = mem_huge(malloc(nusers * sizeof *st->user_violations), nusers * sizeof *st->user_violations);
    st->proxy_holders = calloc((size_t)t->nproxies + 1, sizeof *st->proxy_holders);
    st->consumed = calloc((size_t)p->nproducts + 1, sizeof *st->consumed);
    st->group_rank = malloc(((size_t)p->ngroups + 1) * sizeof *st->group_rank);
    if (!st->groups || !st->user_state || !st->seats || !st->user_violations ||
        !st->proxy_holders || !st->consumed || !st->group_rank)
        fatal_oom();
    for (uint32_t g = 0; g < p->ngroups; g++) {
        st->groups[g].assigns = p->groups[g].assigns;
        st->groups[g].nassigns = p->groups[g].nassigns;
        st->groups[g].members = t->members[g].users;
        st->groups[g].nmembers = t->members[g].nusers;
    }
    st->trace_user = UINT32_MAX;
    planset_init(&st->sets, p->plan_words);
    textpool_init(&st->texts);
    for (uint32_t u = 0; u < t->nusers; u++) {
        st->user_state[u].first = EVAL_NONE;
        st->user_state[u].country = (int16_t)t->users[u].country;
        st->user_state[u].mailbox = 0;
        st->user_state[u].shares_address = t->users[u].nproxies > 0;
        st->user_violations[u] = EVAL_NONE;
    }
    for (uint32_t i = 0; i < p->nproducts; i++) st->seats[i] = p->products[i].seats;
    for (uint32_t i = 0; i < p->ngroups; i++) st->group_rank[p->order[i]] = i;
    return st;
}

void eval_free(EvalState *st)
{
    if (!st) return;
    textpool_free(&st->texts);
    for (uint32_t g = 0; g < st->p->ngroups; g++)
        if (st->groups[g].owns_members) free(st->groups[g].members);
    for (uint32_t i = 0; i < st->nowned; i++) free(st->owned[i]);
    free(st->owned);
    free(st->groups);
    free(st->user_state);
    free(st->seats);
    free(st->violations);
    free(st->user_violations);
    for (uint32_t i = 0; i < st->holdings_cap / EVAL_SEG_SLOTS; i++) free(st->holding_segs[i]);
    free(st->holding_segs);
    planset_free(&st->sets);
    free(st->via);
    free(st->enabled_sets);
    free(st->enabled_slots);
    free(st->proxy_holders);
    free(st->proxy_users_start);
    free(st->proxy_users);
    free(st->consumed);
    free(st->group_rank);
    free(st->direct_users);
    free(st->direct_slots);
    free(st->user_groups_start);
    free(st->user_groups);
    free(st->failed_pairs.mark);
    free(st);
}

/* A copy of n elements of `size` bytes (NULL stays NULL). */
static void *copy_of(const void *src, size_t n, size_t size)
{
    if (!src) return NULL;
    void *d = malloc(n ? n * size : 1);
    if (!d) fatal_oom();
    memcpy(d, src, n * size);
    return d;
}

EvalState *eval_clone(const EvalState *st)
{
    const Policy *p = st->p;
    const Tenant *t = st->t;
    EvalState *c = calloc(1, sizeof *c);
    if (!c) fatal_oom();
    *c = *st;
    c->groups = copy_of(st->groups, p->ngroups + 1, sizeof *c->groups);
    for (uint32_t g = 0; g < p->ngroups; g++) {
        if (!st->groups[g].owns_members) continue;
        c->groups[g].members = copy_of(st->groups[g].members, st->groups[g].members_cap, sizeof(uint32_t));
    }
    c->user_state = copy_of(st->user_state, t->nusers + 1, sizeof *c->user_state);
    c->seats = copy_of(st->seats, p->nproducts + 1, sizeof *c->seats);
    uint32_t nsegs = st->holdings_cap / EVAL_SEG_SLOTS;
    c->holding_segs = copy_of(st->holding_segs, nsegs, sizeof *c->holding_segs);
    for (uint32_t i = 0; i < nsegs; i++) {   /* the slots in use: a small state's are few */
        size_t used = st->nholdings > i * EVAL_SEG_SLOTS ? st->nholdings - i * EVAL_SEG_SLOTS : 0;
        if (used > EVAL_SEG_SLOTS) used = EVAL_SEG_SLOTS;
        if (!(c->holding_segs[i] = aligned_alloc(64, (size_t)EVAL_SEG_SLOTS * sizeof(Holding)))) fatal_oom();
        memcpy(c->holding_segs[i], st->holding_segs[i], used * sizeof(Holding));
    }
    planset_copy(&c->sets, &st->sets);
    c->via = copy_of(st->via, st->via_cap, sizeof *c->via);
    c->enabled_sets = copy_of(st->enabled_sets, st->enabled_sets_cap, sizeof *c->enabled_sets);
    c->enabled_slots = copy_of(st->enabled_slots, st->enabled_mask ? st->enabled_mask + 1 : 0,
                               sizeof *c->enabled_slots);
    c->proxy_holders = copy_of(st->proxy_holders, t->nproxies + 1, sizeof *c->proxy_holders);
    c->proxy_users_start = NULL;
    c->proxy_users = NULL;
    c->user_groups_start = NULL;   /* a lean copy makes its own index and marks on first need */
    c->user_groups = NULL;
    c->failed_pairs = (PairMarks){ NULL, 0 };
    c->on_change = NULL;            /* trials on a copy are nobody's diff */
    c->on_change_ctx = NULL;
    c->consumed = copy_of(st->consumed, p->nproducts + 1, sizeof *c->consumed);
    c->group_rank = copy_of(st->group_rank, p->ngroups + 1, sizeof *c->group_rank);
    c->violations = copy_of(st->violations, st->violations_cap, sizeof *c->violations);
    for (uint32_t i = 0; i < c->nviolations; i++) c->violations[i].detail = c->violations[i].hint = NULL;
    c->user_violations = copy_of(st->user_violations, t->nusers + 1, sizeof *c->user_violations);
    c->direct_users = copy_of(st->direct_users, st->direct_users_cap, sizeof *c->direct_users);
    c->direct_slots = copy_of(st->direct_slots, st->direct_mask ? st->direct_mask + 1 : 0, sizeof *c->direct_slots);
    textpool_init(&c->texts);   /* the copy's violations show no texts */
    c->owned = NULL;            /* the assignment arrays stay the original's */
    c->nowned = c->owned_cap = 0;
    return c;
}

int eval_user_country(const EvalState *st, uint32_t user)
{
    int c = st->user_state[user].country;
    return c >= 0 ? c : st->p->directory_country;
}

uint32_t eval_find_holding(const EvalState *st, uint32_t user, uint32_t product)
{
    for (uint32_t h = st->user_state[user].first; h != EVAL_NONE; h = eval_holding(st, h)->next)
        if (eval_holding(st, h)->product == product) return h;
    return EVAL_NONE;
}

int64_t eval_conflict(const EvalState *st, uint32_t product)
{
    int64_t seats = st->seats[product];
    if (seats == SEATS_UNLIMITED) return 0;
    return st->consumed[product] > seats ? st->consumed[product] - seats : 0;
}

int eval_is_member(const EvalState *st, uint32_t user, uint32_t g)
{
    const GroupView *gv = &st->groups[g];
    for (uint32_t i = 0; i < gv->nmembers; i++)
        if (gv->members[i] == user) return 1;
    return 0;
}

void eval_user_plans(const EvalState *st, uint32_t user, bitword *out)
{
    bitset_zero(out, st->p->plan_words);
    for (uint32_t h = st->user_state[user].first; h != EVAL_NONE; h = eval_holding(st, h)->next)
        bitset_or(out, eval_holding_plans(st, h), st->p->plan_words);
}

/* ---- holdings and sources ---------------------------------------------------------- */

_Static_assert(sizeof(Holding) * EVAL_HOLD_CHUNK == 64, "a user's chunk of holdings is one cache line");

_Static_assert(EVAL_SEG_SLOTS % EVAL_HOLD_CHUNK == 0, "a chunk never spans two segments");

/* Makes room for cap holdings, a segment at a time, each aligned so that a user's
 * chunk of holdings shares its cache lines with no one. 0 on no memory. */
static int grow_holdings(EvalState *st, size_t cap)
{
    size_t nsegs = st->holdings_cap / EVAL_SEG_SLOTS, want = (cap + EVAL_SEG_SLOTS - 1) / EVAL_SEG_SLOTS;
    if (want > (UINT32_MAX - EVAL_HOLD_CHUNK) / EVAL_SEG_SLOTS) return 0;
    if (want <= nsegs) return 1;
    Holding **segs = realloc(st->holding_segs, want * sizeof *segs);
    if (!segs) return 0;
    st->holding_segs = segs;
    for (; nsegs < want; nsegs++) {
        size_t bytes = (size_t)EVAL_SEG_SLOTS * sizeof(Holding);
        if (!(segs[nsegs] = mem_huge(aligned_alloc(64, bytes), bytes))) return 0;
        st->holdings_cap = (uint32_t)(nsegs + 1) * EVAL_SEG_SLOTS;
    }
    return 1;
}

uint32_t eval_hold(EvalState *st, uint32_t user, uint32_t product)
{
    uint32_t h = eval_find_holding(st, user, product);
    if (h != EVAL_NONE) return h;
    /* A user's holdings share chunks of EVAL_HOLD_CHUNK slots: the newest (the head of
     * the list) is followed by a free slot unless its chunk is full. Walking a user's
     * holdings then touches one or two cache lines instead of one per holding. */
    h = st->user_state[user].first;
    if (h == EVAL_NONE || (h + 1) % EVAL_HOLD_CHUNK == 0 || eval_holding(st, h + 1)->product != EVAL_NONE) {
        if (st->nholdings + EVAL_HOLD_CHUNK > st->holdings_cap &&
            !grow_holdings(st, (size_t)st->holdings_cap + EVAL_SEG_SLOTS))
            fatal_oom();
        h = st->nholdings;
        st->nholdings += EVAL_HOLD_CHUNK;
        for (uint32_t k = 0; k < EVAL_HOLD_CHUNK; k++) eval_holding(st, h + k)->product = EVAL_NONE;
    } else {
        h++;
    }
    st->nlive++;
    Holding *hd = eval_holding(st, h);
    hd->product = product;
    hd->next = st->user_state[user].first;
    hd->via_first = EVAL_NONE;
    hd->direct = 0;
    hd->plans = PLANSET_EMPTY;
    st->user_state[user].first = h;
    st->consumed[product]++;
    return h;
}

/* Sets the user's mailbox flag and the per-address counts from what the user holds. */
static void refresh_mailbox(EvalState *st, uint32_t user)
{
    const Policy *p = st->p;
    int has = 0;
    for (uint32_t h = st->user_state[user].first; h != EVAL_NONE && !has; h = eval_holding(st, h)->next)
        has = bitset_intersects(eval_holding_plans(st, h), p->mailbox_plans, p->plan_words);
    if (has == st->user_state[user].mailbox) return;
    st->user_state[user].mailbox = (uint8_t)has;
    if (!st->user_state[user].shares_address) return;
    const TenantUser *u = &st->t->users[user];
    for (uint32_t i = 0; i < u->nproxies; i++) {
        uint32_t a = st->t->user_proxies[u->first_proxy + i];
        if (has) st->proxy_holders[a]++;
        else st->proxy_holders[a]--;
    }
}

static uint32_t enabled_lookup(EvalState *st, const bitword *enabled);

/* Where a pointer starts its probe in the enabled-sets table. */
static inline size_t pointer_hash(const bitword *p)
{
    return (size_t)(((uintptr_t)p >> 3) * 0x9e3779b97f4a7c15ULL >> 20);
}

uint32_t eval_enabled_index(EvalState *st, const bitword *enabled)
{
    if (st->nenabled_sets && st->enabled_sets[st->last_enabled] == enabled) return st->last_enabled;
    uint32_t ix = enabled_lookup(st, enabled);
    st->last_enabled = ix;
    return ix;
}

/* eval_enabled_index without the one-entry memo. */
static uint32_t enabled_lookup(EvalState *st, const bitword *enabled)
{
    size_t h = pointer_hash(enabled);
    if (st->enabled_mask) {
        for (size_t i = h & st->enabled_mask; st->enabled_slots[i]; i = (i + 1) & st->enabled_mask)
            if (st->enabled_sets[st->enabled_slots[i] - 1] == enabled) return st->enabled_slots[i] - 1;
    }
    if (st->nenabled_sets >= (1u << 31) - 2) fatal_oom();
    if (st->nenabled_sets == st->enabled_sets_cap) {
        uint32_t cap = st->enabled_sets_cap ? st->enabled_sets_cap * 2 : 64;
        const bitword **grown = realloc(st->enabled_sets, cap * sizeof *grown);
        if (!grown) fatal_oom();
        st->enabled_sets = grown;
        st->enabled_sets_cap = cap;
    }
    uint32_t ix = st->nenabled_sets++;
    st->enabled_sets[ix] = enabled;
    if ((size_t)st->nenabled_sets * 2 > st->enabled_mask) {   /* rebuild at half load */
        size_t slots = st->enabled_mask ? (st->enabled_mask + 1) * 2 : 128;
        uint32_t *table = calloc(slots, sizeof *table);
        if (!table) fatal_oom();
        for (uint32_t k = 0; k < st->nenabled_sets; k++) {
            size_t j = pointer_hash(st->enabled_sets[k]) & (slots - 1);
            while (table[j]) j = (j + 1) & (slots - 1);
            table[j] = k + 1;
        }
        free(st->enabled_slots);
        st->enabled_slots = table;
        st->enabled_mask = slots - 1;
    } else {
        size_t i = h & st->enabled_mask;
        while (st->enabled_slots[i]) i = (i + 1) & st->enabled_mask;
        st->enabled_slots[i] = ix + 1;
    }
    return ix;
}

/* ---- what direct licences enable: a small table aside, by holding ------------------ */

static inline size_t holding_hash(uint32_t h)
{
    return (size_t)((uint64_t)h * 0x9e3779b97f4a7c15ULL >> 32);
}

/* The table's slot for holding h: its entry, or the empty slot where it would go. */
static uint64_t *direct_slot(const EvalState *st, uint32_t h)
{
    uint64_t key = (uint64_t)(h + 1) << 32;
    size_t i = holding_hash(h) & st->direct_mask;
    while (st->direct_slots[i] && (st->direct_slots[i] & 0xffffffff00000000ULL) != key) i = (i + 1) & st->direct_mask;
    return &st->direct_slots[i];
}

uint32_t eval_direct_index(const EvalState *st, uint32_t h)
{
    return st->direct_mask ? (uint32_t)*direct_slot(st, h) : 0;   /* found: h is direct */
}

void eval_set_direct(EvalState *st, uint32_t h, uint32_t ix)
{
    if (((size_t)st->ndirect_slots + 1) * 2 > st->direct_mask) {   /* grow at half load */
        size_t slots = st->direct_mask ? (st->direct_mask + 1) * 2 : 64;
        uint64_t *old = st->direct_slots;
        size_t old_slots = st->direct_mask ? st->direct_mask + 1 : 0;
        st->direct_slots = calloc(slots, sizeof *st->direct_slots);
        if (!st->direct_slots) fatal_oom();
        st->direct_mask = slots - 1;
        for (size_t i = 0; i < old_slots; i++)
            if (old[i]) *direct_slot(st, (uint32_t)(old[i] >> 32) - 1) = old[i];
        free(old);
    }
    uint64_t *e = direct_slot(st, h);
    if (!*e) st->ndirect_slots++;
    *e = (uint64_t)(h + 1) << 32 | ix;
    eval_holding(st, h)->direct = 1;
}

/* Links a new source (g, enabled_sets[ix]) into holding h's list, in processing order. */
static void link_source(EvalState *st, uint32_t h, uint32_t g, uint32_t ix, int kept)
{
    if (st->nvia == st->via_cap) {
        uint32_t cap = st->via_cap ? st->via_cap * 2 : 1024;
        ViaNode *v = realloc(st->via, (size_t)cap * sizeof *v);
        if (!v) fatal_oom();
        st->via = v;
        st->via_cap = cap;
    }
    /* keep processing order: insert after the last source that comes earlier */
    Holding *hd = eval_holding(st, h);
    uint32_t n = st->nvia++;
    st->via[n].group = g;
    st->via[n].enabled = ix;
    st->via[n].kept = kept ? 1u : 0u;
    uint32_t prev = EVAL_NONE, cur = hd->via_first;
    /* a full pass adds sources in processing order: at the end (the lists are short) */
    while (cur != EVAL_NONE && (st->full_pass || st->group_rank[st->via[cur].group] < st->group_rank[g])) {
        prev = cur;
        cur = st->via[cur].next;
    }
    st->via[n].next = cur;
    if (prev == EVAL_NONE) hd->via_first = n;
    else st->via[prev].next = n;
}

/* A new source of holding h enables enabled_sets[ix]: the holding's plans grow by it
 * (S6), and the user may now hold a mailbox. */
static void add_enabled(EvalState *st, uint32_t user, uint32_t h, uint32_t ix, const bitword *enabled)
{
    eval_holding(st, h)->plans = planset_union(&st->sets, eval_holding(st, h)->plans, ix, enabled);
    if (!st->user_state[user].mailbox && bitset_intersects(enabled, st->p->mailbox_plans, st->p->plan_words))
        refresh_mailbox(st, user);
}

void eval_add_source(EvalState *st, uint32_t user, uint32_t h, uint32_t g, const bitword *enabled, int kept)
{
    uint32_t ix = eval_enabled_index(st, enabled);
    if (!st->lean) link_source(st, h, g, ix, kept);   /* a lean pass: the source follows from the input */
    add_enabled(st, user, h, ix, enabled);
}

void eval_refresh_holding(EvalState *st, uint32_t user, uint32_t h)
{
    Holding *hd = eval_holding(st, h);
    uint32_t plans = PLANSET_EMPTY;
    if (hd->direct) {
        uint32_t ix = eval_direct_index(st, h);
        plans = planset_union(&st->sets, plans, ix, st->enabled_sets[ix]);
    }
    for (uint32_t v = hd->via_first; v != EVAL_NONE; v = st->via[v].next)
        plans = planset_union(&st->sets, plans, st->via[v].enabled, eval_via_enabled(st, v));
    hd->plans = plans;
    if (!hd->direct && hd->via_first == EVAL_NONE) {
        /* no source left: the user no longer holds it, the seat is free */
        uint32_t *link = &st->user_state[user].first;
        while (*link != h) link = &eval_holding(st, *link)->next;
        *link = hd->next;
        st->consumed[hd->product]--;
        hd->product = EVAL_NONE;
        st->nlive--;
    }
    refresh_mailbox(st, user);
}

/* ---- violations ---------------------------------------------------------------- */

void eval_add_violation(EvalState *st, uint32_t user, int32_t group, uint32_t product, ViolationCode code,
                        ViolationKind kind, char *detail, char *hint)
{
    if (st->nviolations == st->violations_cap) {
        uint32_t cap = st->violations_cap ? st->violations_cap * 2 : 256;
        Violation *v = realloc(st->violations, (size_t)cap * sizeof *v);
        if (!v) fatal_oom();
        st->violations = v;
        st->violations_cap = cap;
    }
    uint32_t i = st->nviolations++;
    Violation *v = &st->violations[i];
    v->user = user;
    v->group = group;
    v->product = product;
    v->code = code;
    v->kind = (uint8_t)kind;
    v->dead = 0;
    v->detail = textpool_take(&st->texts, detail);
    v->hint = textpool_take(&st->texts, hint);
    v->next_of_user = st->user_violations[user];
    st->user_violations[user] = i;
}

void eval_clear_violations(EvalState *st, uint32_t user, int32_t group, uint32_t product, unsigned kinds)
{
    for (uint32_t i = st->user_violations[user]; i != EVAL_NONE; i = st->violations[i].next_of_user) {
        Violation *v = &st->violations[i];
        if (v->dead || v->group != group || !(kinds & (1u << v->kind))) continue;
        if (product != EVAL_NONE && v->product != product) continue;
        v->dead = 1;
        v->detail = v->hint = NULL;   /* the texts stay in the pool */
    }
}

/* ---- messages ------------------------------------------------------------------- */

/* Where a holding comes from, for people: "a direct licence", "group \"Sales\"";
 * its source groups are groups[0 .. ngroups). */
static char *holding_sources(const EvalState *st, uint32_t h, const uint32_t *groups, uint32_t ngroups)
{
    StrBuf sb = {0};
    const Holding *hd = eval_holding(st, h);
    int n = 0;
    if (hd->direct) { sb_puts(&sb, "a direct licence"); n++; }
    for (uint32_t i = 0; i < ngroups; i++)
        sb_printf(&sb, "%sgroup \"%s\"", n++ ? ", " : "", st->p->groups[groups[i]].name);
    return sb_take(&sb);
}

/* The location text of a user: "NL" or "NL (inherited from the directory)". */
static char *location_text(const EvalState *st, uint32_t user)
{
    char code[3];
    int c = eval_user_country(st, user);
    return str_printf("%s%s", country_code(c, code), st->user_state[user].country < 0 ? " (inherited from the directory)" : "");
}

static void no_location(const char *where, char **detail, char **hint)
{
    *detail = str_printf("License assignment cannot be done for user with invalid usage location: the user has "
                         "no usage location and the rules set no directory location");
    *hint = str_printf("set the user's usage location (or a 'directory location' in the rules)%s%s",
                       where ? ", then reprocess " : "", where ? where : "");
}

void eval_other_text(const EvalState *st, uint32_t failed_product, ViolationCode failed_code, char **detail,
                     char **hint)
{
    const char *name = st->p->products[failed_product].name;
    *detail = str_printf("held back: %s failed with %s", name, violation_code_name(failed_code));
    *hint = str_printf("resolve the %s error of this group: a group assigns all of its products or none", name);
}

/* ---- uniqueness (S5.2) ------------------------------------------------------------ */

/* Builds the address -> users index (CSR), once, when a uniqueness check first fails. */
static void index_proxy_users(EvalState *st)
{
    const Tenant *t = st->t;
    if (st->proxy_users_start) return;
    st->proxy_users_start = calloc((size_t)t->nproxies + 2, sizeof *st->proxy_users_start);
    st->proxy_users = malloc(((size_t)t->nproxy_refs + 1) * sizeof *st->proxy_users);
    if (!st->proxy_users_start || !st->proxy_users) fatal_oom();
    for (uint32_t i = 0; i < t->nproxy_refs; i++) st->proxy_users_start[t->user_proxies[i] + 2]++;
    for (uint32_t a = 0; a < t->nproxies; a++) st->proxy_users_start[a + 2] += st->proxy_users_start[a + 1];
    for (uint32_t u = 0; u < t->nusers; u++)
        for (uint32_t i = 0; i < t->users[u].nproxies; i++) {
            uint32_t a = t->user_proxies[t->users[u].first_proxy + i];
            st->proxy_users[st->proxy_users_start[a + 1]++] = u;
        }
}

/* Whether another user sharing an address with `user` holds a mailbox; on yes, the
 * address and that user (the first in users.csv order). */
static int proxy_taken(EvalState *st, uint32_t user, uint32_t *address, uint32_t *other)
{
    const TenantUser *u = &st->t->users[user];
    for (uint32_t i = 0; i < u->nproxies; i++) {
        uint32_t a = st->t->user_proxies[u->first_proxy + i];
        uint32_t own = st->user_state[user].mailbox ? 1 : 0;
        if (st->proxy_holders[a] <= own) continue;
        index_proxy_users(st);
        for (uint32_t k = st->proxy_users_start[a]; k < st->proxy_users_start[a + 1]; k++) {
            uint32_t v = st->proxy_users[k];
            if (v != user && st->user_state[v].mailbox) {
                *address = a;
                *other = v;
                return 1;
            }
        }
    }
    return 0;
}

/* Whether the user holds an enabled mailbox plan through a source other than group
 * `exclude` (or any source when exclude < 0). */
static int mailbox_from_others(const EvalState *st, uint32_t user, int exclude)
{
    const Policy *p = st->p;
    if (exclude < 0) return st->user_state[user].mailbox;
    for (uint32_t h = st->user_state[user].first; h != EVAL_NONE; h = eval_holding(st, h)->next) {
        const Holding *hd = eval_holding(st, h);
        if (hd->direct && bitset_intersects(eval_direct_enabled(st, h), p->mailbox_plans, p->plan_words)) return 1;
        for (uint32_t v = hd->via_first; v != EVAL_NONE; v = st->via[v].next)
            if ((int)st->via[v].group != exclude || st->via[v].kept)
                if (bitset_intersects(eval_via_enabled(st, v), p->mailbox_plans, p->plan_words)) return 1;
    }
    return 0;
}

/* ---- conflicts (S5.3) ------------------------------------------------------------- */

/* Plans of holding h from sources other than group `exclude` (kept sources count) into
 * out; returns out, or the holding's own plans when nothing is excluded. */
static const bitword *plans_from_others(const EvalState *st, uint32_t h, int exclude, bitword *out)
{
    const Holding *hd = eval_holding(st, h);
    if (exclude < 0) return eval_holding_plans(st, h);
    size_t words = st->p->plan_words;
    bitset_zero(out, words);
    if (hd->direct) bitset_or(out, eval_direct_enabled(st, h), words);
    for (uint32_t v = hd->via_first; v != EVAL_NONE; v = st->via[v].next)
        if ((int)st->via[v].group != exclude || st->via[v].kept) bitset_or(out, eval_via_enabled(st, v), words);
    return out;
}

/* Whether assignment a conflicts with a plan the user holds through another product
 * (from sources other than group `exclude`); with detail non-NULL, the audit-log style
 * detail and the hint. */
static int conflicts_with_holdings(EvalState *st, uint32_t user, const PolicyAssign *a, int exclude,
                                   const char *source, char **detail, char **hint)
{
    const Policy *p = st->p;
    int found = 0;
    StrBuf pairs = {0}, holders = {0}, fixes = {0};
    bitword *mine = NULL, *scratch = NULL;
    if (exclude >= 0 && !(scratch = policy_plan_set(p))) fatal_oom();
    for (uint32_t h = st->user_state[user].first; h != EVAL_NONE; h = eval_holding(st, h)->next) {
        if (eval_holding(st, h)->product == a->product) continue;
        const bitword *theirs = plans_from_others(st, h, exclude, scratch);
        if (!bitset_intersects(theirs, a->conflict_mask, p->plan_words)) continue;
        found = 1;
        if (!detail) break;
        if (!mine && !(mine = policy_plan_set(p))) fatal_oom();
        bitword *held = policy_plan_set(p);
        if (!held) fatal_oom();
        BITSET_FOREACH(e, a->enabled, p->nplans) {
            const bitword *c = p->plans[e].conflicts;
            if (!c) continue;
            BITSET_FOREACH(q, c, p->nplans) {
                if (q == e || !bitset_test(theirs, q)) continue;
                if (pairs.len) sb_printf(&pairs, "; so are %s, %s", p->plans[e].name, p->plans[q].name);
                else sb_printf(&pairs, "%s, %s are mutually exclusive", p->plans[e].name, p->plans[q].name);
                bitset_set(mine, e);
                bitset_set(held, q);
            }
        }
        const Holding *hd = eval_holding(st, h);
        const char *other = p->products[hd->product].name;
        char *held_names = policy_plan_names(p, held, 0, ", ");
        uint32_t *groups = NULL, groups_cap = 0;
        uint32_t ngroups = eval_source_groups(st, user, h, &groups, &groups_cap);
        char *from = holding_sources(st, h, groups, ngroups);
        sb_printf(&holders, "%s%s through %s (%s)", holders.len ? "; " : "", held_names, other, from);
        if (hd->direct)
            sb_printf(&fixes, "%sdisable %s in the direct licence of %s (or remove it)", fixes.len ? "; or " : "",
                      held_names, other);
        for (uint32_t i = 0; i < ngroups; i++)
            sb_printf(&fixes, "%sdisable %s in group \"%s\"'s %s (or remove the user from that group)",
                      fixes.len ? "; or " : "", held_names, p->groups[groups[i]].name, other);
        free(groups);
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
    free(scratch);
    return found;
}

/* ---- S5 checks of one assignment ------------------------------------------------ */

void eval_check_each(EvalState *st, uint32_t user, const PolicyAssign *a, int passed[4])
{
    int country = eval_user_country(st, user);
    uint32_t addr, other;
    passed[0] = !(country < 0 || (a->location_limited && !bitset_test(a->allowed, (size_t)country)));
    passed[1] = !(a->has_mailbox && st->user_state[user].shares_address && !mailbox_from_others(st, user, -1) &&
                  proxy_taken(st, user, &addr, &other));
    passed[2] = !(a->conflict_mask && conflicts_with_holdings(st, user, a, -1, NULL, NULL, NULL));
    passed[3] = !(st->seats[a->product] != SEATS_UNLIMITED && st->consumed[a->product] >= st->seats[a->product] &&
                  eval_find_holding(st, user, a->product) == EVAL_NONE);
}

int eval_check_assign(EvalState *st, uint32_t user, const PolicyAssign *a, int exclude, const char *where,
                      char **detail, char **hint)
{
    const Policy *p = st->p;
    int country = eval_user_country(st, user);
    uint32_t addr, other;
    int code = -1;
    if (country < 0 || (a->location_limited && !bitset_test(a->allowed, (size_t)country))) code = V_LOCATION;
    else if (a->has_mailbox && st->user_state[user].shares_address && !mailbox_from_others(st, user, exclude) &&
             proxy_taken(st, user, &addr, &other))
        code = V_UNIQUENESS;
    else if (a->conflict_mask && conflicts_with_holdings(st, user, a, exclude, NULL, NULL, NULL))
        code = V_MUTUALLY_EXCLUSIVE;
    else if (st->seats[a->product] != SEATS_UNLIMITED && st->consumed[a->product] >= st->seats[a->product] &&
             eval_find_holding(st, user, a->product) == EVAL_NONE)
        code = V_COUNT;
    if (code < 0 || !detail) return code;
    *detail = *hint = NULL;
    switch (code) {
    case V_LOCATION:
        if (country < 0) {
            no_location(where, detail, hint);
        } else {
            uint32_t q = 0;
            BITSET_FOREACH(i, a->enabled, p->nplans)
                if (!policy_plan_allowed_in(p, (uint32_t)i, country)) { q = (uint32_t)i; break; }
            char *loc = location_text(st, user);
            *detail = str_printf("service plan %s is not available in usage location %s", p->plans[q].name, loc);
            *hint = str_printf("set a usage location where %s is allowed, remove the user from %s, or disable %s in %s",
                               p->plans[q].name, where, p->plans[q].name, where);
            free(loc);
        }
        break;
    case V_UNIQUENESS:
        *detail = str_printf("proxy address %s is already used by %s, who has a mailbox", st->t->proxy_text[addr],
                             st->t->users[other].id);
        *hint = str_printf("remove the duplicate proxy address %s from one of the two users, then reprocess %s",
                           st->t->proxy_text[addr], where);
        break;
    case V_MUTUALLY_EXCLUSIVE:
        conflicts_with_holdings(st, user, a, exclude, where, detail, hint);
        break;
    default:
        *detail = str_printf("no seat left: %lld of %lld in use", (long long)st->consumed[a->product],
                             (long long)st->seats[a->product]);
        break;   /* hint: in finish_count_hints, once totals are known */
    }
    return code;
}

/* ---- S5: one (user, group) pair of a full pass ------------------------------------ */

static void process_pair(EvalState *st, uint32_t user, uint32_t g)
{
    const GroupView *G = &st->groups[g];
    if (st->trace && user == st->trace_user) st->trace(st, g, st->trace_ctx);
    int failed = -1;
    int codes[64];
    int *code = G->nassigns <= 64 ? codes : malloc(G->nassigns * sizeof *code);
    if (!code) fatal_oom();
    for (uint32_t k = 0; k < G->nassigns; k++) {
        code[k] = eval_check_assign(st, user, &G->assigns[k], -1, NULL, NULL, NULL);
        if (code[k] >= 0 && failed < 0) failed = (int)k;
    }
    if (failed < 0) {
        for (uint32_t k = 0; k < G->nassigns; k++) {
            const PolicyAssign *a = &G->assigns[k];
            eval_add_source(st, user, eval_hold(st, user, a->product), g, a->enabled, 0);
        }
    } else {
        char *where = str_printf("group \"%s\"", st->p->groups[g].name);
        for (uint32_t k = 0; k < G->nassigns; k++) {
            const PolicyAssign *a = &G->assigns[k];
            char *detail, *hint;
            if (code[k] >= 0) {
                eval_check_assign(st, user, a, -1, where, &detail, &hint);
            } else {
                eval_other_text(st, G->assigns[failed].product, (ViolationCode)code[failed], &detail, &hint);
                code[k] = V_OTHER;
            }
            eval_add_violation(st, user, (int32_t)g, a->product, (ViolationCode)code[k], VK_GROUP, detail, hint);
        }
        free(where);
    }
    if (code != codes) free(code);
}

/* ---- S3: direct licences ------------------------------------------------------------ */

static void apply_direct(EvalState *st)
{
    for (uint32_t i = 0; i < st->t->ndirect; i++) {
        const DirectLicense *d = &st->t->direct[i];
        uint32_t h = eval_hold(st, d->user, d->product);
        uint32_t ix = eval_enabled_index(st, d->enabled);
        eval_set_direct(st, h, ix);
        eval_note_direct(st, d->user);
        add_enabled(st, d->user, h, ix, d->enabled);
    }
}

/* Checks one direct licence (holding h of user) against the user's state (S3). */
static void check_direct_licence(EvalState *st, uint32_t user, uint32_t h, bitword *all, bitword *scratch)
{
    const Policy *p = st->p;
    const Holding *hd = eval_holding(st, h);
    const bitword *enabled = eval_direct_enabled(st, h);
    const char *pname = p->products[hd->product].name;
    int country = eval_user_country(st, user);
    char *detail = NULL, *hint = NULL;
    ViolationCode code = V_OTHER;
    if (country < 0) {
        no_location(NULL, &detail, &hint);
        code = V_LOCATION;
    } else {
        BITSET_FOREACH(q, enabled, p->nplans) {
            if (policy_plan_allowed_in(p, (uint32_t)q, country)) continue;
            char *loc = location_text(st, user);
            detail = str_printf("service plan %s is not available in usage location %s", p->plans[q].name, loc);
            hint = str_printf("set a usage location where %s is allowed, or disable %s in the direct licence of %s",
                              p->plans[q].name, p->plans[q].name, pname);
            code = V_LOCATION;
            free(loc);
            break;
        }
    }
    /* conflict with another direct licence of the user */
    for (uint32_t o = st->user_state[user].first; o != EVAL_NONE && !detail; o = eval_holding(st, o)->next) {
        const Holding *od = eval_holding(st, o);
        if (o == h || !od->direct) continue;
        bitset_zero(scratch, p->plan_words);
        BITSET_FOREACH(e, enabled, p->nplans) policy_or_conflicts(p, (uint32_t)e, scratch);
        bitset_and(scratch, eval_direct_enabled(st, o), p->plan_words);
        if (!bitset_any(scratch, p->plan_words)) continue;
        StrBuf pairs = {0};
        BITSET_FOREACH(e, enabled, p->nplans) {
            if (!p->plans[e].conflicts) continue;
            BITSET_FOREACH(q, scratch, p->nplans)
                if (q != e && bitset_test(p->plans[e].conflicts, q))
                    sb_printf(&pairs, "%s%s, %s%s", pairs.len ? "; so are " : "", p->plans[e].name, p->plans[q].name,
                              pairs.len ? "" : " are mutually exclusive");
        }
        char *pair_text = sb_take(&pairs);
        detail = str_printf("License assignment failed because service plans %s (with the direct licence of %s).",
                            pair_text, p->products[od->product].name);
        hint = str_printf("disable the conflicting plans in the direct licence of %s or of %s, or remove one of the "
                          "two licences", pname, p->products[od->product].name);
        code = V_MUTUALLY_EXCLUSIVE;
        free(pair_text);
    }
    /* requirements against every plan enabled on the user */
    if (!detail) eval_user_plans(st, user, all);
    BITSET_FOREACH(q, enabled, p->nplans) {
        if (detail) break;
        const PolicyPlan *pl = &p->plans[q];
        for (uint32_t r = pl->first_requirement; r < pl->first_requirement + pl->nrequirements; r++) {
            const PolicyRequirement *req = &p->requirements[r];
            if (bitset_intersects(req->any_of, all, p->plan_words)) continue;
            StrBuf alts = {0}, ors = {0};
            for (uint32_t k = 0; k < req->nalternatives; k++) {
                sb_printf(&alts, "%s%s", k ? ", " : "", p->plans[req->alternatives[k]].name);
                sb_printf(&ors, "%s%s", k ? " or " : "", p->plans[req->alternatives[k]].name);
            }
            char *alt_text = sb_take(&alts), *or_text = sb_take(&ors);
            detail = str_printf("License assignment failed because service plan %s depends on the service plan(s) %s.",
                                pl->name, alt_text);
            hint = str_printf("enable %s for the user through another licence or group, or disable %s in the direct "
                              "licence of %s", or_text, pl->name, pname);
            code = V_DEPENDENCY;
            free(alt_text);
            free(or_text);
            break;
        }
    }
    if (detail) eval_add_violation(st, user, EVAL_DIRECT, hd->product, code, VK_DIRECT, detail, hint);
}

/* S3 findings for every direct licence, replacing earlier ones (W5). */
void eval_note_direct(EvalState *st, uint32_t user)
{
    if (st->ndirect_users && st->direct_users[st->ndirect_users - 1] == user) return;
    if (!grow_array((void **)&st->direct_users, &st->direct_users_cap, (size_t)st->ndirect_users + 1,
                    sizeof *st->direct_users))
        fatal_oom();
    st->direct_users[st->ndirect_users++] = user;
}

/* Only users who ever held a direct licence can have one now or a finding of one. */
static void check_direct(EvalState *st)
{
    bitword *all = policy_plan_set(st->p), *scratch = policy_plan_set(st->p);
    if (!all || !scratch) fatal_oom();
    uint32_t n = 0;
    if (st->ndirect_users > 1) qsort(st->direct_users, st->ndirect_users, sizeof *st->direct_users, cmp_u32);
    for (uint32_t i = 0; i < st->ndirect_users; i++)
        if (!n || st->direct_users[n - 1] != st->direct_users[i]) st->direct_users[n++] = st->direct_users[i];
    st->ndirect_users = n;
    for (uint32_t i = 0; i < n; i++) {
        uint32_t u = st->direct_users[i];
        eval_clear_violations(st, u, EVAL_DIRECT, EVAL_NONE, 1u << VK_DIRECT);
        for (uint32_t h = st->user_state[u].first; h != EVAL_NONE; h = eval_holding(st, h)->next)
            if (eval_holding(st, h)->direct) check_direct_licence(st, u, h, all, scratch);
    }
    free(all);
    free(scratch);
}

/* ---- finishing -------------------------------------------------------------------- */

/* Who holds the seats, in a lean state: per product of slot[] (a row of `row` counts:
 * groups, then direct), how many users hold it through each group (the members whose
 * pair passed: a failed pair has one violation for each product of the group, so one
 * for its first) and how many with a direct licence. */
static void count_holders_lean(const EvalState *st, const uint32_t *slot, uint32_t *held_by, size_t row)
{
    const Policy *p = st->p;
    uint32_t *failed = calloc((size_t)p->ngroups + 1, sizeof *failed);
    if (!failed) fatal_oom();
    for (uint32_t i = 0; i < st->nviolations; i++) {
        const Violation *v = &st->violations[i];
        if (!v->dead && v->kind == VK_GROUP && v->group >= 0 &&
            v->product == st->groups[v->group].assigns[0].product)
            failed[v->group]++;
    }
    for (uint32_t g = 0; g < p->ngroups; g++) {
        const GroupView *gv = &st->groups[g];
        for (uint32_t k = 0; k < gv->nassigns; k++)
            if (slot[gv->assigns[k].product] != EVAL_NONE)
                held_by[(size_t)slot[gv->assigns[k].product] * row + g] += gv->nmembers - failed[g];
    }
    free(failed);
    for (uint32_t i = 0; i < st->ndirect_users; i++) {   /* sorted, once each (check_direct) */
        uint32_t u = st->direct_users[i];
        for (uint32_t h = st->user_state[u].first; h != EVAL_NONE; h = eval_holding(st, h)->next) {
            const Holding *hd = eval_holding(st, h);
            if (hd->direct && slot[hd->product] != EVAL_NONE) held_by[(size_t)slot[hd->product] * row + p->ngroups]++;
        }
    }
}

/* Count hints need the totals: how many users wait for a seat, who holds the seats.
 * Runs on violations in report order. */
static void finish_count_hints(EvalState *st)
{
    const Policy *p = st->p;
    uint32_t *waiting = calloc((size_t)p->nproducts + 1, sizeof *waiting);
    uint32_t *last = calloc((size_t)p->nproducts + 1, sizeof *last);   /* user + 1 last counted */
    if (!waiting || !last) fatal_oom();
    /* distinct users (violations are in user order here) */
    for (uint32_t i = 0; i < st->nviolations; i++) {
        const Violation *v = &st->violations[i];
        if (v->dead || v->code != V_COUNT || last[v->product] == v->user + 1) continue;
        last[v->product] = v->user + 1;
        waiting[v->product]++;
    }
    free(last);
    char **hints = calloc((size_t)p->nproducts + 1, sizeof *hints);
    /* who holds the seats of each product users wait for: one pass over the holdings */
    uint32_t *slot = malloc(((size_t)p->nproducts + 1) * sizeof *slot);   /* product -> row, or NONE */
    uint32_t nwait = 0;
    if (!hints || !slot) fatal_oom();
    for (uint32_t prod = 0; prod < p->nproducts; prod++) slot[prod] = waiting[prod] ? nwait++ : EVAL_NONE;
    size_t row = (size_t)p->ngroups + 1;   /* per waited-for product: groups, then direct */
    uint32_t *held_by = calloc((size_t)nwait * row + 1, sizeof *held_by);
    if (!held_by) fatal_oom();
    if (nwait && st->lean) count_holders_lean(st, slot, held_by, row);
    for (uint32_t h = 0; nwait && !st->lean && h < st->nholdings; h++) {
        uint32_t prod = eval_holding(st, h)->product;
        if (prod == EVAL_NONE || slot[prod] == EVAL_NONE) continue;
        uint32_t *counts = held_by + (size_t)slot[prod] * row;
        if (eval_holding(st, h)->direct) counts[p->ngroups]++;
        for (uint32_t v = eval_holding(st, h)->via_first; v != EVAL_NONE; v = st->via[v].next) counts[st->via[v].group]++;
    }
    for (uint32_t prod = 0; prod < p->nproducts; prod++) {
        if (!waiting[prod]) continue;
        uint32_t *by_group = held_by + (size_t)slot[prod] * row;
        uint32_t direct = by_group[p->ngroups];
        StrBuf held = {0};
        if (direct) sb_printf(&held, "%u user%s with a direct licence", direct, direct == 1 ? "" : "s");
        /* the three groups holding most seats, then how many more */
        uint32_t shown = 0, more = 0;
        for (uint32_t i = 0; i < p->ngroups; i++) more += by_group[i] > 0;
        while (shown < 3 && more) {
            uint32_t best = 0;
            for (uint32_t g = 1; g < p->ngroups; g++)
                if (by_group[g] > by_group[best]) best = g;
            sb_printf(&held, "%s%u through \"%s\"", held.len ? ", " : "", by_group[best], p->groups[best].name);
            by_group[best] = 0;
            shown++;
            more--;
        }
        if (more) sb_printf(&held, " and %u more group%s", more, more == 1 ? "" : "s");
        char *held_text = sb_take(&held);
        int64_t over = eval_conflict(st, prod);
        uint64_t buy = waiting[prod] + (uint64_t)over;
        char *free_text = st->consumed[prod] > 0 ? str_printf(" or free seats (%lld in use; held by %s)",
                                                              (long long)st->consumed[prod], held_text)
                                                 : str_printf("%s", "");
        hints[prod] = str_printf("buy %llu more seat%s of %s (%u user%s wait%s for one%s)%s", (unsigned long long)buy,
                                 buy == 1 ? "" : "s", p->products[prod].name, waiting[prod],
                                 waiting[prod] == 1 ? "" : "s", waiting[prod] == 1 ? "s" : "",
                                 over ? ", and the seats are already over-used" : "", free_text);
        free(free_text);
        free(held_text);
    }
    free(held_by);
    /* a hint is the same for every user waiting through one group: made once per
     * (product, group), not once per violation */
    const char **made = calloc((size_t)nwait * row + 1, sizeof *made);
    if (!made) fatal_oom();
    for (uint32_t i = 0; i < st->nviolations; i++) {
        Violation *v = &st->violations[i];
        if (v->dead || v->code != V_COUNT || v->group < 0) continue;
        const char **hint = &made[(size_t)slot[v->product] * row + (uint32_t)v->group];
        if (!*hint)
            *hint = textpool_take(&st->texts, str_printf("%s, then reprocess group \"%s\"", hints[v->product],
                                                          p->groups[v->group].name));
        v->hint = *hint;
    }
    free(made);
    free(slot);
    for (uint32_t prod = 0; prod < p->nproducts; prod++) free(hints[prod]);
    free(hints);
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
    if (ra != rb) return ra < rb ? -1 : 1;
    return a->kind < b->kind ? -1 : a->kind > b->kind;
}

/* A user's violations up to this many are sorted by insertion alone. */
#define SORT_FEW 16

/* Sorts v[0..n) by cmp_violation keeping the order of equals: insertion for the few
 * violations a user mostly has, merging runs through tmp (room for n when n >
 * SORT_FEW) for many. */
static void sort_run(Violation *v, uint32_t n, Violation *tmp)
{
    for (uint32_t lo = 0; lo < n; lo += SORT_FEW) {
        uint32_t hi = n - lo < SORT_FEW ? n : lo + SORT_FEW;
        for (uint32_t i = lo + 1; i < hi; i++) {
            Violation x = v[i];
            uint32_t j = i;
            for (; j > lo && cmp_violation(&v[j - 1], &x) > 0; j--) v[j] = v[j - 1];
            v[j] = x;
        }
    }
    for (uint32_t width = SORT_FEW; width < n; width *= 2) {
        for (uint32_t lo = 0; lo < n; lo += 2 * width) {
            uint32_t mid = n - lo < width ? n : lo + width, hi = n - mid < width ? n : mid + width;
            uint32_t a = lo, b = mid, k = lo;
            while (a < mid && b < hi) tmp[k++] = cmp_violation(&v[b], &v[a]) < 0 ? v[b++] : v[a++];
            while (a < mid) tmp[k++] = v[a++];
            while (b < hi) tmp[k++] = v[b++];
        }
        memcpy(v, tmp, (size_t)n * sizeof *v);
    }
}

/* Drops cleared violations, sorts the rest into report order, rebuilds the per-user
 * chains. The sort is by user first, with a count per user (the per-user chains'
 * array counts, then is rebuilt) and the violations moved in place along the cycles of
 * that order (a second array of them would be 11 MB of fresh memory at 1M users), then
 * in each user's few by cmp_violation, keeping the order of equals. A qsort of the
 * 280,000 violations at 1M users was 2.4% of a run, this is 1.0-1.5%
 * (docs/PERFORMANCE.md). */
static void sort_violations(EvalState *st)
{
    uint32_t n = 0;
    for (uint32_t i = 0; i < st->nviolations; i++)
        if (!st->violations[i].dead) st->violations[n++] = st->violations[i];
    st->nviolations = n;
    uint32_t nusers = st->t->nusers;
    Violation *v = st->violations;
    if (n > 1) {
        uint32_t *next = st->user_violations;   /* per user: its count, then where its next goes */
        uint32_t *dest = malloc((size_t)n * sizeof *dest);
        if (!dest) fatal_oom();
        for (uint32_t u = 0; u < nusers; u++) next[u] = 0;
        for (uint32_t i = 0; i < n; i++) next[v[i].user]++;
        uint32_t at = 0, longest = 0;
        for (uint32_t u = 0; u < nusers; u++) {
            uint32_t count = next[u];
            next[u] = at;
            at += count;
            if (count > longest) longest = count;
        }
        for (uint32_t i = 0; i < n; i++) dest[i] = next[v[i].user]++;
        for (uint32_t i = 0; i < n; i++)
            while (dest[i] != i) {   /* v[i] to its place; what was there comes to i */
                uint32_t j = dest[i];
                Violation moved = v[j];
                v[j] = v[i];
                v[i] = moved;
                dest[i] = dest[j];
                dest[j] = j;
            }
        free(dest);
        Violation *tmp = NULL;   /* for merging a user's many */
        if (longest > SORT_FEW && !(tmp = malloc((size_t)longest * sizeof *tmp))) fatal_oom();
        sort_state = st;
        for (uint32_t lo = 0; lo < n;) {   /* each user's run */
            uint32_t hi = lo + 1;
            while (hi < n && v[hi].user == v[lo].user) hi++;
            sort_run(v + lo, hi - lo, tmp);
            lo = hi;
        }
        sort_state = NULL;
        free(tmp);
    }
    for (uint32_t u = 0; u < nusers; u++) st->user_violations[u] = EVAL_NONE;
    for (uint32_t i = n; i-- > 0;) {
        v[i].next_of_user = st->user_violations[v[i].user];
        st->user_violations[v[i].user] = i;
    }
}

void eval_finish(EvalState *st)
{
    check_direct(st);
    sort_violations(st);
    finish_count_hints(st);
}

/* Sizes the source pool once for about one source per membership (holdings come a
 * segment at a time, as they are needed). */
static void presize(EvalState *st)
{
    size_t pairs = st->t->ndirect;
    for (uint32_t g = 0; g < st->p->ngroups; g++)
        if (st->groups[g].nassigns) pairs += (size_t)st->groups[g].nmembers * st->groups[g].nassigns;
    if (pairs > UINT32_MAX / 2) pairs = UINT32_MAX / 2;
    uint32_t want = (uint32_t)pairs + 1024;
    if (!st->lean && want > st->via_cap) {
        ViaNode *v = mem_huge(realloc(st->via, (size_t)want * sizeof *v), (size_t)want * sizeof *v);
        if (v) {
            st->via = v;
            st->via_cap = want;
        }
    }
}

void eval_run(EvalState *st)
{
    const Policy *p = st->p;
    presize(st);
    st->full_pass = 1;          /* from nothing, groups in order: sources only ever append */
    apply_direct(st);
    for (uint32_t i = 0; i < p->ngroups; i++) {
        uint32_t g = p->order[i];
        const GroupView *gv = &st->groups[g];
        st->pass_rank = i;
        if (!gv->nassigns) continue;
        if (gv->nmembers > 10000 || (i & 255) == 0)
            progress("skuld: evaluating group %u of %u (%s, %u members)", i + 1, p->ngroups, p->groups[g].name,
                     gv->nmembers);
        for (uint32_t m = 0; m < gv->nmembers; m++) {
            /* the pass is bound by memory latency: fetch the next users' state early,
             * step by step (each step reads what the one before fetched) */
            if (m + 24 < gv->nmembers) __builtin_prefetch(&st->user_state[gv->members[m + 24]]);
            if (m + 14 < gv->nmembers) {
                uint32_t next = gv->members[m + 14];
                uint32_t h = st->user_state[next].first;
                if (h != EVAL_NONE) __builtin_prefetch(eval_holding(st, h));
                if (st->user_state[next].shares_address)   /* its addresses, for uniqueness */
                    __builtin_prefetch(&st->t->users[next]);
            }
            if (m + 8 < gv->nmembers) {   /* the chunk of holdings before the newest */
                uint32_t h = st->user_state[gv->members[m + 8]].first;
                if (h != EVAL_NONE && eval_holding(st, h - h % EVAL_HOLD_CHUNK)->next != EVAL_NONE)
                    __builtin_prefetch(eval_holding(st, eval_holding(st, h - h % EVAL_HOLD_CHUNK)->next));
            }
            if (m + 3 < gv->nmembers && !st->lean) {   /* the sources a new one of this group links after */
                uint32_t next = gv->members[m + 3];
                for (uint32_t k = 0; k < gv->nassigns; k++) {
                    uint32_t h = eval_find_holding(st, next, gv->assigns[k].product);
                    if (h != EVAL_NONE && eval_holding(st, h)->via_first != EVAL_NONE)
                        __builtin_prefetch(&st->via[eval_holding(st, h)->via_first]);
                }
            }
            process_pair(st, gv->members[m], g);
        }
    }
    progress_done();
    st->full_pass = 0;
    st->pass_rank = UINT32_MAX;
    eval_finish(st);
}

/* ---- lean states: sources from the memberships -------------------------------------- */

void eval_index_sources(EvalState *st)
{
    if (st->user_groups_start) return;
    const Policy *p = st->p;
    size_t nusers = st->t->nusers, total = 0;
    /* counting sort of the memberships by user, groups taken in processing order */
    uint32_t *start = mem_huge(calloc(nusers + 2, sizeof *start), (nusers + 2) * sizeof *start);
    if (!start) fatal_oom();
    for (uint32_t i = 0; i < p->ngroups; i++) {
        const GroupView *gv = &st->groups[p->order[i]];
        if (!gv->nassigns) continue;
        for (uint32_t m = 0; m < gv->nmembers; m++) start[gv->members[m] + 2]++;
        total += gv->nmembers;
    }
    if (total >= UINT32_MAX) fatal_oom();
    for (size_t u = 0; u < nusers; u++) start[u + 2] += start[u + 1];
    uint32_t *groups = mem_huge(malloc((total ? total : 1) * sizeof *groups), total * sizeof *groups);
    if (!groups) fatal_oom();
    for (uint32_t i = 0; i < p->ngroups; i++) {
        uint32_t g = p->order[i];
        const GroupView *gv = &st->groups[g];
        if (!gv->nassigns) continue;
        for (uint32_t m = 0; m < gv->nmembers; m++) groups[start[gv->members[m] + 1]++] = g;
    }
    st->user_groups_start = start;   /* start[u] .. start[u + 1] now */
    st->user_groups = groups;
}

uint32_t eval_mark_failed_pairs(const EvalState *st, uint32_t user, PairMarks *marks)
{
    if (st->user_violations[user] == EVAL_NONE) return 0;
    if (!marks->mark || marks->stamp == UINT32_MAX) {   /* first use, or stamps run out */
        free(marks->mark);
        if (!(marks->mark = calloc((size_t)st->p->ngroups + 1, sizeof *marks->mark))) fatal_oom();
        marks->stamp = 0;
    }
    uint32_t stamp = ++marks->stamp;
    for (uint32_t i = st->user_violations[user]; i != EVAL_NONE; i = st->violations[i].next_of_user) {
        const Violation *v = &st->violations[i];
        if (!v->dead && v->kind == VK_GROUP && v->group >= 0) marks->mark[v->group] = stamp;
    }
    return stamp;
}

static int group_assigns(const GroupView *gv, uint32_t product)
{
    for (uint32_t k = 0; k < gv->nassigns; k++)
        if (gv->assigns[k].product == product) return 1;
    return 0;
}

static void push_group(uint32_t **groups, uint32_t *cap, uint32_t *n, uint32_t g)
{
    if (*n == *cap) {
        uint32_t grown_cap = *cap ? *cap * 2 : 8;
        uint32_t *grown = realloc(*groups, grown_cap * sizeof *grown);
        if (!grown) fatal_oom();
        *groups = grown;
        *cap = grown_cap;
    }
    (*groups)[(*n)++] = g;
}

uint32_t eval_source_groups(EvalState *st, uint32_t user, uint32_t h, uint32_t **groups, uint32_t *cap)
{
    uint32_t n = 0;
    if (!st->lean) {
        for (uint32_t v = eval_holding(st, h)->via_first; v != EVAL_NONE; v = st->via[v].next)
            push_group(groups, cap, &n, st->via[v].group);
        return n;
    }
    eval_index_sources(st);
    uint32_t product = eval_holding(st, h)->product, count;
    const uint32_t *mine = eval_user_groups(st, user, &count);
    uint32_t failed = eval_mark_failed_pairs(st, user, &st->failed_pairs);
    for (uint32_t k = 0; k < count; k++) {
        uint32_t g = mine[k];
        if (st->group_rank[g] >= st->pass_rank) break;   /* not processed yet */
        if (!group_assigns(&st->groups[g], product) || eval_pair_failed(&st->failed_pairs, failed, g)) continue;
        push_group(groups, cap, &n, g);
    }
    return n;
}

void eval_keep_sources(EvalState *st)
{
    if (!st->lean) return;
    eval_index_sources(st);
    for (uint32_t u = 0; u < st->t->nusers; u++) {
        uint32_t count;
        const uint32_t *mine = eval_user_groups(st, u, &count);
        uint32_t failed = eval_mark_failed_pairs(st, u, &st->failed_pairs);
        for (uint32_t k = 0; k < count; k++) {
            uint32_t g = mine[k];
            if (eval_pair_failed(&st->failed_pairs, failed, g)) continue;
            const GroupView *gv = &st->groups[g];
            for (uint32_t a = 0; a < gv->nassigns; a++)
                link_source(st, eval_find_holding(st, u, gv->assigns[a].product), g,
                            eval_enabled_index(st, gv->assigns[a].enabled), 0);
        }
    }
    st->lean = 0;
    free(st->user_groups_start);
    free(st->user_groups);
    free(st->failed_pairs.mark);
    st->failed_pairs = (PairMarks){ NULL, 0 };
    st->user_groups_start = st->user_groups = NULL;
}
