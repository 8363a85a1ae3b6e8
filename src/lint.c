/* lint.c — the lint findings (see lint.h; every code is documented in docs/lint.md).
 *
 * Rule-only findings work on the compiled policy. Tenant-aware findings read an
 * evaluated state: who holds what through which source, which violations the pass
 * produced, who is a member of what.
 */
#include "lint.h"
#include "util.h"

#include <stdlib.h>
#include <string.h>

static const LintCode codes[] = {
    { "prereq-unsatisfiable", SEV_ERROR, 0, "a requirement that no product of the rules can satisfy" },
    { "prereq-disabled", SEV_WARNING, 0,
      "a prerequisite a group enables only through one assignment while another of its assignments disables it" },
    { "prereq-other-group", SEV_WARNING, 1,
      "users whose prerequisite comes only through a different group: they get DependencyViolation when they leave it" },
    { "prereq-cycle", SEV_WARNING, 0, "requirements that form a cycle" },
    { "group-conflict", SEV_WARNING, 0, "two groups assign plans that are mutually exclusive" },
    { "product-self-conflict", SEV_WARNING, 0, "a product whose own plans are mutually exclusive" },
    { "direct-group-conflict", SEV_WARNING, 1, "a direct licence conflicts with a group the user is in" },
    { "seats-exceeded", SEV_ERROR, 1, "a group's members need more seats than are left" },
    { "seats-missing", SEV_INFO, 0, "a product with no seats anywhere (unlimited)" },
    { "licence-conflict", SEV_ERROR, 1, "more users hold a product than it has seats" },
    { "location-not-allowed", SEV_WARNING, 1,
      "members of a group at a usage location where one of its plans is not allowed" },
    { "location-inherited", SEV_INFO, 1, "licensed users relying on the directory's usage location" },
    { "duplicate-proxy", SEV_WARNING, 1, "users who get a mailbox plan share a proxy address" },
    { "nested-group", SEV_WARNING, 1, "a group nested in a licensed group: its members get nothing from it" },
    { "group-no-members", SEV_WARNING, 1, "a group assigns licences but has no members" },
    { "unused-plan", SEV_INFO, 0, "a plan that no product contains" },
    { "unused-product", SEV_INFO, 0, "a product that no group assigns (and no user holds directly)" },
    { "same-product-different-plans", SEV_INFO, 0,
      "two groups assign the same product with different plans: users in both get the union" },
};
#define NCODES (sizeof codes / sizeof codes[0])

const LintCode *lint_codes(size_t *n)
{
    *n = NCODES;
    return codes;
}

static int code_index(const char *code)
{
    for (size_t i = 0; i < NCODES; i++)
        if (strcmp(codes[i].code, code) == 0) return (int)i;
    return -1;
}

/* Whether s[0..n) is a lint code. */
static int lint_code_n(const char *s, size_t n)
{
    for (size_t i = 0; i < NCODES; i++)
        if (strlen(codes[i].code) == n && memcmp(codes[i].code, s, n) == 0) return 1;
    return 0;
}

const LintCode *lint_code(const char *code)
{
    int i = code_index(code);
    return i < 0 ? NULL : &codes[i];
}

/* ---- configuration ------------------------------------------------------------- */

void lint_config_init(LintConfig *cfg)
{
    cfg->enabled = malloc(NCODES);
    cfg->severity = malloc(NCODES * sizeof *cfg->severity);
    if (!cfg->enabled || !cfg->severity) fatal_oom();
    for (size_t i = 0; i < NCODES; i++) {
        cfg->enabled[i] = 1;
        cfg->severity[i] = -1;
    }
}

void lint_config_free(LintConfig *cfg)
{
    free(cfg->enabled);
    free(cfg->severity);
}

static int parse_severity(const char *s, Severity *out)
{
    if (strcmp(s, "error") == 0) *out = SEV_ERROR;
    else if (strcmp(s, "warning") == 0) *out = SEV_WARNING;
    else if (strcmp(s, "info") == 0 || strcmp(s, "note") == 0) *out = SEV_INFO;
    else return 0;
    return 1;
}

int lint_config_apply(LintConfig *cfg, const char *option, const char *value)
{
    if (strcmp(option, "--severity") == 0) {
        const char *eq = strchr(value, '=');
        Severity sev;
        char code[128];
        if (!eq || (size_t)(eq - value) >= sizeof code || !parse_severity(eq + 1, &sev)) {
            fprintf(stderr, "skuld lint: --severity takes CODE=error|warning|info, not '%s'\n", value);
            return 0;
        }
        snprintf(code, sizeof code, "%.*s", (int)(eq - value), value);
        int i = code_index(code);
        if (i < 0) {
            fprintf(stderr, "skuld lint: unknown lint code '%s' (see docs/lint.md)\n", code);
            return 0;
        }
        cfg->severity[i] = (int)sev;
        return 1;
    }
    int on = strcmp(option, "--enable") == 0;
    if (strcmp(value, "all") == 0) {
        memset(cfg->enabled, on, NCODES);
        return 1;
    }
    int i = code_index(value);
    if (i < 0) {
        fprintf(stderr, "skuld lint: unknown lint code '%s' (see docs/lint.md)\n", value);
        return 0;
    }
    cfg->enabled[i] = (uint8_t)on;
    return 1;
}

/* Whether the source line holds "skuld: allow" naming code (or "all"). */
static int allowed_on_line(const char *line, size_t len, const char *code)
{
    const char *key = "skuld: allow";
    size_t klen = strlen(key), clen = strlen(code);
    for (size_t i = 0; i + klen <= len; i++) {
        if (memcmp(line + i, key, klen) != 0) continue;
        size_t k = i + klen;
        while (k < len) {
            while (k < len && (line[k] == ' ' || line[k] == ',' || line[k] == '\t')) k++;
            size_t start = k;
            while (k < len && ((line[k] >= 'a' && line[k] <= 'z') || (line[k] >= '0' && line[k] <= '9') || line[k] == '-'))
                k++;
            size_t n = k - start;
            if (n == 0 || (k < len && line[k] != ' ' && line[k] != ',' && line[k] != '\t')) break;
            if ((n == clen && memcmp(line + start, code, n) == 0) || (n == 3 && memcmp(line + start, "all", 3) == 0))
                return 1;
            if (!lint_code_n(line + start, n) && !(n == 3 && memcmp(line + start, "all", 3) == 0)) break;
        }
    }
    return 0;
}

/* Order of findings: code rank, then file (data files first), line, column. */
static int finding_before(const Diag *a, const Diag *b)
{
    int ra = code_index(a->code), rb = code_index(b->code);
    if (ra != rb) return ra < rb;
    if (a->loc.file != b->loc.file) return a->loc.file < b->loc.file;
    if (a->loc.first_line != b->loc.first_line) return a->loc.first_line < b->loc.first_line;
    return a->loc.first_column < b->loc.first_column;
}

void lint_filter(DiagList *findings, const LintConfig *cfg)
{
    size_t kept = 0;
    for (size_t i = 0; i < findings->count; i++) {
        Diag *d = &findings->items[i];
        int c = code_index(d->code);
        int drop = c >= 0 && !cfg->enabled[c];
        if (!drop && c >= 0 && d->loc.file >= 0) {
            size_t len;
            const char *line = source_line(findings->sources, d->loc.file, d->loc.first_line, &len);
            drop = line && allowed_on_line(line, len, d->code);
        }
        if (drop) {
            free(d->code);
            free(d->message);
            free(d->help);
            free(d->path);
            continue;
        }
        if (c >= 0 && cfg->severity[c] >= 0) d->severity = (Severity)cfg->severity[c];
        findings->items[kept++] = *d;
    }
    findings->count = kept;
    /* prerequisite gaps first: by code (documentation order), then by place */
    for (size_t i = 1; i < kept; i++) {
        Diag d = findings->items[i];
        size_t k = i;
        while (k > 0 && finding_before(&d, &findings->items[k - 1])) {
            findings->items[k] = findings->items[k - 1];
            k--;
        }
        findings->items[k] = d;
    }
    findings->keep_order = 1;
    findings->show_codes = 1;
    findings->errors = findings->warnings = findings->infos = 0;
    for (size_t i = 0; i < kept; i++) {
        Severity s = findings->items[i].severity;
        if (s == SEV_ERROR) findings->errors++;
        else if (s == SEV_WARNING) findings->warnings++;
        else findings->infos++;
    }
}

/* ---- helpers ----------------------------------------------------------------- */

typedef struct {
    const RuleSet *rs;
    const Policy *p;
    const EvalState *st;
    DiagList *out;
} Lint;

static void finding(Lint *l, const char *code, SkLoc at, const char *help, const char *fmt, ...)
    __attribute__((format(printf, 5, 6)));

static void finding(Lint *l, const char *code, SkLoc at, const char *help, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    char *msg = NULL;
    if (vasprintf_portable(&msg, fmt, ap) < 0) msg = NULL;
    va_end(ap);
    const LintCode *lc = lint_code(code);
    diag_add(l->out, lc ? lc->severity : SEV_WARNING, at, code, help, "%s", msg ? msg : code);
    free(msg);
}

/* Up to `max` user ids of a list, then "and N more". */
static char *name_users(const EvalState *st, const uint32_t *users, uint32_t n, uint32_t max)
{
    StrBuf sb = {0};
    for (uint32_t i = 0; i < n && i < max; i++) sb_printf(&sb, "%s%s", i ? ", " : "", st->t->users[users[i]].id);
    if (n > max) sb_printf(&sb, " and %u more", n - max);
    return sb_take(&sb);
}

/* ---- prerequisites -------------------------------------------------------------- */

static void prereq_unsatisfiable(Lint *l)
{
    const Policy *p = l->p;
    for (uint32_t r = 0; r < p->nrequirements; r++) {
        const PolicyRequirement *req = &p->requirements[r];
        int found = 0;
        for (uint32_t k = 0; k < p->nproducts && !found; k++)
            found = bitset_intersects(p->products[k].plan_set, req->any_of, p->plan_words);
        if (found) continue;
        char *names = policy_plan_names(p, req->any_of, 0, " or ");
        finding(l, "prereq-unsatisfiable", req->loc, "add a product containing one of them, or drop the requirement",
                "%s requires %s, which no product of the rules contains: no user can ever have %s", p->plans[req->plan].name,
                names, p->plans[req->plan].name);
        free(names);
    }
}

/* A prerequisite enabled in a group only through an assignment of one product while
 * another assignment of the group disables that very plan. */
static void prereq_disabled(Lint *l)
{
    const Policy *p = l->p;
    bitword *all = policy_plan_set(p);
    if (!all) fatal_oom();
    for (uint32_t g = 0; g < p->ngroups; g++) {
        const PolicyGroup *G = &p->groups[g];
        bitset_zero(all, p->plan_words);
        for (uint32_t k = 0; k < G->nassigns; k++) bitset_or(all, G->assigns[k].enabled, p->plan_words);
        BITSET_FOREACH(q, all, p->nplans) {
            const PolicyPlan *pl = &p->plans[q];
            for (uint32_t r = pl->first_requirement; r < pl->first_requirement + pl->nrequirements; r++) {
                const PolicyRequirement *req = &p->requirements[r];
                /* the assignment that enables q carries a prerequisite itself: fine */
                int own = 0;
                for (uint32_t k = 0; k < G->nassigns && !own; k++)
                    own = bitset_test(G->assigns[k].enabled, q) &&
                          bitset_intersects(G->assigns[k].enabled, req->any_of, p->plan_words);
                if (own) continue;
                /* every prerequisite the group enables is disabled by one of its assignments */
                int any = 0, all_disabled = 1;
                const PolicyAssign *disabler = NULL;
                size_t disabled_plan = 0;
                BITSET_FOREACH(x, req->any_of, p->nplans) {
                    if (!bitset_test(all, x)) continue;
                    any = 1;
                    const PolicyAssign *d = NULL;
                    for (uint32_t k = 0; k < G->nassigns && !d; k++)
                        if (bitset_test(p->products[G->assigns[k].product].plan_set, x) &&
                            !bitset_test(G->assigns[k].enabled, x))
                            d = &G->assigns[k];
                    if (!d) all_disabled = 0;
                    else if (!disabler) { disabler = d; disabled_plan = x; }
                }
                if (!any || !all_disabled || !disabler) continue;
                finding(l, "prereq-disabled", disabler->loc,
                        "enable the prerequisite in the assignment that disables it, or give it with the add-on",
                        "group \"%s\": %s needs %s, which this assignment of %s disables while another assignment "
                        "enables it: the two assignments pull in opposite directions", G->name, pl->name,
                        p->plans[disabled_plan].name, p->products[disabler->product].name);
            }
        }
    }
    free(all);
}

/* Cycles in the requirement graph (plan -> each alternative), by depth-first search. */
static void prereq_cycle(Lint *l)
{
    const Policy *p = l->p;
    uint8_t *colour = calloc((size_t)p->nplans + 1, 1);   /* 0 new, 1 on the path, 2 done */
    uint32_t *path = malloc(((size_t)p->nplans + 1) * sizeof *path);
    uint32_t *next_req = malloc(((size_t)p->nplans + 1) * sizeof *next_req);
    uint32_t *next_alt = malloc(((size_t)p->nplans + 1) * sizeof *next_alt);
    if (!colour || !path || !next_req || !next_alt) fatal_oom();
    for (uint32_t start = 0; start < p->nplans; start++) {
        if (colour[start] || !p->plans[start].nrequirements) continue;
        uint32_t depth = 0;
        path[0] = start;
        next_req[0] = next_alt[0] = 0;
        colour[start] = 1;
        while (1) {
            uint32_t q = path[depth];
            const PolicyPlan *pl = &p->plans[q];
            if (next_req[depth] >= pl->nrequirements) {
                colour[q] = 2;
                if (depth == 0) break;
                depth--;
                continue;
            }
            const PolicyRequirement *req = &p->requirements[pl->first_requirement + next_req[depth]];
            /* another alternative can satisfy it: no deadlock through this requirement */
            if (req->nalternatives > 1) {
                next_req[depth]++;
                next_alt[depth] = 0;
                continue;
            }
            if (next_alt[depth] >= req->nalternatives) {
                next_req[depth]++;
                next_alt[depth] = 0;
                continue;
            }
            uint32_t a = req->alternatives[next_alt[depth]++];
            if (colour[a] == 1) {
                StrBuf cyc = {0};
                uint32_t from = 0;
                while (path[from] != a) from++;
                for (uint32_t i = from; i <= depth; i++) sb_printf(&cyc, "%s -> ", p->plans[path[i]].name);
                sb_puts(&cyc, p->plans[a].name);
                char *text = sb_take(&cyc);
                if (a == q && from == depth)
                    finding(l, "prereq-cycle", req->loc, "remove the requirement", "%s requires itself",
                            p->plans[a].name);
                else
                    finding(l, "prereq-cycle", req->loc,
                            "a prerequisite should not need the plan that needs it: break the cycle",
                            "requirements form a cycle: %s: none of these plans can be enabled first", text);
                free(text);
            } else if (colour[a] == 0) {
                colour[a] = 1;
                depth++;
                path[depth] = a;
                next_req[depth] = next_alt[depth] = 0;
            }
        }
    }
    free(colour);
    free(path);
    free(next_req);
    free(next_alt);
}

/* Users who hold a plan whose requirement is met only through sources that do not
 * also give that plan, and not by a direct licence: leaving that group breaks it. */
static void prereq_other_group(Lint *l)
{
    const EvalState *st = l->st;
    const Policy *p = l->p;
    /* per (plan that needs, group that gives the prerequisite): users */
    typedef struct { uint32_t plan, group; uint32_t *users; uint32_t n, cap; } Bucket;
    Bucket *buckets = NULL;
    size_t nb = 0, cap = 0;
    for (uint32_t u = 0; u < st->t->nusers; u++) {
        for (uint32_t h = st->user_state[u].first; h != EVAL_NONE; h = eval_holding(st, h)->next) {
            const bitword *plans = eval_holding_plans(st, h);
            BITSET_FOREACH(q, plans, p->nplans) {
                const PolicyPlan *pl = &p->plans[q];
                for (uint32_t r = pl->first_requirement; r < pl->first_requirement + pl->nrequirements; r++) {
                    const PolicyRequirement *req = &p->requirements[r];
                    /* sources of the prerequisite: does one of them also give q, or is one direct? */
                    int safe = 0, providers = 0;
                    uint32_t provider = 0;
                    for (uint32_t o = st->user_state[u].first; o != EVAL_NONE && !safe; o = eval_holding(st, o)->next) {
                        const Holding *hd = eval_holding(st, o);
                        if (hd->direct && bitset_intersects(eval_direct_enabled(st, o), req->any_of, p->plan_words)) safe = 1;
                        for (uint32_t v = hd->via_first; v != EVAL_NONE && !safe; v = st->via[v].next) {
                            if (!bitset_intersects(eval_via_enabled(st, v), req->any_of, p->plan_words)) continue;
                            /* does this group also give the needing plan? then leaving it takes both */
                            for (uint32_t o2 = st->user_state[u].first; o2 != EVAL_NONE && !safe; o2 = eval_holding(st, o2)->next)
                                for (uint32_t v2 = eval_holding(st, o2)->via_first; v2 != EVAL_NONE; v2 = st->via[v2].next)
                                    if (st->via[v2].group == st->via[v].group && bitset_test(eval_via_enabled(st, v2), q))
                                        safe = 1;
                            if (!safe && (providers == 0 || provider != st->via[v].group)) {
                                if (providers++ == 0) provider = st->via[v].group;
                            }
                        }
                    }
                    if (safe || providers != 1) continue;   /* two groups give it: leaving one is fine */
                    size_t b = 0;
                    while (b < nb && !(buckets[b].plan == q && buckets[b].group == provider)) b++;
                    if (b == nb) {
                        if (!grow_array((void **)&buckets, &cap, nb + 1, sizeof *buckets)) fatal_oom();
                        memset(&buckets[nb], 0, sizeof *buckets);
                        buckets[nb].plan = (uint32_t)q;
                        buckets[nb].group = provider;
                        nb++;
                    }
                    Bucket *bk = &buckets[b];
                    if (bk->n && bk->users[bk->n - 1] == u) continue;
                    if (bk->n == bk->cap) {
                        bk->cap = bk->cap ? bk->cap * 2 : 8;
                        bk->users = realloc(bk->users, bk->cap * sizeof *bk->users);
                        if (!bk->users) fatal_oom();
                    }
                    bk->users[bk->n++] = u;
                }
            }
        }
    }
    for (size_t b = 0; b < nb; b++) {
        char *names = name_users(st, buckets[b].users, buckets[b].n, 5);
        const PolicyGroup *G = &p->groups[buckets[b].group];
        finding(l, "prereq-other-group", G->loc,
                "give the prerequisite together with the add-on (the same group or the same direct licence)",
                "%u user%s %s from elsewhere but its prerequisite only through group \"%s\": they get "
                "DependencyViolation the day they leave it: %s", buckets[b].n, buckets[b].n == 1 ? " gets" : "s get",
                p->plans[buckets[b].plan].name, G->name, names);
        free(names);
        free(buckets[b].users);
    }
    free(buckets);
}

/* ---- conflicts ----------------------------------------------------------------- */

static void product_self_conflict(Lint *l)
{
    const Policy *p = l->p;
    for (uint32_t k = 0; k < p->nproducts; k++) {
        const PolicyProduct *pr = &p->products[k];
        /* one finding a product: the first pair, and how many pairs in all */
        uint64_t pairs = 0;
        uint32_t first_a = 0, first_b = 0;
        for (uint32_t i = 0; i < pr->nplans; i++) {
            const PolicyPlan *pl = &p->plans[pr->plans[i]];
            if (!pl->conflicts) continue;
            for (uint32_t j = i + 1; j < pr->nplans; j++) {
                if (!bitset_test(pl->conflicts, pr->plans[j])) continue;
                if (!pairs++) {
                    first_a = pr->plans[i];
                    first_b = pr->plans[j];
                }
            }
        }
        if (!pairs) continue;
        if (pairs == 1)
            finding(l, "product-self-conflict", pr->loc,
                    "every group assigning it must disable one of the two plans (C4 rejects the group otherwise)",
                    "product %s contains %s and %s, which are mutually exclusive", pr->name, p->plans[first_a].name,
                    p->plans[first_b].name);
        else
            finding(l, "product-self-conflict", pr->loc,
                    "every group assigning it must disable all but one plan of each conflict set",
                    "product %s contains %s and %s, which are mutually exclusive, and %llu more such pairs", pr->name,
                    p->plans[first_a].name, p->plans[first_b].name, (unsigned long long)(pairs - 1));
    }
}

/* Users in both groups (counted with a stamp per user). */
static uint32_t users_in_both(const EvalState *st, uint32_t g, uint32_t h, uint32_t *stamp, uint32_t mark)
{
    for (uint32_t i = 0; i < st->groups[g].nmembers; i++) stamp[st->groups[g].members[i]] = mark;
    uint32_t n = 0;
    for (uint32_t i = 0; i < st->groups[h].nmembers; i++) n += stamp[st->groups[h].members[i]] == mark;
    return n;
}

/* The first few users in both groups (after users_in_both marked g's members), named. */
static char *name_both(const EvalState *st, uint32_t h, const uint32_t *stamp, uint32_t mark, uint32_t n)
{
    uint32_t users[5], k = 0;
    for (uint32_t i = 0; i < st->groups[h].nmembers && k < 5; i++)
        if (stamp[st->groups[h].members[i]] == mark) users[k++] = st->groups[h].members[i];
    char *first = name_users(st, users, k, 5);
    char *all = n > k ? str_printf("%s and %u more", first, n - k) : str_printf("%s", first);
    free(first);
    return all;
}

static void group_conflict(Lint *l)
{
    const Policy *p = l->p;
    uint32_t *stamp = l->st ? calloc((size_t)l->st->t->nusers + 1, sizeof *stamp) : NULL;
    uint32_t mark = 0;
    /* plan -> the (group, assignment) pairs enabling it, to find candidates fast */
    uint32_t *count = calloc((size_t)p->nplans + 1, sizeof *count);
    if (!count || (l->st && !stamp)) fatal_oom();
    for (uint32_t g = 0; g < p->ngroups; g++)
        for (uint32_t k = 0; k < p->groups[g].nassigns; k++)
            BITSET_FOREACH(q, p->groups[g].assigns[k].enabled, p->nplans) count[q + 1]++;
    for (uint32_t q = 0; q < p->nplans; q++) count[q + 1] += count[q];
    uint32_t total = count[p->nplans];
    uint32_t *ga = malloc(((size_t)total + 1) * 2 * sizeof *ga), *fill = malloc(((size_t)p->nplans + 1) * sizeof *fill);
    if (!ga || !fill) fatal_oom();
    memcpy(fill, count, ((size_t)p->nplans + 1) * sizeof *fill);
    for (uint32_t g = 0; g < p->ngroups; g++)
        for (uint32_t k = 0; k < p->groups[g].nassigns; k++)
            BITSET_FOREACH(q, p->groups[g].assigns[k].enabled, p->nplans) {
                ga[2 * fill[q]] = g;
                ga[2 * fill[q] + 1] = k;
                fill[q]++;
            }
    /* report each pair of groups once, the earlier in processing order first */
    for (uint32_t oi = 0; oi < p->ngroups; oi++) {
        uint32_t g = p->order[oi];
        const PolicyGroup *G = &p->groups[g];
        uint8_t *seen = calloc((size_t)p->ngroups + 1, 1);
        if (!seen) fatal_oom();
        for (uint32_t k = 0; k < G->nassigns; k++) {
            const PolicyAssign *a = &G->assigns[k];
            if (!a->conflict_mask) continue;
            BITSET_FOREACH(q, a->conflict_mask, p->nplans) {
                for (uint32_t i = count[q]; i < count[q + 1]; i++) {
                    uint32_t h = ga[2 * i], hk = ga[2 * i + 1];
                    const PolicyAssign *b = &p->groups[h].assigns[hk];
                    if (h == g || seen[h] || b->product == a->product) continue;
                    uint32_t rank_g = oi, rank_h = 0;
                    while (p->order[rank_h] != h) rank_h++;
                    if (rank_h < rank_g) continue;   /* reported from the earlier group */
                    seen[h] = 1;
                    const PolicyGroup *H = &p->groups[h];
                    /* the conflicting plan of a's */
                    size_t mine = 0;
                    BITSET_FOREACH(e, a->enabled, p->nplans)
                        if (p->plans[e].conflicts && bitset_test(p->plans[e].conflicts, q)) { mine = e; break; }
                    if (l->st) {
                        uint32_t both = users_in_both(l->st, g, h, stamp, ++mark);
                        if (!both) continue;   /* the groups' members are apart today */
                        char *who = name_both(l->st, h, stamp, mark, both);
                        finding(l, "group-conflict", b->loc,
                                "disable one of the plans in one group, or keep the groups' members apart",
                                "groups \"%s\" (%s in %s) and \"%s\" (%s in %s) assign mutually exclusive plans: %u user%s "
                                "in both; \"%s\" is processed first and wins, \"%s\" fails for them with "
                                "MutuallyExclusiveViolation: %s", G->name, p->plans[mine].name, p->products[a->product].name,
                                H->name, p->plans[q].name, p->products[b->product].name, both, both == 1 ? " is" : "s are",
                                G->name, H->name, who);
                        free(who);
                    } else {
                        diag_add(l->out, SEV_INFO, b->loc, "group-conflict",
                                "disable one of the plans in one group, or keep the groups' members apart",
                                "groups \"%s\" (%s in %s) and \"%s\" (%s in %s) assign mutually exclusive plans: a user "
                                "in both gets \"%s\" (processed first) and MutuallyExclusiveViolation from \"%s\"",
                                G->name, p->plans[mine].name, p->products[a->product].name, H->name, p->plans[q].name,
                                p->products[b->product].name, G->name, H->name);
                    }
                }
            }
        }
        free(seen);
    }
    free(ga);
    free(fill);
    free(count);
    free(stamp);
}

static void direct_group_conflict(Lint *l)
{
    const EvalState *st = l->st;
    const Policy *p = l->p;
    uint8_t *products = calloc((size_t)p->nproducts + 1, 1);
    if (!products) fatal_oom();
    /* per (group, assignment): members whose direct licence conflicts with it */
    for (uint32_t g = 0; g < p->ngroups; g++) {
        const GroupView *gv = &st->groups[g];
        for (uint32_t k = 0; k < gv->nassigns; k++) {
            const PolicyAssign *a = &gv->assigns[k];
            if (!a->conflict_mask) continue;
            uint32_t *users = NULL, n = 0;
            size_t cap = 0;
            memset(products, 0, p->nproducts);
            for (uint32_t m = 0; m < gv->nmembers; m++) {
                uint32_t u = gv->members[m];
                int hit = 0;
                for (uint32_t h = st->user_state[u].first; h != EVAL_NONE; h = eval_holding(st, h)->next) {
                    const Holding *hd = eval_holding(st, h);
                    if (!hd->direct || hd->product == a->product ||
                        !bitset_intersects(eval_direct_enabled(st, h), a->conflict_mask, p->plan_words))
                        continue;
                    products[hd->product] = 1;
                    hit = 1;
                }
                if (!hit) continue;
                if (!grow_array((void **)&users, &cap, n + 1, sizeof *users)) fatal_oom();
                users[n++] = u;
            }
            if (n) {
                StrBuf names_of = {0};
                for (uint32_t k2 = 0; k2 < p->nproducts; k2++)
                    if (products[k2]) sb_printf(&names_of, "%s%s", names_of.len ? ", " : "", p->products[k2].name);
                char *prods = sb_take(&names_of);
                char *names = name_users(st, users, n, 5);
                finding(l, "direct-group-conflict", a->loc,
                        "remove or trim the direct licences, or disable the conflicting plans in the group",
                        "%u member%s of group \"%s\" %s a direct licence (%s) that conflicts with its %s: %s", n,
                        n == 1 ? "" : "s", p->groups[g].name, n == 1 ? "holds" : "hold", prods,
                        p->products[a->product].name, names);
                free(names);
                free(prods);
            }
            free(users);
        }
    }
    free(products);
}

static void same_product_different_plans(Lint *l)
{
    const Policy *p = l->p;
    bitword *both = policy_plan_set(p);
    uint32_t *stamp = l->st ? calloc((size_t)l->st->t->nusers + 1, sizeof *stamp) : NULL, mark = 0;
    if (!both || (l->st && !stamp)) fatal_oom();
    for (uint32_t gi = 0; gi < p->ngroups; gi++) {
        uint32_t g = p->order[gi];
        for (uint32_t k = 0; k < p->groups[g].nassigns; k++) {
            const PolicyAssign *a = &p->groups[g].assigns[k];
            for (uint32_t hi = gi + 1; hi < p->ngroups; hi++) {
                uint32_t h = p->order[hi];
                for (uint32_t j = 0; j < p->groups[h].nassigns; j++) {
                    const PolicyAssign *b = &p->groups[h].assigns[j];
                    if (b->product != a->product || bitset_equal(a->enabled, b->enabled, p->plan_words)) continue;
                    if (l->st && !users_in_both(l->st, g, h, stamp, ++mark)) continue;
                    memcpy(both, a->enabled, p->plan_words * sizeof *both);
                    bitset_or(both, b->enabled, p->plan_words);
                    int clash = 0;
                    BITSET_FOREACH(q, both, p->nplans)
                        if (policy_conflicts_within(p, (uint32_t)q, both, NULL)) clash = 1;
                    const char *pname = p->products[a->product].name;
                    if (clash) {
                        diag_add(l->out, SEV_WARNING, b->loc, "same-product-different-plans",
                                 "align the disabled plans of the two assignments",
                                 "groups \"%s\" and \"%s\" assign %s with different plans, and a user in both gets the "
                                 "union, which holds mutually exclusive plans", p->groups[g].name, p->groups[h].name, pname);
                    } else {
                        finding(l, "same-product-different-plans", b->loc,
                                "if that is not intended, align the disabled plans of the two assignments",
                                "groups \"%s\" and \"%s\" assign %s with different plans: a user in both gets the union",
                                p->groups[g].name, p->groups[h].name, pname);
                    }
                }
            }
        }
    }
    free(both);
    free(stamp);
}

/* ---- seats ------------------------------------------------------------------- */

static void seats_missing(Lint *l)
{
    const Policy *p = l->p;
    for (uint32_t k = 0; k < p->nproducts; k++) {
        int64_t seats = l->st ? l->st->seats[k] : p->products[k].seats;
        if (seats != SEATS_UNLIMITED || p->products[k].seats_from_rules) continue;
        finding(l, "seats-missing", p->products[k].loc,
                l->st ? "add a seats line, or the product's row to skus.csv" : "add a seats line (or seats in skus.csv)",
                "product %s has no seats%s: skuld treats it as unlimited, the service will not", p->products[k].name,
                l->st ? " in the rules or skus.csv" : " in the rules");
    }
}

static void seats_tenant(Lint *l)
{
    const EvalState *st = l->st;
    const Policy *p = l->p;
    for (uint32_t k = 0; k < p->nproducts; k++) {
        int64_t c = eval_conflict(st, k);
        if (!c) continue;
        SkLoc at = p->products[k].seats_from_rules ? p->products[k].seats_loc : p->products[k].loc;
        finding(l, "licence-conflict", at, "buy seats or remove direct licences",
                "%s: %lld users hold it and it has %lld seats: %lld user%s need%s a valid licence", p->products[k].name,
                (long long)st->consumed[k], (long long)st->seats[k], (long long)c, c == 1 ? "" : "s", c == 1 ? "s" : "");
    }
    /* CountViolations per (group, product): how many members find no seat */
    for (uint32_t g = 0; g < p->ngroups; g++) {
        for (uint32_t k = 0; k < st->groups[g].nassigns; k++) {
            uint32_t product = st->groups[g].assigns[k].product, n = 0, users[5];
            for (uint32_t i = 0; i < st->nviolations; i++) {
                const Violation *v = &st->violations[i];
                if (v->dead || v->group != (int32_t)g || v->product != product || v->code != V_COUNT) continue;
                if (n < 5) users[n] = v->user;
                n++;
            }
            if (!n) continue;
            char *names = name_users(st, users, n < 5 ? n : 5, 5);
            finding(l, "seats-exceeded", st->groups[g].assigns[k].loc, "buy seats, or free seats held elsewhere",
                    "group \"%s\" has more new members than seats of %s left: short by %u (%lld of %lld in use): %s%s",
                    p->groups[g].name, p->products[product].name, n, (long long)st->consumed[product],
                    (long long)st->seats[product], names, n > 5 ? " and more" : "");
            free(names);
        }
    }
}

/* ---- locations --------------------------------------------------------------- */

static void locations(Lint *l)
{
    const EvalState *st = l->st;
    const Policy *p = l->p;
    for (uint32_t g = 0; g < p->ngroups; g++) {
        const GroupView *gv = &st->groups[g];
        for (uint32_t k = 0; k < gv->nassigns; k++) {
            const PolicyAssign *a = &gv->assigns[k];
            uint32_t n = 0, none = 0;
            StrBuf who = {0};
            for (uint32_t m = 0; m < gv->nmembers; m++) {
                uint32_t u = gv->members[m];
                int c = eval_user_country(st, u);
                if (c < 0) none++;
                else if (a->location_limited && !bitset_test(a->allowed, (size_t)c)) {
                    if (n < 5) {
                        char code[3];
                        size_t plan = 0;
                        BITSET_FOREACH(x, a->enabled, p->nplans)
                            if (!policy_plan_allowed_in(p, (uint32_t)x, c)) { plan = x; break; }
                        sb_printf(&who, "%s%s (%s: %s)", who.len ? ", " : "", st->t->users[u].id, country_code(c, code),
                                  p->plans[plan].name);
                    }
                    n++;
                }
            }
            char *who_text = sb_take(&who);
            if (n)
                finding(l, "location-not-allowed", a->loc,
                        "fix the users' usage locations, keep them out of the group, or disable the plan in it",
                        "%u member%s of group \"%s\" %s at a usage location where a plan of %s is not allowed: %s%s", n,
                        n == 1 ? "" : "s", p->groups[g].name, n == 1 ? "is" : "are", p->products[a->product].name,
                        who_text, n > 5 ? " and more" : "");
            free(who_text);
            if (none && k == 0)
                finding(l, "location-not-allowed", a->loc,
                        "set the users' usage locations, or a 'directory location' in the rules",
                        "%u member%s of group \"%s\" %s no usage location and the rules set no directory location", none,
                        none == 1 ? "" : "s", p->groups[g].name, none == 1 ? "has" : "have");
        }
    }
    if (p->directory_country < 0) return;
    uint32_t n = 0;
    for (uint32_t u = 0; u < st->t->nusers; u++) {
        if (st->user_state[u].country >= 0) continue;
        int licensed = 0;
        for (uint32_t g = 0; g < p->ngroups && !licensed; g++)
            licensed = st->groups[g].nassigns && eval_is_member(st, u, g);
        n += licensed;
    }
    if (!n) return;
    SkLoc at = loc_none();
    for (const Stmt *s = l->rs->stmts.head; s; s = s->next)
        if (s->kind == ST_DIRECTORY) { at = s->loc; break; }
    finding(l, "location-inherited", at, "set each user's usage location explicitly, as Microsoft recommends",
            "%u licensed user%s %s no usage location of their own and rel%s on the directory's", n, n == 1 ? "" : "s",
            n == 1 ? "has" : "have", n == 1 ? "ies" : "y");
}

/* ---- data hygiene -------------------------------------------------------------- */

static void duplicate_proxy(Lint *l)
{
    const EvalState *st = l->st;
    const Tenant *t = st->t;
    const Policy *p = l->p;
    /* who gets a mailbox plan: holds one, or is in a group whose assignment gives one */
    uint8_t *gets = calloc((size_t)t->nusers + 1, 1);
    uint32_t *count = calloc((size_t)t->nproxies + 1, sizeof *count);
    if (!gets || !count) fatal_oom();
    for (uint32_t u = 0; u < t->nusers; u++) gets[u] = st->user_state[u].mailbox;
    for (uint32_t g = 0; g < p->ngroups; g++) {
        int mailbox = 0;
        for (uint32_t k = 0; k < st->groups[g].nassigns; k++) mailbox |= st->groups[g].assigns[k].has_mailbox;
        if (mailbox)
            for (uint32_t m = 0; m < st->groups[g].nmembers; m++) gets[st->groups[g].members[m]] = 1;
    }
    for (uint32_t u = 0; u < t->nusers; u++)
        if (gets[u])
            for (uint32_t i = 0; i < t->users[u].nproxies; i++) count[t->user_proxies[t->users[u].first_proxy + i]]++;
    size_t dl = strlen(t->dir);
    int graph = dl >= 5 && str_ieq(t->dir + dl - 5, ".json");
    while (dl > 1 && t->dir[dl - 1] == '/') dl--;
    char *path = graph ? str_printf("%s", t->dir) : str_printf("%.*s/users.csv", (int)dl, t->dir);
    for (uint32_t a = 0; a < t->nproxies; a++) {
        if (count[a] < 2) continue;
        uint32_t users[8], n = 0;
        for (uint32_t u = 0; u < t->nusers && n < 8; u++) {
            if (!gets[u]) continue;
            for (uint32_t i = 0; i < t->users[u].nproxies; i++)
                if (t->user_proxies[t->users[u].first_proxy + i] == a) { users[n++] = u; break; }
        }
        char *names = name_users(st, users, n, 8);
        StrBuf failing = {0};
        for (uint32_t k = 0; k < n; k++)
            for (uint32_t i = st->user_violations[users[k]]; i != EVAL_NONE; i = st->violations[i].next_of_user)
                if (!st->violations[i].dead && st->violations[i].code == V_UNIQUENESS) {
                    sb_printf(&failing, "%s%s", failing.len ? ", " : "", st->t->users[users[k]].id);
                    break;
                }
        int several = strchr(failing.data ? failing.data : "", ',') != NULL;
        char *fail_text = sb_take(&failing);
        const LintCode *lc = lint_code("duplicate-proxy");
        diag_add_file(l->out, lc->severity, path, 0, 0, "duplicate-proxy",
                      "remove the address from all but one user: the first processed keeps it",
                      "proxy address %s is shared by %u users who get a mailbox plan: %s; %s%s", t->proxy_text[a],
                      count[a], names, fail_text[0] ? fail_text : "the first processed keeps it, the others",
                      fail_text[0] ? (several ? " get UniquenessViolation today" : " gets UniquenessViolation today")
                                   : " get UniquenessViolation");
        free(fail_text);
        free(names);
    }
    free(path);
    free(gets);
    free(count);
}

static void groups_hygiene(Lint *l)
{
    const EvalState *st = l->st;
    const Policy *p = l->p;
    for (uint32_t g = 0; g < p->ngroups; g++) {
        const PolicyGroup *G = &p->groups[g];
        if (!G->nassigns) continue;
        if (st->t->members[g].nnested)
            finding(l, "nested-group", G->loc, "add the nested group's users to the group directly, or license the nested group",
                    "group \"%s\" has %u nested group%s: nested groups are not licensed, their members get nothing from it",
                    G->name, st->t->members[g].nnested, st->t->members[g].nnested == 1 ? "" : "s");
        if (!st->groups[g].nmembers)
            finding(l, "group-no-members", G->loc, "add members, or remove the group's licences",
                    "group \"%s\" assigns licences but has no user members", G->name);
    }
}

static void unused(Lint *l)
{
    const Policy *p = l->p;
    bitword *in_product = policy_plan_set(p);
    uint8_t *assigned = calloc((size_t)p->nproducts + 1, 1);
    if (!in_product || !assigned) fatal_oom();
    for (uint32_t k = 0; k < p->nproducts; k++) bitset_or(in_product, p->products[k].plan_set, p->plan_words);
    for (uint32_t q = 0; q < p->nplans; q++)
        if (!bitset_test(in_product, q))
            finding(l, "unused-plan", p->plans[q].loc, "add it to a product, or remove it",
                    "plan %s is in no product", p->plans[q].name);
    for (uint32_t g = 0; g < p->ngroups; g++)
        for (uint32_t k = 0; k < p->groups[g].nassigns; k++) assigned[p->groups[g].assigns[k].product] = 1;
    if (l->st)
        for (uint32_t i = 0; i < l->st->t->ndirect; i++) assigned[l->st->t->direct[i].product] = 1;
    for (uint32_t k = 0; k < p->nproducts; k++)
        if (!assigned[k])
            finding(l, "unused-product", p->products[k].loc, "assign it in a group, or remove it",
                    "product %s is assigned by no group%s", p->products[k].name, l->st ? " and held directly by no user" : "");
    free(in_product);
    free(assigned);
}

void lint_run(const RuleSet *rs, const Policy *p, const EvalState *st, DiagList *out)
{
    Lint l = { rs, p, st, out };
    prereq_unsatisfiable(&l);
    prereq_disabled(&l);
    prereq_cycle(&l);
    if (st) prereq_other_group(&l);
    group_conflict(&l);
    product_self_conflict(&l);
    if (st) direct_group_conflict(&l);
    same_product_different_plans(&l);
    seats_missing(&l);
    if (st) {
        seats_tenant(&l);
        locations(&l);
        duplicate_proxy(&l);
        groups_hygiene(&l);
    }
    unused(&l);
}
