/* Property tests over generated tenants (SEMANTICS.md S1, S3, S5, S6, S9, S10, S11).
 *
 * A seeded generator (splitmix64) writes, into a mkdtemp directory, a rule set in two
 * files (catalog: plans, some with `mailbox`, products with overlapping plans and tight
 * or unlimited seats, conflict sets, `require` and `restrict` lines; groups file:
 * `directory location` in some seeds, `seats` statements, 5-15 groups with priorities,
 * each fixed up to pass C3/C4 by putting prerequisites in the same group, usually with
 * an `only` assignment) and three tenant directories:
 *
 *   t1  users.csv (some empty usage locations, shared proxy addresses in varying case),
 *       members.csv (one big all-staff group, many small ones, nested groups, in some
 *       seeds a few repeated rows), licenses.csv (direct licences, in some seeds rows
 *       inherited from a group, which eval ignores), skus.csv (seats for some products,
 *       some overridden by the rules);
 *   t2  t1 without licenses.csv;
 *   t3  t1 with the rows of users.csv shuffled.
 *
 * The generator also keeps a model of what it wrote, and the checks compare the
 * evaluator's state with it: conservation (S10), all-or-nothing (S5), holdings (S6),
 * seats (S9), locations (S1), direct licences (S3), report order and the report's
 * in_error counts, and determinism of the JSON report (S11). Last, a plain reference
 * pass over the model (S1-S6, S3 written out naively) must agree with the evaluator on
 * every holding, seat count and violation code.
 *
 * The checks read the evaluator's state (eval.h): user_state/holdings (eval_holding)/via lists,
 * consumed, and the violations (cleared ones skipped). On a failure the seed, size and directory are printed and the
 * directory is kept. SKULD_PROP_SEED=N runs that one seed alone, SKULD_PROP_ROUNDS=K
 * runs K times as many seeds, SKULD_PROP_KEEP=1 keeps every generated directory.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include "prop.h"

#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "bitset.h"
#include "checker.h"
#include "diag.h"
#include "eval.h"
#include "policy.h"
#include "report.h"
#include "rules.h"
#include "tenant.h"


static void *xcalloc(size_t n, size_t size)
{
    void *p = calloc(n ? n : 1, size);
    assert_non_null(p);
    return p;
}


static void shuffle_u32(Rng *r, uint32_t *a, size_t n)
{
    for (size_t i = n; i > 1; i--) {
        size_t j = rng_below(r, (unsigned)i);
        uint32_t x = a[i - 1];
        a[i - 1] = a[j];
        a[j] = x;
    }
}

/* A random plan of mask (which is not empty). */
static unsigned pick_bit(Rng *r, uint32_t mask)
{
    unsigned n = (unsigned)__builtin_popcount(mask), k = rng_below(r, n);
    for (unsigned i = 0; i < 32; i++)
        if (mask & (1u << i)) {
            if (k-- == 0) return i;
        }
    return 0;
}

/* ---- the model: what the generator wrote ------------------------------------------- */

#define MAX_PLANS 24
#define MAX_PRODUCTS 10
#define MAX_PRODUCT_PLANS 5
#define MAX_GROUPS 15
#define MAX_DEPTS 3
#define MAX_ASSIGNS 5
#define NCOUNTRIES 10
#define UNLIMITED (-1LL)

static const char *const country_codes[NCOUNTRIES] = { "NL", "US", "DE", "GB", "FR", "IN", "CN", "RU", "BR", "JP" };

enum { MODE_ALL, MODE_EXCEPT, MODE_ONLY };
enum { SEATS_IN_BLOCK, SEATS_STATEMENT, SEATS_SKUS_CSV };

typedef struct {
    unsigned product;
    uint32_t enabled;           /* plan mask (S2) */
    int mode;
    int added_for_prerequisite;
} MAssign;

typedef struct {
    char name[32];
    long long priority;
    unsigned nassigns;
    MAssign assigns[MAX_ASSIGNS];
    unsigned rank;              /* S4: position in processing order */
} MGroup;

typedef struct {
    char id[64];
    int country;                /* -1: empty usage_location */
    int lower;                  /* written in lower case */
    int no_own_proxies;
    unsigned nshared;
    unsigned shared[2];         /* shared address ids */
    unsigned shared_case[2];
} MUser;

typedef struct {
    unsigned group;             /* rules groups 0..ngroups-1, then departments */
    int is_group;
    unsigned member;            /* user, or group in the same numbering */
} MRow;

typedef struct {
    unsigned user, product;
    uint32_t enabled, disabled;
} MDirect;

typedef struct {
    unsigned user, product, group;
    int with_error;
} MInherited;

typedef struct {
    uint64_t seed;
    unsigned nusers;
    /* catalog */
    unsigned nplans;
    int mailbox[MAX_PLANS];
    uint32_t mailbox_mask;
    uint32_t conf[MAX_PLANS];               /* plans each plan conflicts with */
    unsigned nconfsets;
    uint32_t confsets[3];
    unsigned nreq[MAX_PLANS];
    uint32_t req[MAX_PLANS][2];
    int rkind[MAX_PLANS];                   /* 0 none, 1 allow, 2 deny */
    uint32_t rcountries[MAX_PLANS];
    unsigned nproducts;
    char product_name[MAX_PRODUCTS][16];
    unsigned pn[MAX_PRODUCTS];
    unsigned pord[MAX_PRODUCTS][MAX_PRODUCT_PLANS];
    uint32_t pplans[MAX_PRODUCTS];
    long long seats[MAX_PRODUCTS];          /* UNLIMITED or the effective value */
    int seats_where[MAX_PRODUCTS];
    long long skus_extra[MAX_PRODUCTS];     /* a skus.csv value the rules override, or -1 */
    int directory;                          /* country, or -1 */
    int lower_countries;                    /* rules write some country codes in lower case */
    /* groups */
    unsigned ngroups, ndepts;
    MGroup groups[MAX_GROUPS];
    /* tenant */
    MUser *users;
    unsigned nshared;
    uint32_t **shared_users;                /* per shared address: its users */
    unsigned *nshared_users;
    MRow *rows;
    size_t nrows, nrepeats;
    uint32_t **members;                     /* per rules group: distinct users, first-row order */
    unsigned *nmembers;
    unsigned nnested[MAX_GROUPS];
    MDirect *direct;
    size_t ndirect;
    MInherited *inherited;
    size_t ninherited;
    /* file layout */
    int crlf, bom, quote_all, users_layout;
} Model;

static uint32_t group_enabled(const MGroup *g)
{
    uint32_t e = 0;
    for (unsigned k = 0; k < g->nassigns; k++) e |= g->assigns[k].enabled;
    return e;
}

static void drop_empty_assigns(MGroup *g)
{
    unsigned n = 0;
    for (unsigned k = 0; k < g->nassigns; k++)
        if (g->assigns[k].enabled) g->assigns[n++] = g->assigns[k];
    g->nassigns = n;
}

static void disable_everywhere(MGroup *g, unsigned plan)
{
    for (unsigned k = 0; k < g->nassigns; k++) g->assigns[k].enabled &= ~(1u << plan);
    drop_empty_assigns(g);
}

static int assign_of(const MGroup *g, unsigned product)
{
    for (unsigned k = 0; k < g->nassigns; k++)
        if (g->assigns[k].product == product) return (int)k;
    return -1;
}

/* Whether some requirement of plan p is met by no plan of e. */
static int requirement_unmet(const Model *m, unsigned p, uint32_t e)
{
    for (unsigned k = 0; k < m->nreq[p]; k++)
        if (!(m->req[p][k] & e)) return 1;
    return 0;
}

/* Makes the group pass C3 (prerequisite in the same group) and C4 (no two plans of a
 * conflict set): drop conflicting plans, add missing prerequisites (an `only`
 * assignment of a product holding one, or enabling it in an assignment the group has),
 * then drop plans whose requirement still fails until nothing changes. */
static void fix_group(const Model *m, MGroup *g, Rng *r)
{
    for (;;) {
        uint32_t e = group_enabled(g);
        int changed = 0;
        for (unsigned p = 0; p < m->nplans && !changed; p++)
            if ((e & (1u << p)) && (m->conf[p] & e)) {
                disable_everywhere(g, pick_bit(r, m->conf[p] & e));
                changed = 1;
            }
        if (!changed) break;
    }
    for (int pass = 0; pass < 3; pass++) {
        for (unsigned p = 0; p < m->nplans; p++) {
            uint32_t e = group_enabled(g);
            if (!(e & (1u << p))) continue;
            for (unsigned k = 0; k < m->nreq[p]; k++) {
                e = group_enabled(g);
                if (m->req[p][k] & e) continue;
                uint32_t cand = 0;
                for (unsigned q = 0; q < m->nplans; q++)
                    if ((m->req[p][k] & (1u << q)) && !(m->conf[q] & e)) cand |= 1u << q;
                if (!cand) continue;
                unsigned q = pick_bit(r, cand);
                unsigned start = rng_below(r, m->nproducts);
                for (unsigned i = 0; i < m->nproducts; i++) {
                    unsigned pr = (start + i) % m->nproducts;
                    if (!(m->pplans[pr] & (1u << q))) continue;
                    int a = assign_of(g, pr);
                    if (a >= 0) {
                        g->assigns[a].enabled |= 1u << q;
                    } else if (g->nassigns < MAX_ASSIGNS) {
                        MAssign *na = &g->assigns[g->nassigns++];
                        na->product = pr;
                        na->enabled = 1u << q;
                        na->added_for_prerequisite = 1;
                    } else {
                        continue;
                    }
                    break;
                }
            }
        }
    }
    for (;;) {
        uint32_t e = group_enabled(g);
        int changed = 0;
        for (unsigned p = 0; p < m->nplans && !changed; p++)
            if ((e & (1u << p)) && requirement_unmet(m, p, e)) {
                disable_everywhere(g, p);
                changed = 1;
            }
        if (!changed) break;
    }
}

static void gen_catalog(Model *m, Rng *r)
{
    m->nplans = rng_range(r, 8, MAX_PLANS);
    for (unsigned p = 0; p < m->nplans; p++) {
        m->mailbox[p] = rng_pct(r, 20);
        if (m->mailbox[p]) m->mailbox_mask |= 1u << p;
    }
    if (!m->mailbox_mask) {
        unsigned p = rng_below(r, m->nplans);
        m->mailbox[p] = 1;
        m->mailbox_mask |= 1u << p;
    }
    m->nproducts = rng_range(r, 3, MAX_PRODUCTS);
    for (unsigned pr = 0; pr < m->nproducts; pr++) {
        snprintf(m->product_name[pr], sizeof m->product_name[pr], "SKU_%c", 'A' + pr);
        m->pn[pr] = rng_range(r, 2, MAX_PRODUCT_PLANS);
        for (unsigned i = 0; i < m->pn[pr]; i++) {
            unsigned p;
            do p = rng_below(r, m->nplans); while (m->pplans[pr] & (1u << p));
            m->pord[pr][i] = p;
            m->pplans[pr] |= 1u << p;
        }
    }
    /* Overlap: the second product shares a plan with the first. */
    if (!(m->pplans[1] & m->pplans[0])) {
        unsigned p = m->pord[0][0];
        m->pplans[1] &= ~(1u << m->pord[1][0]);
        m->pord[1][0] = p;
        m->pplans[1] |= 1u << p;
    }
    /* Plans and products are separate namespaces: in some seeds a product is named
     * after one of its plans (as WORKPLACE_ANALYTICS is). */
    if (m->seed % 4 == 0) snprintf(m->product_name[0], sizeof m->product_name[0], "PL_%02u", m->pord[0][0]);
    m->nconfsets = rng_range(r, 1, 3);
    for (unsigned c = 0; c < m->nconfsets; c++) {
        unsigned n = rng_range(r, 2, 3);
        uint32_t set = 0;
        /* Exchange-like: the first member is a mailbox plan when the set is the first. */
        if (c == 0) set |= 1u << pick_bit(r, m->mailbox_mask);
        while ((unsigned)__builtin_popcount(set) < n) set |= 1u << rng_below(r, m->nplans);
        m->confsets[c] = set;
        for (unsigned a = 0; a < m->nplans; a++)
            if (set & (1u << a)) m->conf[a] |= set & ~(1u << a);
    }
    for (unsigned p = 0; p < m->nplans; p++) {
        if (!rng_pct(r, 25)) continue;
        m->nreq[p] = rng_pct(r, 15) ? 2 : 1;
        for (unsigned k = 0; k < m->nreq[p]; k++) {
            unsigned n = rng_range(r, 1, 2);
            uint32_t set = 0;
            while ((unsigned)__builtin_popcount(set) < n) {
                unsigned q = rng_below(r, m->nplans);
                if (q != p) set |= 1u << q;
            }
            m->req[p][k] = set;
        }
    }
    for (unsigned p = 0; p < m->nplans; p++) {
        unsigned roll = rng_below(r, 100);
        if (roll < 8) {
            m->rkind[p] = 1;
            unsigned n = rng_range(r, 3, 8);
            while ((unsigned)__builtin_popcount(m->rcountries[p]) < n) m->rcountries[p] |= 1u << rng_below(r, NCOUNTRIES);
        } else if (roll < 14) {
            m->rkind[p] = 2;
            unsigned n = rng_range(r, 1, 2);
            while ((unsigned)__builtin_popcount(m->rcountries[p]) < n) m->rcountries[p] |= 1u << rng_below(r, NCOUNTRIES);
        }
    }
    m->directory = rng_pct(r, 50) ? (int)rng_below(r, NCOUNTRIES) : -1;
    m->lower_countries = rng_pct(r, 30);
}

static void gen_groups(Model *m, Rng *r)
{
    static const long long priorities[] = { -5, -1, 0, 0, 0, 0, 5, 10 };
    m->ngroups = rng_range(r, 5, MAX_GROUPS);
    for (unsigned gi = 0; gi < m->ngroups; gi++) {
        MGroup *g = &m->groups[gi];
        if (gi == 0) snprintf(g->name, sizeof g->name, "All Staff");
        else if (gi == 1) snprintf(g->name, sizeof g->name, "Sales, EMEA");   /* quoted in CSV */
        else snprintf(g->name, sizeof g->name, "Team %02u", gi);
        g->priority = gi == 0 ? 0 : priorities[rng_below(r, 8)];
        unsigned n = gi >= 2 && rng_pct(r, 10) ? 0 : rng_range(r, 1, 3);
        for (unsigned k = 0; k < n; k++) {
            unsigned pr;
            do pr = rng_below(r, m->nproducts); while (assign_of(g, pr) >= 0);
            MAssign *a = &g->assigns[g->nassigns++];
            a->product = pr;
            a->enabled = m->pplans[pr];
            if (rng_pct(r, 35)) {
                for (unsigned i = 0; i < m->pn[pr]; i++)
                    if (rng_pct(r, 30)) a->enabled &= ~(1u << m->pord[pr][i]);
                if (!a->enabled) a->enabled = 1u << m->pord[pr][rng_below(r, m->pn[pr])];
            }
        }
        fix_group(m, g, r);
        for (unsigned k = 0; k < g->nassigns; k++) {
            MAssign *a = &g->assigns[k];
            if (a->enabled == m->pplans[a->product]) a->mode = rng_pct(r, 10) ? MODE_ONLY : MODE_ALL;
            else if (a->added_for_prerequisite) a->mode = MODE_ONLY;
            else a->mode = rng_pct(r, 50) ? MODE_EXCEPT : MODE_ONLY;
        }
    }
    /* S4: processing order by (priority, declaration). */
    for (unsigned gi = 0; gi < m->ngroups; gi++) {
        unsigned rank = 0;
        for (unsigned o = 0; o < m->ngroups; o++)
            if (m->groups[o].priority < m->groups[gi].priority ||
                (m->groups[o].priority == m->groups[gi].priority && o < gi))
                rank++;
        m->groups[gi].rank = rank;
    }
}

static void gen_users(Model *m, Rng *r)
{
    m->users = xcalloc(m->nusers, sizeof *m->users);
    for (unsigned u = 0; u < m->nusers; u++) {
        MUser *us = &m->users[u];
        snprintf(us->id, sizeof us->id, "user%05u@s%" PRIu64 ".example", u, m->seed);
        us->country = rng_pct(r, 12) ? -1 : (int)rng_below(r, NCOUNTRIES);
        us->lower = rng_pct(r, 20);
        us->no_own_proxies = rng_pct(r, 8);
    }
    m->nshared = 1 + m->nusers / 40;
    m->shared_users = xcalloc(m->nshared, sizeof *m->shared_users);
    m->nshared_users = xcalloc(m->nshared, sizeof *m->nshared_users);
    for (unsigned a = 0; a < m->nshared; a++) {
        m->shared_users[a] = xcalloc(3, sizeof **m->shared_users);
        unsigned want = m->nusers >= 3 ? rng_range(r, 2, 3) : 2;
        for (unsigned tries = 0; tries < 20 && m->nshared_users[a] < want; tries++) {
            unsigned u = rng_below(r, m->nusers);
            MUser *us = &m->users[u];
            if (us->nshared == 2) continue;
            if (us->nshared == 1 && us->shared[0] == a) continue;
            us->shared_case[us->nshared] = rng_below(r, 3);
            us->shared[us->nshared++] = a;
            m->shared_users[a][m->nshared_users[a]++] = u;
        }
    }
}

static void add_row(Model *m, size_t *cap, unsigned group, int is_group, unsigned member)
{
    if (m->nrows == *cap) {
        *cap = *cap ? *cap * 2 : 256;
        m->rows = realloc(m->rows, *cap * sizeof *m->rows);
        assert_non_null(m->rows);
    }
    m->rows[m->nrows].group = group;
    m->rows[m->nrows].is_group = is_group;
    m->rows[m->nrows].member = member;
    m->nrows++;
}

static void gen_members(Model *m, Rng *r)
{
    unsigned n = m->nusers;
    size_t cap = 0;
    uint32_t *perm = xcalloc(n, sizeof *perm);
    for (unsigned u = 0; u < n; u++) perm[u] = u;
    m->ndepts = rng_range(r, 1, MAX_DEPTS);
    unsigned nall = m->ngroups + m->ndepts;
    for (unsigned g = 0; g < nall; g++) {
        unsigned size;
        if (g == 0) {
            size = 0;   /* all staff: each user with 85% */
        } else if (g < m->ngroups && rng_pct(r, 8)) {
            size = 0;   /* a licensed group nobody is in */
        } else {
            double x = (double)rng_below(r, 1001) / 1000.0;
            size = 1 + (unsigned)((double)n * 0.3 * x * x);
            if (size > n) size = n;
        }
        shuffle_u32(r, perm, n);
        if (g == 0) {
            for (unsigned i = 0; i < n; i++)
                if (rng_pct(r, 85)) add_row(m, &cap, g, 0, perm[i]);
        } else {
            for (unsigned i = 0; i < size; i++) add_row(m, &cap, g, 0, perm[i]);
        }
    }
    /* Nested groups (not licensed, S4). */
    unsigned nnest = rng_range(r, 2, 5);
    for (unsigned i = 0; i < nnest; i++) {
        unsigned a = rng_below(r, nall), b;
        do b = rng_below(r, nall); while (b == a);
        int dup = 0;
        for (size_t k = 0; k < m->nrows; k++)
            if (m->rows[k].is_group && m->rows[k].group == a && m->rows[k].member == b) dup = 1;
        if (!dup) add_row(m, &cap, a, 1, b);
    }
    /* Rows of all groups interleaved: membership order is the order within a group. */
    uint32_t *order = xcalloc(m->nrows, sizeof *order);
    for (size_t i = 0; i < m->nrows; i++) order[i] = (uint32_t)i;
    shuffle_u32(r, order, m->nrows);
    MRow *shuffled = xcalloc(m->nrows + 8, sizeof *shuffled);
    for (size_t i = 0; i < m->nrows; i++) shuffled[i] = m->rows[order[i]];
    free(order);
    free(m->rows);
    m->rows = shuffled;
    /* Some seeds repeat a few user rows later in the file: ignored with a warning, the
     * first keeping its place (CLI.md). */
    if (m->seed % 3 == 0 && m->nrows > 2) {
        unsigned reps = rng_range(r, 1, 3);
        for (unsigned k = 0; k < reps; k++) {
            size_t i = rng_below(r, (unsigned)m->nrows - 1);
            if (m->rows[i].is_group) continue;
            size_t j = i + 1 + rng_below(r, (unsigned)(m->nrows - i));   /* insert before j */
            MRow copy = m->rows[i];
            memmove(&m->rows[j + 1], &m->rows[j], (m->nrows - j) * sizeof *m->rows);
            m->rows[j] = copy;
            m->nrows++;
            m->nrepeats++;
        }
    }
    /* Expected tenant view: distinct users in first-row order, nested counts. */
    m->members = xcalloc(m->ngroups, sizeof *m->members);
    m->nmembers = xcalloc(m->ngroups, sizeof *m->nmembers);
    uint8_t *seen = xcalloc((size_t)m->ngroups * n, 1);
    for (unsigned g = 0; g < m->ngroups; g++) m->members[g] = xcalloc(n, sizeof **m->members);
    for (size_t i = 0; i < m->nrows; i++) {
        const MRow *row = &m->rows[i];
        if (row->group >= m->ngroups) continue;
        if (row->is_group) {
            m->nnested[row->group]++;
            continue;
        }
        uint8_t *s = &seen[(size_t)row->group * n + row->member];
        if (*s) continue;
        *s = 1;
        m->members[row->group][m->nmembers[row->group]++] = row->member;
    }
    free(seen);
    free(perm);
}

static void gen_licenses(Model *m, Rng *r)
{
    m->direct = xcalloc((size_t)m->nusers * 2, sizeof *m->direct);
    for (unsigned u = 0; u < m->nusers; u++) {
        if (!rng_pct(r, 6)) continue;
        unsigned k = rng_pct(r, 20) ? 2 : 1;
        unsigned first = UINT32_MAX;
        for (unsigned i = 0; i < k; i++) {
            unsigned pr;
            do pr = rng_below(r, m->nproducts); while (pr == first);
            first = pr;
            MDirect *d = &m->direct[m->ndirect++];
            d->user = u;
            d->product = pr;
            d->enabled = m->pplans[pr];
            if (rng_pct(r, 30))
                for (unsigned j = 0; j < m->pn[pr]; j++)
                    if (rng_pct(r, 35)) d->enabled &= ~(1u << m->pord[pr][j]);
            if (!d->enabled) d->enabled = 1u << m->pord[pr][0];
            d->disabled = m->pplans[pr] & ~d->enabled;
        }
    }
    /* Rows inherited from a group (the current state, for whatif): eval ignores them. */
    if (m->seed % 4 == 1) {
        unsigned want = 1 + m->nusers / 20;
        m->inherited = xcalloc(want, sizeof *m->inherited);
        for (unsigned i = 0; i < want; i++) {
            unsigned u = rng_below(r, m->nusers), pr = rng_below(r, m->nproducts);
            int clash = 0;
            for (size_t k = 0; k < m->ndirect; k++)
                if (m->direct[k].user == u && m->direct[k].product == pr) clash = 1;
            for (size_t k = 0; k < m->ninherited; k++)
                if (m->inherited[k].user == u && m->inherited[k].product == pr) clash = 1;
            if (clash) continue;
            MInherited *in = &m->inherited[m->ninherited++];
            in->user = u;
            in->product = pr;
            in->group = rng_below(r, m->ngroups);
            in->with_error = rng_pct(r, 30);
        }
    }
}

static void gen_seats(Model *m, Rng *r)
{
    unsigned demand[MAX_PRODUCTS] = { 0 };
    for (unsigned g = 0; g < m->ngroups; g++)
        for (unsigned k = 0; k < m->groups[g].nassigns; k++) demand[m->groups[g].assigns[k].product] += m->nmembers[g];
    for (unsigned pr = 0; pr < m->nproducts; pr++) {
        unsigned roll = rng_below(r, 100);
        m->skus_extra[pr] = -1;
        if (roll < 30) {
            m->seats[pr] = UNLIMITED;
            continue;
        }
        if (roll < 40) m->seats[pr] = rng_below(r, 3);      /* so tight direct licences overrun it */
        else m->seats[pr] = (long long)demand[pr] * rng_range(r, 40, 100) / 100 + rng_below(r, 3);
        unsigned where = rng_below(r, 100);
        m->seats_where[pr] = where < 55 ? SEATS_IN_BLOCK : where < 85 ? SEATS_STATEMENT : SEATS_SKUS_CSV;
        if (m->seats_where[pr] != SEATS_SKUS_CSV && rng_pct(r, 25)) m->skus_extra[pr] = m->seats[pr] + 7;
    }
}

static void gen_model(Model *m, uint64_t seed, unsigned nusers)
{
    memset(m, 0, sizeof *m);
    m->seed = seed;
    m->nusers = nusers;
    Rng r = { seed * 0x100000001b3ULL + nusers };
    gen_catalog(m, &r);
    gen_groups(m, &r);
    gen_users(m, &r);
    gen_members(m, &r);
    gen_licenses(m, &r);
    gen_seats(m, &r);
    m->crlf = rng_pct(&r, 30);
    m->bom = rng_pct(&r, 20);
    m->quote_all = rng_pct(&r, 20);
    m->users_layout = (int)rng_below(&r, 2);
}

static void model_free(Model *m)
{
    free(m->users);
    for (unsigned a = 0; a < m->nshared; a++) free(m->shared_users[a]);
    free(m->shared_users);
    free(m->nshared_users);
    free(m->rows);
    for (unsigned g = 0; m->members && g < m->ngroups; g++) free(m->members[g]);
    free(m->members);
    free(m->nmembers);
    free(m->direct);
    free(m->inherited);
}

/* ---- writing the files ------------------------------------------------------------ */

static FILE *open_w(const char *dir, const char *name)
{
    char path[512];
    snprintf(path, sizeof path, "%s/%s", dir, name);
    FILE *f = fopen(path, "w");
    PROP(f != NULL, "cannot write %s: %s", path, strerror(errno));
    return f;
}

static void close_w(FILE *f)
{
    PROP(fclose(f) == 0, "writing failed: %s", strerror(errno));
}

static const char *country_text(const Model *m, unsigned c, int lower)
{
    static const char *const lowers[NCOUNTRIES] = { "nl", "us", "de", "gb", "fr", "in", "cn", "ru", "br", "jp" };
    (void)m;
    return lower ? lowers[c] : country_codes[c];
}

static void write_plan_list(FILE *f, const Model *m, uint32_t mask, const char *sep)
{
    int first = 1;
    for (unsigned p = 0; p < m->nplans; p++)
        if (mask & (1u << p)) {
            fprintf(f, "%sPL_%02u", first ? "" : sep, p);
            first = 0;
        }
}

static void write_rules(const Model *m, const char *dir)
{
    FILE *f = open_w(dir, "10-catalog.skuld");
    fprintf(f, "# generated by test_properties, seed %" PRIu64 "\n", m->seed);
    for (unsigned p = 0; p < m->nplans; p++)
        fprintf(f, "plan PL_%02u \"Plan %u\"%s;\n", p, p, m->mailbox[p] ? " mailbox" : "");
    for (unsigned pr = 0; pr < m->nproducts; pr++) {
        fprintf(f, "product %s \"Product %c\" {\n    plans ", m->product_name[pr], 'A' + pr);
        for (unsigned i = 0; i < m->pn[pr]; i++) fprintf(f, "%sPL_%02u", i ? ", " : "", m->pord[pr][i]);
        fprintf(f, ";\n");
        if (m->seats[pr] != UNLIMITED && m->seats_where[pr] == SEATS_IN_BLOCK) fprintf(f, "    seats %lld;\n", m->seats[pr]);
        fprintf(f, "}\n");
    }
    for (unsigned c = 0; c < m->nconfsets; c++) {
        fprintf(f, "conflict ");
        write_plan_list(f, m, m->confsets[c], ", ");
        fprintf(f, ";\n");
    }
    for (unsigned p = 0; p < m->nplans; p++)
        for (unsigned k = 0; k < m->nreq[p]; k++) {
            fprintf(f, "require PL_%02u: ", p);
            write_plan_list(f, m, m->req[p][k], " | ");
            fprintf(f, ";\n");
        }
    for (unsigned p = 0; p < m->nplans; p++) {
        if (!m->rkind[p]) continue;
        fprintf(f, "restrict PL_%02u %s ", p, m->rkind[p] == 1 ? "allow" : "deny");
        int first = 1;
        for (unsigned c = 0; c < NCOUNTRIES; c++)
            if (m->rcountries[p] & (1u << c)) {
                fprintf(f, "%s%s", first ? "" : ", ", country_text(m, c, m->lower_countries && (p + c) % 2));
                first = 0;
            }
        fprintf(f, ";\n");
    }
    close_w(f);

    f = open_w(dir, "20-groups.skuld");
    if (m->directory >= 0) fprintf(f, "directory location %s;\n", country_text(m, (unsigned)m->directory, m->lower_countries));
    for (unsigned pr = 0; pr < m->nproducts; pr++)
        if (m->seats[pr] != UNLIMITED && m->seats_where[pr] == SEATS_STATEMENT)
            fprintf(f, "seats %s %lld;\n", m->product_name[pr], m->seats[pr]);
    for (unsigned gi = 0; gi < m->ngroups; gi++) {
        const MGroup *g = &m->groups[gi];
        fprintf(f, "group \"%s\"", g->name);
        if (g->priority || gi % 3 == 1) fprintf(f, " priority %lld", g->priority);
        fprintf(f, " {\n");
        for (unsigned k = 0; k < g->nassigns; k++) {
            const MAssign *a = &g->assigns[k];
            fprintf(f, "    assign %s", m->product_name[a->product]);
            if (a->mode == MODE_EXCEPT) {
                fprintf(f, " except ");
                write_plan_list(f, m, m->pplans[a->product] & ~a->enabled, ", ");
            } else if (a->mode == MODE_ONLY) {
                fprintf(f, " only ");
                write_plan_list(f, m, a->enabled, ", ");
            }
            fprintf(f, ";\n");
        }
        fprintf(f, "}\n");
    }
    close_w(f);
}

/* One CSV row (RFC 4180); fields with , " ; or spaces get quotes, all when quote_all. */
static void csv_row(FILE *f, const Model *m, const char *const *fields, unsigned n)
{
    for (unsigned i = 0; i < n; i++) {
        const char *s = fields[i];
        int quote = m->quote_all || strpbrk(s, ",\"\r\n") != NULL;
        if (i) fputc(',', f);
        if (!quote) {
            fputs(s, f);
            continue;
        }
        fputc('"', f);
        for (; *s; s++) {
            if (*s == '"') fputc('"', f);
            fputc(*s, f);
        }
        fputc('"', f);
    }
    fputs(m->crlf ? "\r\n" : "\n", f);
}

static FILE *open_csv(const Model *m, const char *dir, const char *name)
{
    FILE *f = open_w(dir, name);
    if (m->bom) fputs("\xEF\xBB\xBF", f);
    return f;
}

static const char *group_name(const Model *m, unsigned g, char *buf, size_t size)
{
    if (g < m->ngroups) return m->groups[g].name;
    snprintf(buf, size, "Dept %u", g - m->ngroups);
    return buf;
}

static void write_users(const Model *m, const char *dir, const uint32_t *order)
{
    FILE *f = open_csv(m, dir, "users.csv");
    static const char *const header0[] = { "user", "usage_location", "proxy_addresses" };
    static const char *const header1[] = { "proxy_addresses", "user", "department", "usage_location" };
    if (m->users_layout == 0) csv_row(f, m, header0, 3);
    else csv_row(f, m, header1, 4);
    for (unsigned i = 0; i < m->nusers; i++) {
        const MUser *us = &m->users[order ? order[i] : i];
        char proxies[512] = "";
        size_t len = 0;
        if (!us->no_own_proxies) {
            char local[64];
            snprintf(local, sizeof local, "%.*s", (int)(strchr(us->id, '@') - us->id), us->id);
            len += (size_t)snprintf(proxies + len, sizeof proxies - len, "SMTP:%s;smtp:%s@s%" PRIu64 ".onmicrosoft.com",
                                    us->id, local, m->seed);
        }
        for (unsigned k = 0; k < us->nshared; k++) {
            static const char *const forms[3] = { "smtp:shared%u@s%" PRIu64 ".example", "SMTP:Shared%u@S%" PRIu64 ".example",
                                                  "smtp:SHARED%u@s%" PRIu64 ".EXAMPLE" };
            if (len) len += (size_t)snprintf(proxies + len, sizeof proxies - len, ";");
            len += (size_t)snprintf(proxies + len, sizeof proxies - len, forms[us->shared_case[k]], us->shared[k], m->seed);
        }
        const char *loc = us->country < 0 ? "" : country_text(m, (unsigned)us->country, us->lower);
        const char *dept = "Dept, \"quoted\"";
        if (m->users_layout == 0) {
            const char *fields[] = { us->id, loc, proxies };
            csv_row(f, m, fields, 3);
        } else {
            const char *fields[] = { proxies, us->id, dept, loc };
            csv_row(f, m, fields, 4);
        }
    }
    close_w(f);
}

static void write_members(const Model *m, const char *dir)
{
    FILE *f = open_csv(m, dir, "members.csv");
    static const char *const header[] = { "group", "member" };
    csv_row(f, m, header, 2);
    for (size_t i = 0; i < m->nrows; i++) {
        const MRow *row = &m->rows[i];
        char b1[32], b2[32];
        const char *fields[] = { group_name(m, row->group, b1, sizeof b1),
                                 row->is_group ? group_name(m, row->member, b2, sizeof b2) : m->users[row->member].id };
        csv_row(f, m, fields, 2);
    }
    close_w(f);
}

static void write_licenses(const Model *m, const char *dir)
{
    FILE *f = open_csv(m, dir, "licenses.csv");
    int with_group = m->ninherited > 0;
    static const char *const header[] = { "user", "product", "disabled_plans", "group", "error" };
    csv_row(f, m, header, with_group ? 5 : 3);
    for (size_t i = 0; i < m->ndirect; i++) {
        const MDirect *d = &m->direct[i];
        char disabled[256] = "";
        size_t len = 0;
        for (unsigned p = 0; p < m->nplans; p++)
            if (d->disabled & (1u << p)) len += (size_t)snprintf(disabled + len, sizeof disabled - len, "%sPL_%02u", len ? ";" : "", p);
        const char *fields[] = { m->users[d->user].id, m->product_name[d->product], disabled, "", "" };
        csv_row(f, m, fields, with_group ? 5 : 3);
        /* Inherited rows interleaved with the direct ones. */
        if (i < m->ninherited) {
            const MInherited *in = &m->inherited[i];
            const char *ifields[] = { m->users[in->user].id, m->product_name[in->product], "", m->groups[in->group].name,
                                      in->with_error ? "CountViolation" : "" };
            csv_row(f, m, ifields, 5);
        }
    }
    for (size_t i = m->ndirect; i < m->ninherited; i++) {
        const MInherited *in = &m->inherited[i];
        const char *ifields[] = { m->users[in->user].id, m->product_name[in->product], "", m->groups[in->group].name,
                                  in->with_error ? "CountViolation" : "" };
        csv_row(f, m, ifields, 5);
    }
    close_w(f);
}

static void write_skus(const Model *m, const char *dir)
{
    FILE *f = open_csv(m, dir, "skus.csv");
    static const char *const header[] = { "product", "seats" };
    csv_row(f, m, header, 2);
    for (unsigned pr = 0; pr < m->nproducts; pr++) {
        long long v = m->seats[pr] != UNLIMITED && m->seats_where[pr] == SEATS_SKUS_CSV ? m->seats[pr] : m->skus_extra[pr];
        if (v < 0) continue;
        char num[32];
        snprintf(num, sizeof num, "%lld", v);
        const char *fields[] = { m->product_name[pr], num };
        csv_row(f, m, fields, 2);
    }
    close_w(f);
}

typedef struct {
    char root[256];
    char rules[300], t1[300], t2[300], t3[300];
} Dirs;

static void make_dir(const char *path)
{
    PROP(mkdir(path, 0700) == 0, "mkdir %s: %s", path, strerror(errno));
}

static void write_all(const Model *m, Dirs *d, const uint32_t *shuffled_users)
{
    const char *tmp = getenv("TMPDIR");
    snprintf(d->root, sizeof d->root, "%s/skuld-prop-XXXXXX", tmp && *tmp ? tmp : "/tmp");
    PROP(mkdtemp(d->root) != NULL, "mkdtemp: %s", strerror(errno));
    snprintf(d->rules, sizeof d->rules, "%s/rules", d->root);
    snprintf(d->t1, sizeof d->t1, "%s/t1", d->root);
    snprintf(d->t2, sizeof d->t2, "%s/t2", d->root);
    snprintf(d->t3, sizeof d->t3, "%s/t3", d->root);
    make_dir(d->rules);
    make_dir(d->t1);
    make_dir(d->t2);
    make_dir(d->t3);
    write_rules(m, d->rules);
    write_users(m, d->t1, NULL);
    write_members(m, d->t1);
    write_licenses(m, d->t1);
    write_skus(m, d->t1);
    write_users(m, d->t2, NULL);
    write_members(m, d->t2);
    write_skus(m, d->t2);
    write_users(m, d->t3, shuffled_users);
    write_members(m, d->t3);
    write_licenses(m, d->t3);
    write_skus(m, d->t3);
}

static void remove_all(const Dirs *d)
{
    static const char *const tenant_files[] = { "users.csv", "members.csv", "licenses.csv", "skus.csv" };
    char path[512];
    const char *tenants[] = { d->t1, d->t2, d->t3 };
    for (int t = 0; t < 3; t++) {
        for (int i = 0; i < 4; i++) {
            snprintf(path, sizeof path, "%s/%s", tenants[t], tenant_files[i]);
            PROP(unlink(path) == 0 || errno == ENOENT, "unlink %s: %s", path, strerror(errno));
        }
        PROP(rmdir(tenants[t]) == 0, "rmdir %s: %s", tenants[t], strerror(errno));
    }
    snprintf(path, sizeof path, "%s/10-catalog.skuld", d->rules);
    PROP(unlink(path) == 0, "unlink %s: %s", path, strerror(errno));
    snprintf(path, sizeof path, "%s/20-groups.skuld", d->rules);
    PROP(unlink(path) == 0, "unlink %s: %s", path, strerror(errno));
    PROP(rmdir(d->rules) == 0, "rmdir %s: %s", d->rules, strerror(errno));
    PROP(rmdir(d->root) == 0, "rmdir %s: %s", d->root, strerror(errno));
}

/* ---- loading and evaluating --------------------------------------------------------- */

typedef struct {
    RuleSet rs;
    Policy *p;
} Rules;

static void load_rules(Rules *r, const char *dir)
{
    char path[300];
    snprintf(path, sizeof path, "%s", dir);
    char *paths[1] = { path };
    rules_init(&r->rs);
    size_t errors = rules_load(&r->rs, paths, 1);
    r->p = r->rs.unreadable || errors ? NULL : check_rules(&r->rs);
    if (!r->p || r->rs.diags.errors || r->rs.diags.warnings) diag_print_text(&r->rs.diags, stderr);
    PROP(r->p != NULL && r->rs.diags.errors == 0, "generated rules must pass check_rules (%zu errors)", r->rs.diags.errors);
    PROP(r->rs.diags.warnings == 0, "generated rules gave %zu warnings", r->rs.diags.warnings);
}

static void free_rules(Rules *r)
{
    policy_free(r->p);
    rules_free(&r->rs);
}

static Tenant *load_tenant(Rules *r, const char *dir, size_t expect_warnings)
{
    size_t before = r->rs.diags.warnings;
    Tenant *t = tenant_load(dir, r->p, &r->rs.diags);
    if (!t || r->rs.diags.warnings - before != expect_warnings) diag_print_text(&r->rs.diags, stderr);
    PROP(t != NULL, "tenant %s must load", dir);
    PROP(r->rs.diags.warnings - before == expect_warnings, "tenant %s: %zu warnings, expected %zu (repeated rows)", dir,
         r->rs.diags.warnings - before, expect_warnings);
    return t;
}

static char *report_json(const EvalState *st, size_t *len)
{
    char *buf = NULL;
    size_t n = 0;
    FILE *f = open_memstream(&buf, &n);
    assert_non_null(f);
    ReportOptions ro = { 0, NULL, NULL };
    PROP(report_eval_json(st, f, &ro) == 0, "report_eval_json failed");
    assert_int_equal(fclose(f), 0);
    *len = n;
    return buf;
}

/* ---- the properties ----------------------------------------------------------------- */

typedef struct {
    int plan[MAX_PLANS], product[MAX_PRODUCTS], group[MAX_GROUPS];   /* model -> policy */
    int rev_product[MAX_PRODUCTS], rev_group[MAX_GROUPS];            /* policy -> model */
    uint32_t *t2m, *m2t;                                             /* users */
} Maps;

static void make_maps(const Model *m, const Policy *p, const Tenant *t, Maps *mp)
{
    char name[16];
    PROP(p->nplans == m->nplans && p->nproducts == m->nproducts && p->ngroups == m->ngroups,
         "policy has %u plans, %u products, %u groups; generated %u, %u, %u", p->nplans, p->nproducts, p->ngroups,
         m->nplans, m->nproducts, m->ngroups);
    for (unsigned i = 0; i < m->nplans; i++) {
        snprintf(name, sizeof name, "PL_%02u", i);
        mp->plan[i] = policy_find_plan(p, name);
        PROP(mp->plan[i] >= 0, "plan %s not in the policy", name);
    }
    for (unsigned i = 0; i < m->nproducts; i++) {
        mp->product[i] = policy_find_product(p, m->product_name[i]);
        PROP(mp->product[i] >= 0, "product %s not in the policy", m->product_name[i]);
        mp->rev_product[mp->product[i]] = (int)i;
    }
    for (unsigned i = 0; i < m->ngroups; i++) {
        mp->group[i] = policy_find_group(p, m->groups[i].name);
        PROP(mp->group[i] >= 0, "group %s not in the policy", m->groups[i].name);
        mp->rev_group[mp->group[i]] = (int)i;
    }
    PROP(t->nusers == m->nusers, "tenant has %u users, generated %u", t->nusers, m->nusers);
    mp->t2m = xcalloc(m->nusers, sizeof *mp->t2m);
    mp->m2t = xcalloc(m->nusers, sizeof *mp->m2t);
    for (unsigned u = 0; u < m->nusers; u++) {
        int64_t tu = tenant_find_user(t, m->users[u].id);
        PROP(tu >= 0, "user %s not in the tenant", m->users[u].id);
        mp->m2t[u] = (uint32_t)tu;
        mp->t2m[tu] = u;
    }
}

static void free_maps(Maps *mp)
{
    free(mp->t2m);
    free(mp->m2t);
}

static uint32_t to_mask(const Model *m, const Maps *mp, const bitword *set)
{
    uint32_t mask = 0;
    for (unsigned i = 0; i < m->nplans; i++)
        if (bitset_test(set, (size_t)mp->plan[i])) mask |= 1u << i;
    return mask;
}

static int effective_country(const Model *m, unsigned u)
{
    return m->users[u].country >= 0 ? m->users[u].country : m->directory;
}

static int plan_allowed(const Model *m, unsigned plan, int country)
{
    if (m->rkind[plan] == 0) return 1;
    int listed = (m->rcountries[plan] >> country) & 1;
    return m->rkind[plan] == 1 ? listed : !listed;
}

/* S1/S5.1: the user has no effective location, or a plan of `enabled` is not allowed there. */
static int location_fails(const Model *m, unsigned u, uint32_t enabled)
{
    int c = effective_country(m, u);
    if (c < 0) return 1;
    for (unsigned p = 0; p < m->nplans; p++)
        if ((enabled & (1u << p)) && !plan_allowed(m, p, c)) return 1;
    return 0;
}

static int via_has(const EvalState *st, uint32_t h, uint32_t group)
{
    if (h == EVAL_NONE) return 0;
    for (uint32_t v = eval_holding(st, h)->via_first; v != EVAL_NONE; v = st->via[v].next)
        if (st->via[v].group == group) return 1;
    return 0;
}

static uint32_t user_plans(const Model *m, const Maps *mp, const EvalState *st, uint32_t tu)
{
    uint32_t all = 0;
    for (uint32_t h = st->user_state[tu].first; h != EVAL_NONE; h = eval_holding(st, h)->next)
        all |= to_mask(m, mp, eval_holding_plans(st, h));
    return all;
}

/* The live violations of a state, in its order (cleared ones are skipped). */
static const Violation **live_violations(const EvalState *st, uint32_t *n)
{
    const Violation **lv = xcalloc(st->nviolations, sizeof *lv);
    *n = 0;
    for (uint32_t i = 0; i < st->nviolations; i++)
        if (!st->violations[i].dead) lv[(*n)++] = &st->violations[i];
    return lv;
}

/* The violation (user, group, product) among the user's lv[lo, hi), or NULL; *count
 * gets how many there are. */
static const Violation *find_violation(const Violation *const *lv, uint32_t lo, uint32_t hi, int32_t group,
                                       uint32_t product, unsigned *count)
{
    const Violation *found = NULL;
    unsigned n = 0;
    for (uint32_t i = lo; i < hi; i++) {
        const Violation *v = lv[i];
        if (v->group == group && v->product == product) {
            if (!found) found = v;
            n++;
        }
    }
    if (count) *count = n;
    return found;
}

/* ---- a reference pass ---------------------------------------------------------------- */

/* SEMANTICS.md S1-S6 and S3 written out plainly over the model, as a second opinion:
 * direct licences first, then groups in processing order, members in membership order,
 * each assignment checked location, uniqueness, conflict, seats; all or nothing; then the
 * direct-licence findings. */
typedef struct {
    unsigned n, nproducts, ngroups;
    uint8_t *held;              /* per (user, product) */
    uint8_t *direct;            /* per (user, product): a direct licence gives it */
    uint32_t *plans;            /* per (user, product) */
    uint32_t *via;              /* per (user, product): model groups giving it */
    int8_t *code;               /* per (user, group, product): ViolationCode or -1 */
    int8_t *direct_code;        /* per (user, product) */
    uint8_t *mailbox;           /* per user */
    long long consumed[MAX_PRODUCTS];
} Ref;

#define REF_UP(r, u, pr) ((size_t)(u) * (r)->nproducts + (pr))
#define REF_UGP(r, u, g, pr) (((size_t)(u) * (r)->ngroups + (g)) * (r)->nproducts + (pr))

static void ref_hold(const Model *m, Ref *r, unsigned u, unsigned pr, uint32_t enabled)
{
    size_t i = REF_UP(r, u, pr);
    if (!r->held[i]) {
        r->held[i] = 1;
        r->consumed[pr]++;
    }
    r->plans[i] |= enabled;
    if (enabled & m->mailbox_mask) r->mailbox[u] = 1;
}

static int ref_check(const Model *m, const Ref *r, unsigned u, const MAssign *a)
{
    if (location_fails(m, u, a->enabled)) return V_LOCATION;
    if ((a->enabled & m->mailbox_mask) && !r->mailbox[u]) {
        const MUser *us = &m->users[u];
        for (unsigned k = 0; k < us->nshared; k++)
            for (unsigned j = 0; j < m->nshared_users[us->shared[k]]; j++) {
                unsigned w = m->shared_users[us->shared[k]][j];
                if (w != u && r->mailbox[w]) return V_UNIQUENESS;
            }
    }
    uint32_t cmask = 0;
    for (unsigned q = 0; q < m->nplans; q++)
        if (a->enabled & (1u << q)) cmask |= m->conf[q];
    for (unsigned pr = 0; pr < m->nproducts; pr++)
        if (pr != a->product && r->held[REF_UP(r, u, pr)] && (r->plans[REF_UP(r, u, pr)] & cmask)) return V_MUTUALLY_EXCLUSIVE;
    if (m->seats[a->product] != UNLIMITED && r->consumed[a->product] >= m->seats[a->product] &&
        !r->held[REF_UP(r, u, a->product)])
        return V_COUNT;
    return -1;
}

static void ref_run(const Model *m, int with_direct, Ref *r)
{
    memset(r, 0, sizeof *r);
    r->n = m->nusers;
    r->nproducts = m->nproducts;
    r->ngroups = m->ngroups;
    size_t up = (size_t)r->n * r->nproducts;
    r->held = xcalloc(up, 1);
    r->direct = xcalloc(up, 1);
    r->plans = xcalloc(up, sizeof *r->plans);
    r->via = xcalloc(up, sizeof *r->via);
    r->code = xcalloc(up * r->ngroups, 1);
    memset(r->code, -1, up * r->ngroups);
    r->direct_code = xcalloc(up, 1);
    memset(r->direct_code, -1, up);
    r->mailbox = xcalloc(r->n, 1);
    size_t ndirect = with_direct ? m->ndirect : 0;
    for (size_t i = 0; i < ndirect; i++) {
        ref_hold(m, r, m->direct[i].user, m->direct[i].product, m->direct[i].enabled);
        r->direct[REF_UP(r, m->direct[i].user, m->direct[i].product)] = 1;
    }
    for (unsigned rank = 0; rank < m->ngroups; rank++) {
        unsigned g = 0;
        while (m->groups[g].rank != rank) g++;
        const MGroup *G = &m->groups[g];
        if (!G->nassigns) continue;
        for (unsigned i = 0; i < m->nmembers[g]; i++) {
            unsigned u = m->members[g][i];
            int codes[MAX_ASSIGNS], failed = -1;
            for (unsigned k = 0; k < G->nassigns; k++) {
                codes[k] = ref_check(m, r, u, &G->assigns[k]);
                if (codes[k] >= 0 && failed < 0) failed = (int)k;
            }
            for (unsigned k = 0; k < G->nassigns; k++) {
                unsigned pr = G->assigns[k].product;
                if (failed < 0) {
                    ref_hold(m, r, u, pr, G->assigns[k].enabled);
                    r->via[REF_UP(r, u, pr)] |= 1u << g;
                } else {
                    r->code[REF_UGP(r, u, g, pr)] = (int8_t)(codes[k] >= 0 ? codes[k] : V_OTHER);
                }
            }
        }
    }
    for (size_t i = 0; i < ndirect; i++) {
        const MDirect *d = &m->direct[i];
        int code = -1;
        if (location_fails(m, d->user, d->enabled)) code = V_LOCATION;
        uint32_t cmask = 0;
        for (unsigned q = 0; q < m->nplans; q++)
            if (d->enabled & (1u << q)) cmask |= m->conf[q];
        for (size_t k = 0; k < ndirect && code < 0; k++)
            if (k != i && m->direct[k].user == d->user && (m->direct[k].enabled & cmask)) code = V_MUTUALLY_EXCLUSIVE;
        if (code < 0) {
            uint32_t all = 0;
            for (unsigned pr = 0; pr < m->nproducts; pr++) all |= r->plans[REF_UP(r, d->user, pr)];
            for (unsigned q = 0; q < m->nplans && code < 0; q++)
                if ((d->enabled & (1u << q)) && requirement_unmet(m, q, all)) code = V_DEPENDENCY;
        }
        r->direct_code[REF_UP(r, d->user, d->product)] = (int8_t)code;
    }
}

static void ref_free(Ref *r)
{
    free(r->held);
    free(r->direct);
    free(r->plans);
    free(r->via);
    free(r->code);
    free(r->direct_code);
    free(r->mailbox);
}

static const char *code_text(int code)
{
    return code < 0 ? "none" : violation_code_name((ViolationCode)code);
}

/* The evaluation agrees with the reference pass on every holding (plans, sources), every
 * seat count and every violation code. */
static void check_against_reference(const Model *m, const Maps *mp, const EvalState *st,
                                    const Violation *const *lv, uint32_t nlv, int with_direct)
{
    Ref r;
    ref_run(m, with_direct, &r);
    for (unsigned u = 0; u < m->nusers; u++) {
        uint32_t tu = mp->m2t[u];
        for (unsigned pr = 0; pr < m->nproducts; pr++) {
            size_t i = REF_UP(&r, u, pr);
            uint32_t h = eval_find_holding(st, tu, (uint32_t)mp->product[pr]);
            PROP((h != EVAL_NONE) == r.held[i], "reference: %s %s %s, the reference pass says %s", m->users[u].id,
                 h != EVAL_NONE ? "holds" : "does not hold", m->product_name[pr], r.held[i] ? "held" : "not held");
            if (h == EVAL_NONE) continue;
            uint32_t via = 0;
            for (uint32_t v = eval_holding(st, h)->via_first; v != EVAL_NONE; v = st->via[v].next)
                via |= 1u << mp->rev_group[st->via[v].group];
            PROP(via == r.via[i] && !!eval_holding(st, h)->direct == r.direct[i],
                 "reference: %s's %s comes from groups %#x%s, the reference pass says %#x%s", m->users[u].id,
                 m->product_name[pr], via, eval_holding(st, h)->direct ? " and direct" : "", r.via[i],
                 r.direct[i] ? " and direct" : "");
            uint32_t plans = to_mask(m, mp, eval_holding_plans(st, h));
            PROP(plans == r.plans[i], "reference: %s's %s enables %#x, the reference pass says %#x", m->users[u].id,
                 m->product_name[pr], plans, r.plans[i]);
        }
    }
    for (unsigned pr = 0; pr < m->nproducts; pr++)
        PROP(st->consumed[mp->product[pr]] == r.consumed[pr], "reference: %s consumed %lld, the reference pass says %lld",
             m->product_name[pr], (long long)st->consumed[mp->product[pr]], r.consumed[pr]);
    /* Every violation is expected, and as many as expected. */
    size_t expected = 0;
    for (size_t i = 0; i < (size_t)r.n * r.nproducts * r.ngroups; i++) expected += r.code[i] >= 0;
    for (size_t i = 0; i < (size_t)r.n * r.nproducts; i++) expected += r.direct_code[i] >= 0;
    for (uint32_t i = 0; i < nlv; i++) {
        const Violation *v = lv[i];
        unsigned u = mp->t2m[v->user], pr = (unsigned)mp->rev_product[v->product];
        int want = v->group < 0 ? r.direct_code[REF_UP(&r, u, pr)]
                                : r.code[REF_UGP(&r, u, (unsigned)mp->rev_group[v->group], pr)];
        PROP((int)v->code == want, "reference: %s, group %s, %s: %s, the reference pass says %s", m->users[u].id,
             v->group < 0 ? "(direct)" : m->groups[mp->rev_group[v->group]].name, m->product_name[pr],
             code_text((int)v->code), code_text(want));
    }
    PROP(nlv == expected, "reference: %u violations, the reference pass finds %zu", nlv, expected);
    ref_free(&r);
}

/* Every property of one evaluation. with_direct: the tenant has the model's direct
 * licences (t1, t3) or none (t2). */
static void check_eval(const Model *m, const Policy *p, const Tenant *t, const EvalState *st, int with_direct)
{
    Maps mp;
    make_maps(m, p, t, &mp);
    unsigned n = m->nusers;

    /* The tenant as generated: membership order (S4; repeats dropped, first keeps its
     * place), nested groups, direct licences, seats (rules override skus.csv). */
    for (unsigned g = 0; g < m->ngroups; g++) {
        const GroupMembers *gm = &t->members[mp.group[g]];
        PROP(gm->nusers == m->nmembers[g], "group \"%s\": %u direct user members loaded, %u generated", m->groups[g].name,
             gm->nusers, m->nmembers[g]);
        for (unsigned i = 0; i < gm->nusers; i++)
            PROP(mp.t2m[gm->users[i]] == m->members[g][i], "group \"%s\": member %u is %s, expected %s",
                 m->groups[g].name, i, t->users[gm->users[i]].id, m->users[m->members[g][i]].id);
        PROP(gm->nnested == m->nnested[g], "group \"%s\": %u nested groups, expected %u", m->groups[g].name, gm->nnested,
             m->nnested[g]);
        PROP(p->order[m->groups[g].rank] == (uint32_t)mp.group[g], "group \"%s\" should be at rank %u of processing order (S4)",
             m->groups[g].name, m->groups[g].rank);
    }
    PROP(t->ndirect == (with_direct ? m->ndirect : 0), "%u direct licences loaded, expected %zu", t->ndirect,
         with_direct ? m->ndirect : 0);
    for (unsigned pr = 0; pr < m->nproducts; pr++)
        PROP(p->products[mp.product[pr]].seats == (m->seats[pr] == UNLIMITED ? SEATS_UNLIMITED : m->seats[pr]),
             "product %s: seats %lld, expected %lld", m->product_name[pr], (long long)p->products[mp.product[pr]].seats,
             m->seats[pr]);

    /* Lookups: membership per (group, user), direct licence per (user, product). */
    uint8_t *member = xcalloc((size_t)m->ngroups * n, 1);
    for (unsigned g = 0; g < m->ngroups; g++)
        for (unsigned i = 0; i < m->nmembers[g]; i++) member[(size_t)g * n + m->members[g][i]] = 1;
    int32_t *direct = xcalloc((size_t)n * m->nproducts, sizeof *direct);   /* index + 1 */
    unsigned ndirect_of[MAX_PRODUCTS] = { 0 };
    if (with_direct)
        for (size_t i = 0; i < m->ndirect; i++) {
            direct[(size_t)m->direct[i].user * m->nproducts + m->direct[i].product] = (int32_t)i + 1;
            ndirect_of[m->direct[i].product]++;
        }

    /* S6: holdings. One per (user, product); via in processing order without repeats,
     * each a licensed group the user is a direct member of that assigns the product;
     * `direct` exactly when a direct licence gives it; plans the union of the sources. */
    unsigned holdings_of[MAX_PRODUCTS] = { 0 };
    for (uint32_t tu = 0; tu < t->nusers; tu++) {
        unsigned mu = mp.t2m[tu];
        uint32_t seen = 0;
        for (uint32_t h = st->user_state[tu].first; h != EVAL_NONE; h = eval_holding(st, h)->next) {
            const Holding *hd = eval_holding(st, h);
            unsigned pr = (unsigned)mp.rev_product[hd->product];
            PROP(!(seen & (1u << pr)), "S6: user %s holds %s twice", m->users[mu].id, m->product_name[pr]);
            seen |= 1u << pr;
            holdings_of[pr]++;
            int32_t di = direct[(size_t)mu * m->nproducts + pr];
            PROP(!!hd->direct == (di != 0), "S3/S6: %s's holding of %s: direct flag %d, direct licence %s",
                 m->users[mu].id, m->product_name[pr], hd->direct, di ? "exists" : "absent");
            uint32_t expect = di ? m->direct[di - 1].enabled : 0;
            unsigned sources = di ? 1 : 0;
            int prev_rank = -1;
            for (uint32_t v = hd->via_first; v != EVAL_NONE; v = st->via[v].next) {
                unsigned g = (unsigned)mp.rev_group[st->via[v].group];
                int rank = (int)m->groups[g].rank;
                PROP(rank > prev_rank, "S6: %s's holding of %s: via not in processing order (\"%s\" at rank %d after rank %d)",
                     m->users[mu].id, m->product_name[pr], m->groups[g].name, rank, prev_rank);
                prev_rank = rank;
                PROP(member[(size_t)g * n + mu], "S4: %s holds %s via \"%s\" but is not a direct member of it",
                     m->users[mu].id, m->product_name[pr], m->groups[g].name);
                int a = assign_of(&m->groups[g], pr);
                PROP(a >= 0, "%s holds %s via \"%s\", which does not assign it", m->users[mu].id, m->product_name[pr],
                     m->groups[g].name);
                expect |= m->groups[g].assigns[a].enabled;
                sources++;
            }
            PROP(sources > 0, "S6: %s holds %s from no source", m->users[mu].id, m->product_name[pr]);
            uint32_t got = to_mask(m, &mp, eval_holding_plans(st, h));
            PROP(got == expect, "S6: %s's holding of %s enables plans %#x, the union of its sources is %#x",
                 m->users[mu].id, m->product_name[pr], got, expect);
        }
    }

    /* S9: consumed counts the users holding the product; groups never push it past
     * seats, so only direct licences (S3) can: consumed <= max(seats, direct ones). */
    for (unsigned pr = 0; pr < m->nproducts; pr++) {
        int64_t consumed = st->consumed[mp.product[pr]];
        PROP(consumed == holdings_of[pr], "S9: %s consumed %lld, but %u users hold it", m->product_name[pr],
             (long long)consumed, holdings_of[pr]);
        if (m->seats[pr] == UNLIMITED) continue;
        long long limit = m->seats[pr] > ndirect_of[pr] ? m->seats[pr] : (long long)ndirect_of[pr];
        PROP(consumed <= limit, "S9: %s consumed %lld > seats %lld (direct licences: %u)", m->product_name[pr],
             (long long)consumed, m->seats[pr], ndirect_of[pr]);
        if (!with_direct)
            PROP(consumed <= m->seats[pr], "S9: without direct licences %s consumed %lld > seats %lld",
                 m->product_name[pr], (long long)consumed, m->seats[pr]);
        PROP(eval_conflict(st, mp.product[pr]) == (consumed > m->seats[pr] ? consumed - m->seats[pr] : 0),
             "S9: licence conflict of %s", m->product_name[pr]);
    }

    /* Violations: report order (user, product declaration, direct before groups, groups
     * in processing order), strictly increasing, so one per (user, group, product). */
    uint32_t nlv;
    const Violation **lv = live_violations(st, &nlv);
    uint32_t *vstart = xcalloc((size_t)t->nusers + 1, sizeof *vstart);
    for (uint32_t i = 0; i < nlv; i++) {
        const Violation *v = lv[i];
        PROP(v->user < t->nusers && v->product < p->nproducts, "violation %u out of range", i);
        vstart[v->user + 1]++;
        if (i == 0) continue;
        const Violation *w = lv[i - 1];
        unsigned rv = v->group < 0 ? 0 : m->groups[mp.rev_group[v->group]].rank + 1;
        unsigned rw = w->group < 0 ? 0 : m->groups[mp.rev_group[w->group]].rank + 1;
        int increasing = w->user < v->user || (w->user == v->user && (w->product < v->product ||
                                               (w->product == v->product && rw < rv)));
        PROP(increasing, "violations %u and %u out of report order or repeated (user %s, product %s)", i - 1, i,
             t->users[v->user].id, p->products[v->product].name);
    }
    for (uint32_t u = 0; u < t->nusers; u++) vstart[u + 1] += vstart[u];

    for (uint32_t i = 0; i < nlv; i++) {
        const Violation *v = lv[i];
        unsigned mu = mp.t2m[v->user], pr = (unsigned)mp.rev_product[v->product];
        const char *uid = m->users[mu].id, *pname = m->product_name[pr];
        const char *code = violation_code_name(v->code);
        uint32_t lo = vstart[v->user], hi = vstart[v->user + 1];
        if (v->group == EVAL_DIRECT) {
            /* S3: a finding on a direct licence the user has; the licence stays. */
            int32_t di = direct[(size_t)mu * m->nproducts + pr];
            PROP(di != 0, "S3: direct violation %s for %s/%s without a direct licence", code, uid, pname);
            PROP(v->code == V_LOCATION || v->code == V_MUTUALLY_EXCLUSIVE || v->code == V_DEPENDENCY,
                 "S3: direct licence %s/%s has code %s", uid, pname, code);
            PROP((v->code == V_LOCATION) == location_fails(m, mu, m->direct[di - 1].enabled),
                 "S3.1: direct licence %s/%s: code %s, location check says %s", uid, pname, code,
                 location_fails(m, mu, m->direct[di - 1].enabled) ? "fail" : "pass");
            continue;
        }
        unsigned g = (unsigned)mp.rev_group[v->group];
        const MGroup *G = &m->groups[g];
        PROP(member[(size_t)g * n + mu], "violation %s through \"%s\" names %s, not a direct member of it", code, G->name, uid);
        int a = assign_of(G, pr);
        PROP(a >= 0, "violation %s through \"%s\" for %s, which it does not assign", code, G->name, pname);
        uint32_t enabled = G->assigns[a].enabled;
        /* S5: a pair in error holds nothing through the group. */
        for (unsigned k = 0; k < G->nassigns; k++) {
            unsigned q = G->assigns[k].product;
            PROP(!via_has(st, eval_find_holding(st, v->user, (uint32_t)mp.product[q]), (uint32_t)v->group),
                 "S5: %s has %s through \"%s\" and still holds %s via it", uid, code, G->name, m->product_name[q]);
        }
        /* S5.1 is the first check: Location exactly when the model says it fails. */
        PROP((v->code == V_LOCATION) == location_fails(m, mu, enabled),
             "S1/S5.1: %s through \"%s\" for %s: code %s, location check says %s", uid, G->name, pname, code,
             location_fails(m, mu, enabled) ? "fail" : "pass");
        switch (v->code) {
        case V_OTHER: {
            /* Held back: the detail names the first failing product of the group. */
            const Violation *first = NULL;
            unsigned first_k = 0;
            for (unsigned k = 0; k < G->nassigns && !first; k++) {
                const Violation *w = find_violation(lv, lo, hi, v->group, (uint32_t)mp.product[G->assigns[k].product], NULL);
                if (w && w->code != V_OTHER) {
                    first = w;
                    first_k = k;
                }
            }
            PROP(first != NULL, "S5: %s has Other through \"%s\" for %s but no failing product in that group", uid,
                 G->name, pname);
            char want[200];
            snprintf(want, sizeof want, "held back: %s failed with %s", m->product_name[G->assigns[first_k].product],
                     violation_code_name(first->code));
            PROP(v->detail && strcmp(v->detail, want) == 0, "S5: %s/%s/%s Other detail \"%s\", expected \"%s\"", uid,
                 G->name, pname, v->detail ? v->detail : "(null)", want);
            break;
        }
        case V_UNIQUENESS: {
            /* S5.2: a mailbox plan, and another user sharing an address holds a mailbox
             * (holders keep it to the end of the pass). */
            PROP(enabled & m->mailbox_mask, "S5.2: UniquenessViolation for %s through \"%s\" on %s without a mailbox plan",
                 uid, G->name, pname);
            int other = 0;
            const MUser *us = &m->users[mu];
            for (unsigned k = 0; k < us->nshared && !other; k++)
                for (unsigned j = 0; j < m->nshared_users[us->shared[k]] && !other; j++) {
                    unsigned w = m->shared_users[us->shared[k]][j];
                    if (w != mu && (user_plans(m, &mp, st, mp.m2t[w]) & m->mailbox_mask)) other = 1;
                }
            PROP(other, "S5.2: UniquenessViolation for %s through \"%s\" on %s: no user sharing an address has a mailbox",
                 uid, G->name, pname);
            break;
        }
        case V_MUTUALLY_EXCLUSIVE: {
            /* S5.3: a plan of another product the user holds conflicts with E. */
            uint32_t cmask = 0;
            for (unsigned q = 0; q < m->nplans; q++)
                if (enabled & (1u << q)) cmask |= m->conf[q];
            int found = 0;
            for (uint32_t h = st->user_state[v->user].first; h != EVAL_NONE; h = eval_holding(st, h)->next)
                if (eval_holding(st, h)->product != v->product && (to_mask(m, &mp, eval_holding_plans(st, h)) & cmask)) found = 1;
            PROP(found, "S5.3: MutuallyExclusiveViolation for %s through \"%s\" on %s: no conflicting plan held", uid,
                 G->name, pname);
            break;
        }
        case V_COUNT: {
            /* S5.4: no seat left, and seats never free up during a pass. */
            PROP(m->seats[pr] != UNLIMITED, "S5.4: CountViolation on unlimited %s", pname);
            PROP(st->consumed[v->product] >= m->seats[pr], "S5.4: CountViolation on %s with %lld of %lld in use", pname,
                 (long long)st->consumed[v->product], m->seats[pr]);
            PROP(eval_find_holding(st, v->user, v->product) == EVAL_NONE, "S5.4: CountViolation for %s on %s, held", uid,
                 pname);
            break;
        }
        case V_LOCATION:
            break;
        case V_DEPENDENCY:
            PROP(0, "DependencyViolation through group \"%s\" for %s/%s in a plain eval (S8 is what-if only)", G->name, uid,
                 pname);
            break;
        }
    }

    /* S10: for every licensed group G, direct user member U and product P of G, exactly
     * one of: U holds P with G in via, or one violation (U, G, P). S1: a user without an
     * effective location fails every group assignment with a location violation. */
    uint32_t *in_error = report_users_in_error(st);
    for (unsigned g = 0; g < m->ngroups; g++) {
        const MGroup *G = &m->groups[g];
        unsigned users_in_error = 0;
        for (unsigned i = 0; i < m->nmembers[g] && G->nassigns; i++) {
            unsigned mu = m->members[g][i];
            uint32_t tu = mp.m2t[mu];
            int any_violation = 0, any_held = 0;
            for (unsigned k = 0; k < G->nassigns; k++) {
                uint32_t prod = (uint32_t)mp.product[G->assigns[k].product];
                int held = via_has(st, eval_find_holding(st, tu, prod), (uint32_t)mp.group[g]);
                unsigned nv;
                const Violation *v = find_violation(lv, vstart[tu], vstart[tu + 1], mp.group[g], prod, &nv);
                PROP((held && nv == 0) || (!held && nv == 1),
                     "S10: %s in \"%s\", product %s: held via the group %d, violations %u", m->users[mu].id, G->name,
                     m->product_name[G->assigns[k].product], held, nv);
                if (effective_country(m, mu) < 0)
                    PROP(v && v->code == V_LOCATION, "S1: %s has no usage location but \"%s\" gives %s: %s",
                         m->users[mu].id, G->name, m->product_name[G->assigns[k].product],
                         v ? violation_code_name(v->code) : "held");
                any_violation |= nv > 0;
                any_held |= held;
            }
            PROP(!(any_violation && any_held), "S5: %s in \"%s\": some products held via the group, some in error",
                 m->users[mu].id, G->name);
            users_in_error += any_violation;
        }
        /* The report's "in_error": distinct users with a violation through the group. */
        PROP(in_error[mp.group[g]] == users_in_error, "group \"%s\": report counts %u users in error, %u have violations",
             G->name, in_error[mp.group[g]], users_in_error);
    }
    free(in_error);

    check_against_reference(m, &mp, st, lv, nlv, with_direct);

    /* S3: every direct licence is held, with the direct flag, whatever its findings. */
    if (with_direct)
        for (size_t i = 0; i < m->ndirect; i++) {
            const MDirect *d = &m->direct[i];
            uint32_t h = eval_find_holding(st, mp.m2t[d->user], (uint32_t)mp.product[d->product]);
            PROP(h != EVAL_NONE && eval_holding(st, h)->direct, "S3: direct licence %s/%s is not held",
                 m->users[d->user].id, m->product_name[d->product]);
            if (location_fails(m, d->user, d->enabled)) {
                const Violation *v = find_violation(lv, vstart[mp.m2t[d->user]], vstart[mp.m2t[d->user] + 1], EVAL_DIRECT,
                                                    (uint32_t)mp.product[d->product], NULL);
                PROP(v && v->code == V_LOCATION, "S3.1: direct licence %s/%s fails the location check but has %s",
                     m->users[d->user].id, m->product_name[d->product], v ? violation_code_name(v->code) : "no violation");
            }
        }

    free(vstart);
    free(lv);
    free(direct);
    free(member);
    free_maps(&mp);
}

/* ---- the JSON report ----------------------------------------------------------------- */

typedef struct {
    char **lines;
    size_t n;
} Lines;

/* Splits a report into lines, each without a trailing comma (the last element of an
 * array has none, and shuffling users changes which one is last). Lines holding a
 * UniquenessViolation are counted apart and left out when skip_uniqueness. */
static Lines split_lines(char *text, int skip_uniqueness, size_t *uniqueness)
{
    Lines l = { NULL, 0 };
    size_t cap = 0;
    *uniqueness = 0;
    for (char *s = text; *s;) {
        char *e = strchr(s, '\n');
        if (!e) e = s + strlen(s);
        int last = *e == '\0';
        *e = '\0';
        size_t len = strlen(s);
        if (len && s[len - 1] == ',') s[len - 1] = '\0';
        if (strstr(s, "\"error\": \"UniquenessViolation\"")) {
            ++*uniqueness;
            if (skip_uniqueness) goto next;
        }
        if (l.n == cap) {
            cap = cap ? cap * 2 : 1024;
            l.lines = realloc(l.lines, cap * sizeof *l.lines);
            assert_non_null(l.lines);
        }
        l.lines[l.n++] = s;
    next:
        if (last) break;
        s = e + 1;
    }
    return l;
}

static int cmp_str(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

/* S6 in the report: "direct" comes first in via. */
static void check_report_lines(char *json)
{
    char *copy = strdup(json);
    assert_non_null(copy);
    size_t uniq;
    Lines l = split_lines(copy, 0, &uniq);
    for (size_t i = 0; i < l.n; i++) {
        const char *via = strstr(l.lines[i], "\"via\": [");
        if (!via) continue;
        const char *d = strstr(via, "\"direct\"");
        PROP(!d || d == via + strlen("\"via\": ["), "S6: \"direct\" not first in via: %s", l.lines[i]);
    }
    free(l.lines);
    free(copy);
}

/* ---- one seed ---------------------------------------------------------------------- */

typedef struct {
    unsigned seeds, violations, holdings, shared_holdings, count_violations, other_violations, location_violations;
    unsigned uniqueness_violations, conflict_violations, direct_findings, licence_conflicts;
} Stats;

static void count_stats(const EvalState *st, Stats *s)
{
    for (uint32_t u = 0; u < st->t->nusers; u++)
        for (uint32_t h = st->user_state[u].first; h != EVAL_NONE; h = eval_holding(st, h)->next) {
            unsigned sources = eval_holding(st, h)->direct;
            for (uint32_t v = eval_holding(st, h)->via_first; v != EVAL_NONE; v = st->via[v].next) sources++;
            s->holdings++;
            s->shared_holdings += sources > 1;
        }
    for (uint32_t i = 0; i < st->nviolations; i++) {
        const Violation *v = &st->violations[i];
        if (v->dead) continue;
        s->violations++;
        if (v->group < 0) {
            s->direct_findings++;
            continue;
        }
        switch (v->code) {
        case V_COUNT: s->count_violations++; break;
        case V_OTHER: s->other_violations++; break;
        case V_LOCATION: s->location_violations++; break;
        case V_UNIQUENESS: s->uniqueness_violations++; break;
        case V_MUTUALLY_EXCLUSIVE: s->conflict_violations++; break;
        default: break;
        }
    }
    for (uint32_t pr = 0; pr < st->p->nproducts; pr++) s->licence_conflicts += eval_conflict(st, pr) > 0;
}

/* Two states of the same input (policies loaded apart, so the same indices): the same
 * holdings in the same places, sources, seats and violations with their texts. */
static void check_same_state(const EvalState *a, const EvalState *b)
{
    size_t words = a->p->plan_words;
    PROP(a->nlive == b->nlive && a->nviolations == b->nviolations, "lean: %u/%u holdings, %u/%u violations", a->nlive,
         b->nlive, a->nviolations, b->nviolations);
    for (uint32_t pr = 0; pr < a->p->nproducts; pr++)
        PROP(a->consumed[pr] == b->consumed[pr], "lean: product %u consumed differs", pr);
    for (uint32_t u = 0; u < a->t->nusers; u++) {
        uint32_t x = a->user_state[u].first, y = b->user_state[u].first;
        for (; x != EVAL_NONE && y != EVAL_NONE; x = eval_holding(a, x)->next, y = eval_holding(b, y)->next) {
            const Holding *hx = eval_holding(a, x), *hy = eval_holding(b, y);
            PROP(x == y && hx->product == hy->product && hx->direct == hy->direct &&
                 bitset_equal(eval_holding_plans(a, x), eval_holding_plans(b, y), words),
                 "lean: user %u, holding %u/%u differs", u, x, y);
            uint32_t v = hx->via_first, w = hy->via_first;
            for (; v != EVAL_NONE && w != EVAL_NONE; v = a->via[v].next, w = b->via[w].next)
                PROP(a->via[v].group == b->via[w].group && a->via[v].kept == b->via[w].kept &&
                     bitset_equal(eval_via_enabled(a, v), eval_via_enabled(b, w), words),
                     "lean: user %u, product %u: a source differs", u, hx->product);
            PROP(v == EVAL_NONE && w == EVAL_NONE, "lean: user %u, product %u: sources differ in number", u, hx->product);
        }
        PROP(x == EVAL_NONE && y == EVAL_NONE, "lean: user %u holds another number of products", u);
    }
    for (uint32_t i = 0; i < a->nviolations; i++) {
        const Violation *v = &a->violations[i], *w = &b->violations[i];
        PROP(v->user == w->user && v->group == w->group && v->product == w->product && v->code == w->code &&
             v->kind == w->kind && v->dead == w->dead, "lean: violation %u differs", i);
        PROP(!v->detail == !w->detail && (!v->detail || strcmp(v->detail, w->detail) == 0),
             "lean: violation %u detail:\n    %s\n    %s", i, v->detail ? v->detail : "-", w->detail ? w->detail : "-");
        PROP(!v->hint == !w->hint && (!v->hint || strcmp(v->hint, w->hint) == 0),
             "lean: violation %u hint:\n    %s\n    %s", i, v->hint ? v->hint : "-", w->hint ? w->hint : "-");
    }
}

static void run_seed(uint64_t seed, unsigned nusers, Stats *stats)
{
    Model m;
    gen_model(&m, seed, nusers);
    Rng r = { seed ^ 0x5eed5eed5eedULL };
    uint32_t *shuffled = xcalloc(nusers, sizeof *shuffled);
    for (unsigned u = 0; u < nusers; u++) shuffled[u] = u;
    shuffle_u32(&r, shuffled, nusers);
    Dirs d;
    snprintf(g_ctx, sizeof g_ctx, "seed %" PRIu64 ", %u users (creating the directory)", seed, nusers);
    write_all(&m, &d, shuffled);
    snprintf(g_ctx, sizeof g_ctx, "seed %" PRIu64 ", %u users, files in %s (kept)", seed, nusers, d.root);

    /* 1: the tenant as generated. */
    Rules r1;
    load_rules(&r1, d.rules);
    Tenant *t1 = load_tenant(&r1, d.t1, m.nrepeats);
    EvalState *st1 = eval_new(r1.p, t1);
    eval_run(st1);
    check_eval(&m, r1.p, t1, st1, 1);
    count_stats(st1, stats);
    size_t len1;
    char *json1 = report_json(st1, &len1);
    check_report_lines(json1);

    /* S11: a fresh load and evaluation of the same input gives the same bytes; this
     * one is lean (eval.h: no source lists, sources found from the memberships), which
     * must change nothing a report shows, nor the state once its lists are made. */
    Rules r2;
    load_rules(&r2, d.rules);
    Tenant *t1b = load_tenant(&r2, d.t1, m.nrepeats);
    EvalState *st2 = eval_new(r2.p, t1b);
    st2->lean = 1;
    eval_run(st2);
    PROP(st2->nvia == 0, "a lean pass made %u source nodes", st2->nvia);
    eval_index_sources(st2);
    size_t len2;
    char *json2 = report_json(st2, &len2);
    PROP(len1 == len2 && memcmp(json1, json2, len1) == 0,
         "S11: two evaluations of the same input differ, the second lean (%zu, %zu bytes)", len1, len2);
    eval_keep_sources(st2);
    check_same_state(st1, st2);

    /* 2: no direct licences: groups alone never exceed seats (S9). */
    Tenant *t2 = load_tenant(&r2, d.t2, m.nrepeats);
    EvalState *st3 = eval_new(r2.p, t2);
    eval_run(st3);
    check_eval(&m, r2.p, t2, st3, 0);

    /* 3: users.csv shuffled: the same report lines, in another order (reports follow
     * users.csv order). UniquenessViolation lines are compared by count only: their
     * detail names the first other user (in users.csv order) who shares the address
     * and holds a mailbox, and the address as first written in users.csv; both can
     * change when the rows are shuffled. */
    Tenant *t3 = load_tenant(&r2, d.t3, m.nrepeats);
    EvalState *st4 = eval_new(r2.p, t3);
    eval_run(st4);
    check_eval(&m, r2.p, t3, st4, 1);
    size_t len3;
    char *json3 = report_json(st4, &len3);
    size_t u1, u3;
    Lines a = split_lines(json1, 1, &u1), b = split_lines(json3, 1, &u3);
    PROP(u1 == u3, "S11: %zu UniquenessViolation lines, %zu after shuffling users.csv", u1, u3);
    PROP(a.n == b.n, "S11: %zu report lines, %zu after shuffling users.csv", a.n, b.n);
    qsort(a.lines, a.n, sizeof *a.lines, cmp_str);
    qsort(b.lines, b.n, sizeof *b.lines, cmp_str);
    for (size_t i = 0; i < a.n; i++)
        PROP(strcmp(a.lines[i], b.lines[i]) == 0, "S11: after shuffling users.csv the report lines differ:\n    %s\n    %s",
             a.lines[i], b.lines[i]);
    free(a.lines);
    free(b.lines);

    free(json1);
    free(json2);
    free(json3);
    eval_free(st1);
    eval_free(st2);
    eval_free(st3);
    eval_free(st4);
    tenant_free(t1);
    tenant_free(t1b);
    tenant_free(t2);
    tenant_free(t3);
    free_rules(&r1);
    free_rules(&r2);
    if (getenv("SKULD_PROP_KEEP") && *getenv("SKULD_PROP_KEEP")) print_message("kept %s\n", d.root);
    else remove_all(&d);
    free(shuffled);
    model_free(&m);
    stats->seeds++;
}

/* ---- tests ---------------------------------------------------------------------------- */

typedef struct {
    const char *name;
    uint64_t first_seed;
    unsigned nseeds;
    unsigned min_users, max_users;
} Tier;

static const Tier tiers[] = {
    { "tiny", 1, 14, 10, 40 },
    { "small", 101, 12, 80, 300 },
    { "medium", 201, 8, 500, 1200 },
    { "large", 301, 4, 2000, 3500 },
};

static unsigned env_unsigned(const char *name, unsigned dflt)
{
    const char *s = getenv(name);
    if (!s || !*s) return dflt;
    return (unsigned)strtoul(s, NULL, 10);
}

static void run_tier(const Tier *tier)
{
    Stats stats;
    memset(&stats, 0, sizeof stats);
    unsigned rounds = env_unsigned("SKULD_PROP_ROUNDS", 1);
    const char *only = getenv("SKULD_PROP_SEED");
    for (unsigned round = 0; round < rounds; round++)
        for (unsigned i = 0; i < tier->nseeds; i++) {
            uint64_t seed = tier->first_seed + i + (uint64_t)round * 1000;
            if (only && *only && strtoull(only, NULL, 10) != seed) continue;
            Rng r = { seed };
            unsigned nusers = rng_range(&r, tier->min_users, tier->max_users);
            run_seed(seed, nusers, &stats);
        }
    print_message("%-6s %u seeds: %u holdings (%u from several sources), %u violations (%u count, %u other, %u location, %u uniqueness, "
                  "%u conflict, %u direct), %u products in licence conflict\n",
                  tier->name, stats.seeds, stats.holdings, stats.shared_holdings, stats.violations, stats.count_violations,
                  stats.other_violations, stats.location_violations, stats.uniqueness_violations,
                  stats.conflict_violations, stats.direct_findings, stats.licence_conflicts);
}

static void test_properties_tiny(void **state)
{
    (void)state;
    run_tier(&tiers[0]);
}

static void test_properties_small(void **state)
{
    (void)state;
    run_tier(&tiers[1]);
}

static void test_properties_medium(void **state)
{
    (void)state;
    run_tier(&tiers[2]);
}

static void test_properties_large(void **state)
{
    (void)state;
    run_tier(&tiers[3]);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_properties_tiny),
        cmocka_unit_test(test_properties_small),
        cmocka_unit_test(test_properties_medium),
        cmocka_unit_test(test_properties_large),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
