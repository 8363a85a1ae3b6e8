/* report_json.c — the eval report in JSON, schema 1 (CLI.md), streamed. */
#include "report.h"
#include "jsonw.h"

#include "util.h"
#include <stdlib.h>
#include <string.h>

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

/* ---- pieces of text rendered once ---------------------------------------------
 *
 * An assignment line is nearly all repeated text: the user's id (the same for each of
 * their holdings), a product name, the names of a plan set's plans, group names. Each
 * is escaped once, with the punctuation around it, and appended raw (jw_raw_begin).
 * The layout is the writer's for an object at depth 2, all on one line:
 *
 *     {"user": "id", "product": "name", "plans": ["plan", "plan"], "via": ["direct", "group"]}
 *
 * is U P S ["direct"] G... ]} with the pieces
 *
 *     U = {"user": "id", "product":       per user (remade when the user changes)
 *     P = "name", "plans":                per product
 *     S = ["plan", "plan"], "via": [      per plan set id, on first use
 *     G = , "group"                       per group (the first of "via" without ", ")
 *
 * Violations take the user's id, group and product names out of the same pieces.
 */

#define LIT(s) s, sizeof s - 1       /* a string literal and its length */

typedef struct {
    char *buf;
    size_t len, cap;
} Text;

/* Room for n more bytes at t->buf + t->len. */
static char *text_room(Text *t, size_t n)
{
    if (t->cap - t->len < n) {
        size_t cap = t->cap ? t->cap : 4096;
        while (cap - t->len < n) cap *= 2;
        char *grown = realloc(t->buf, cap);
        if (!grown) fatal_oom();
        t->buf = grown;
        t->cap = cap;
    }
    return t->buf + t->len;
}

static void text_put(Text *t, const char *s, size_t n)
{
    memcpy(text_room(t, n), s, n);
    t->len += n;
}

/* s as a JSON string literal, or null (as jw_string writes it). */
static void text_string(Text *t, const char *s)
{
    if (!s) { text_put(t, LIT("null")); return; }
    size_t n = strlen(s);
    t->len += jw_escape(text_room(t, JW_ESCAPED_MAX(n)), s, n);
}

/* A piece: text.buf + off, len bytes. */
typedef struct {
    size_t off, len;
} Piece;

#define PLANS_KEY ", \"plans\": "      /* the end of a product piece */
#define USER_KEY "{\"user\": "         /* the start of a user piece */
#define PRODUCT_KEY ", \"product\": "   /* and its end */
#define PIECE_NONE SIZE_MAX             /* off of a plan set not rendered yet */
#define SETS_CACHED_MAX ((size_t)64 << 20)   /* text kept for plan sets; past it, rendered each time */

typedef struct {
    const EvalState *st;
    Text text;                          /* product, group and plan set pieces */
    Piece *product, *group, *set;       /* per product, policy group, plan set id */
    Text user;                          /* U of user user_of */
    uint32_t user_of;
} Pieces;

static void pieces_init(Pieces *pc, const EvalState *st)
{
    const Policy *p = st->p;
    memset(pc, 0, sizeof *pc);
    pc->st = st;
    pc->user_of = UINT32_MAX;
    pc->product = malloc(((size_t)p->nproducts + 1) * sizeof *pc->product);
    pc->group = malloc(((size_t)p->ngroups + 1) * sizeof *pc->group);
    pc->set = malloc(((size_t)st->sets.count + 1) * sizeof *pc->set);
    if (!pc->product || !pc->group || !pc->set) fatal_oom();
    for (uint32_t i = 0; i < p->nproducts; i++) {
        pc->product[i].off = pc->text.len;
        text_string(&pc->text, p->products[i].name);
        text_put(&pc->text, LIT(PLANS_KEY));
        pc->product[i].len = pc->text.len - pc->product[i].off;
    }
    for (uint32_t g = 0; g < p->ngroups; g++) {
        pc->group[g].off = pc->text.len;
        text_put(&pc->text, LIT(", "));
        text_string(&pc->text, p->groups[g].name);
        pc->group[g].len = pc->text.len - pc->group[g].off;
    }
    for (uint32_t id = 0; id < st->sets.count; id++) pc->set[id].off = PIECE_NONE;
}

static void pieces_free(Pieces *pc)
{
    free(pc->text.buf);
    free(pc->user.buf);
    free(pc->product);
    free(pc->group);
    free(pc->set);
}

/* S of plan set id: rendered on first use and kept, unless the kept text has grown
 * past SETS_CACHED_MAX (a tenant of very many distinct sets): then rendered at the
 * end of the text and dropped again after use (*drop). */
static Piece set_piece(Pieces *pc, uint32_t id, int *drop)
{
    *drop = 0;
    if (pc->set[id].off != PIECE_NONE) return pc->set[id];
    const Policy *p = pc->st->p;
    Piece pz = { pc->text.len, 0 };
    const bitword *bits = planset_bits(&pc->st->sets, id);
    int first = 1;
    text_put(&pc->text, LIT("["));
    BITSET_FOREACH(q, bits, p->nplans) {
        if (!first) text_put(&pc->text, LIT(", "));
        first = 0;
        text_string(&pc->text, p->plans[q].name);
    }
    text_put(&pc->text, LIT("], \"via\": ["));
    pz.len = pc->text.len - pz.off;
    if (pz.off < SETS_CACHED_MAX) pc->set[id] = pz;
    else *drop = 1;
    return pz;
}

static inline void append_piece(JsonWriter *w, const Pieces *pc, Piece pz)
{
    jw_raw_append(w, pc->text.buf + pz.off, pz.len);
}

/* U of user u, in pc->user (kept while the user stays the same). */
static void user_piece(Pieces *pc, uint32_t u)
{
    if (pc->user_of == u) return;
    pc->user_of = u;
    pc->user.len = 0;
    text_put(&pc->user, LIT(USER_KEY));
    text_string(&pc->user, pc->st->t->users[u].id);
    text_put(&pc->user, LIT(PRODUCT_KEY));
}

/* ---- gathering holdings in user order --------------------------------------------
 *
 * Holdings and their group sources live in pools in the order processing made them,
 * so a user's list is a chain of random accesses, each a cache (and TLB) miss at a
 * million users: followed one after the other they cost more than writing the whole
 * report. A block of users is gathered instead, one link of every chain a round, the
 * next link of each prefetched a round ahead, so that the misses overlap. Memory is a
 * block's worth, whatever the tenant's size.
 */

#define GATHER_USERS 1024

typedef struct {
    uint32_t user;          /* index in the block */
    uint32_t product, plans;
    uint32_t via_next;      /* the source chain's next link to read (gathering) */
    uint32_t via_start, nvia;   /* its groups: Gather.groups[via_start..+nvia) */
    uint8_t direct;
} GHold;

typedef struct {
    uint32_t hold, group;
} GVia;

typedef struct {
    GHold *holds;
    uint32_t nholds, holds_cap;
    uint64_t *order;        /* product << 32 | hold: holds by user, then product (holds_cap) */
    GVia *vias;             /* (hold, group) in gathering order */
    uint32_t *groups;       /* the groups of each hold, in chain order (vias_cap) */
    uint32_t nvias, vias_cap;
    uint32_t *act;          /* the chains still being followed (max(holds_cap, GATHER_USERS)) */
    PairMarks failed_pairs; /* lean states: a user's failed pairs */
    uint32_t cur[GATHER_USERS];
    uint32_t ustart[GATHER_USERS + 1];  /* order[ustart[i]..ustart[i+1]): user i's holds */
} Gather;

static void *grow(void *p, uint32_t n, size_t size)
{
    void *q = realloc(p, (size_t)n * size);
    if (!q) fatal_oom();
    return q;
}

/* A capacity of at least need, doubling from cap (or from a first size). */
static uint32_t grown_cap(uint32_t cap, uint32_t need)
{
    if (!cap) cap = 4 * GATHER_USERS;
    while (cap < need) cap *= 2;
    return cap;
}

static void gather_reserve_holds(Gather *g, uint32_t need)
{
    if (need <= g->holds_cap) return;
    uint32_t cap = grown_cap(g->holds_cap, need);
    g->holds = grow(g->holds, cap, sizeof *g->holds);
    g->order = grow(g->order, cap, sizeof *g->order);
    g->act = grow(g->act, cap, sizeof *g->act);
    g->holds_cap = cap;
}

static void gather_reserve_vias(Gather *g, uint32_t need)
{
    if (need <= g->vias_cap) return;
    uint32_t cap = grown_cap(g->vias_cap, need);
    g->vias = grow(g->vias, cap, sizeof *g->vias);
    g->groups = grow(g->groups, cap, sizeof *g->groups);
    g->vias_cap = cap;
}

/* Holdings grouped by user (counting sort), then by product (insertion sort: a user
 * holds few; one holding a product, so the order is total). */
static void order_holds(Gather *g, uint32_t n)
{
    uint32_t at = 0;
    for (uint32_t i = 0; i < n; i++) {
        uint32_t c = g->ustart[i];
        g->ustart[i] = at;
        at += c;
    }
    g->ustart[n] = at;
    for (uint32_t j = 0; j < g->nholds; j++)
        g->order[g->ustart[g->holds[j].user]++] = (uint64_t)g->holds[j].product << 32 | j;
    for (uint32_t i = n; i > 0; i--) g->ustart[i] = g->ustart[i - 1];
    g->ustart[0] = 0;
    for (uint32_t i = 0; i < n; i++) {
        uint64_t *o = g->order + g->ustart[i];
        uint32_t m = g->ustart[i + 1] - g->ustart[i];
        for (uint32_t x = 1; x < m; x++) {
            uint64_t y = o[x];
            uint32_t k = x;
            while (k > 0 && o[k - 1] > y) {
                o[k] = o[k - 1];
                k--;
            }
            o[k] = y;
        }
    }
}

/* Sources from the source chains, one link of each holding's chain a round. */
static void gather_chains(Gather *g, const EvalState *st)
{
    const ViaNode *via = st->via;
    uint32_t nact = 0;
    for (uint32_t j = 0; j < g->nholds; j++)
        if (g->holds[j].via_next != EVAL_NONE) g->act[nact++] = j;
    while (nact) {
        gather_reserve_vias(g, g->nvias + nact);
        uint32_t k = 0;
        for (uint32_t a = 0; a < nact; a++) {
            uint32_t j = g->act[a];
            GHold *gh = &g->holds[j];
            const ViaNode *v = &via[gh->via_next];
            g->vias[g->nvias].hold = j;
            g->vias[g->nvias].group = v->group;
            g->nvias++;
            gh->nvia++;
            gh->via_next = v->next;
            if (v->next != EVAL_NONE) {
                g->act[k++] = j;
                __builtin_prefetch(&via[v->next]);
            }
        }
        nact = k;
    }
}

/* Sources of a lean state (eval.h): each group of a user's, in processing order, whose
 * pair passed, for each product it assigns. */
static void gather_lean(Gather *g, const EvalState *st, uint32_t u0, uint32_t n)
{
    for (uint32_t i = 0; i < n; i++) {
        uint32_t first = g->ustart[i], last = g->ustart[i + 1], count;
        if (first == last) continue;
        const uint32_t *groups = eval_user_groups(st, u0 + i, &count);
        uint32_t failed = eval_mark_failed_pairs(st, u0 + i, &g->failed_pairs);
        for (uint32_t k = 0; k < count; k++) {
            uint32_t grp = groups[k];
            if (eval_pair_failed(&g->failed_pairs, failed, grp)) continue;
            const GroupView *gv = &st->groups[grp];
            gather_reserve_vias(g, g->nvias + gv->nassigns);
            for (uint32_t a = 0; a < gv->nassigns; a++) {
                /* the user's holding of the product: order[first..last) is by product */
                uint64_t key = (uint64_t)gv->assigns[a].product << 32;
                uint32_t lo = first, hi = last;
                while (lo < hi) {
                    uint32_t mid = lo + (hi - lo) / 2;
                    if ((g->order[mid] & ~(uint64_t)UINT32_MAX) < key) lo = mid + 1;
                    else hi = mid;
                }
                uint32_t x = lo;
                if (x == last || (g->order[x] & ~(uint64_t)UINT32_MAX) != key) continue;   /* cannot be (S10) */
                uint32_t j = (uint32_t)g->order[x];
                g->vias[g->nvias].hold = j;
                g->vias[g->nvias].group = grp;
                g->nvias++;
                g->holds[j].nvia++;
            }
        }
    }
}

/* Users u0 .. u0 + n - 1 (n <= GATHER_USERS): their holdings in order[ustart[i] ..
 * ustart[i + 1]), by product declaration order, each with its sources. */
static void gather(Gather *g, const EvalState *st, uint32_t u0, uint32_t n)
{
    const ViaNode *via = st->via;
    uint32_t nact = 0;
    g->nholds = 0;
    g->nvias = 0;
    gather_reserve_holds(g, GATHER_USERS);
    for (uint32_t i = 0; i < n; i++) {
        uint32_t h = st->user_state[u0 + i].first;
        g->ustart[i] = 0;
        if (h == EVAL_NONE) continue;
        g->cur[i] = h;
        g->act[nact++] = i;
        __builtin_prefetch(st->t->users[u0 + i].id);    /* for the user piece */
        __builtin_prefetch(eval_holding(st, h));   /* a chunk of holdings is one cache line */
    }
    /* Holdings, one link of each user's chain a round. */
    while (nact) {
        gather_reserve_holds(g, g->nholds + nact);
        uint32_t k = 0;
        for (uint32_t a = 0; a < nact; a++) {
            uint32_t i = g->act[a];
            const Holding *h = eval_holding(st, g->cur[i]);
            GHold *gh = &g->holds[g->nholds++];
            gh->user = i;
            gh->product = h->product;
            gh->plans = h->plans;
            gh->via_next = h->via_first;
            gh->nvia = 0;
            gh->direct = h->direct;
            g->ustart[i]++;
            if (h->via_first != EVAL_NONE) __builtin_prefetch(&via[h->via_first]);
            if (h->next != EVAL_NONE) {
                g->cur[i] = h->next;
                g->act[k++] = i;
                const Holding *next = eval_holding(st, h->next);
                __builtin_prefetch(next);
                __builtin_prefetch((const char *)next + sizeof *next - 1);
            }
        }
        nact = k;
    }
    order_holds(g, n);
    if (st->lean) gather_lean(g, st, u0, n);
    else gather_chains(g, st);
    /* Sources grouped by holding, keeping their order (chain rounds, and a user's
     * groups, come in processing order). */
    uint32_t at = 0;
    for (uint32_t j = 0; j < g->nholds; j++) {
        g->holds[j].via_start = at;
        at += g->holds[j].nvia;
        g->holds[j].nvia = 0;
    }
    for (uint32_t x = 0; x < g->nvias; x++) {
        GHold *gh = &g->holds[g->vias[x].hold];
        g->groups[gh->via_start + gh->nvia++] = g->vias[x].group;
    }
}

static void gather_free(Gather *g)
{
    free(g->holds);
    free(g->order);
    free(g->act);
    free(g->vias);
    free(g->groups);
    free(g->failed_pairs.mark);
}

static void write_assignments(JsonWriter *w, const EvalState *st, Pieces *pc)
{
    Gather *g = calloc(1, sizeof *g);
    if (!g) fatal_oom();
    jw_key(w, "assignments");
    jw_array_begin(w);
    for (uint32_t u0 = 0; u0 < st->t->nusers; u0 += GATHER_USERS) {
        uint32_t n = st->t->nusers - u0 < GATHER_USERS ? st->t->nusers - u0 : GATHER_USERS;
        gather(g, st, u0, n);
        for (uint32_t i = 0; i < n; i++) {
            if (g->ustart[i] == g->ustart[i + 1]) continue;
            user_piece(pc, u0 + i);
            for (uint32_t x = g->ustart[i]; x < g->ustart[i + 1]; x++) {
                const GHold *gh = &g->holds[(uint32_t)g->order[x]];
                int drop;
                Piece set = set_piece(pc, gh->plans, &drop);
                jw_raw_begin(w);
                jw_raw_append(w, pc->user.buf, pc->user.len);
                append_piece(w, pc, pc->product[gh->product]);
                append_piece(w, pc, set);
                if (drop) pc->text.len = set.off;
                size_t skip = 2;                /* the first element has no ", " */
                if (gh->direct) {
                    jw_raw_append(w, LIT("\"direct\""));
                    skip = 0;
                }
                for (uint32_t v = 0; v < gh->nvia; v++) {
                    Piece gz = pc->group[g->groups[gh->via_start + v]];
                    jw_raw_append(w, pc->text.buf + gz.off + skip, gz.len - skip);
                    skip = 0;
                }
                jw_raw_append(w, LIT("]}"));
            }
        }
    }
    jw_array_end(w);
    gather_free(g);
    free(g);
}

/* Violation texts kept escaped: a detail or hint is a pooled text (textpool.h: one
 * pointer for one text, often the same for thousands of violations), so each is
 * escaped once and copied after. A slot a place (direct-mapped); the kept bytes start
 * over past VTEXT_KEPT_MAX. */
#define VTEXT_SLOTS 1024
#define VTEXT_KEPT_MAX ((size_t)4 << 20)

typedef struct {
    Text text;
    struct { const char *of; Piece pz; } slot[VTEXT_SLOTS];
} VTextCache;

/* s (a pooled text, or NULL) as a JSON string, or null. */
static void append_vtext(JsonWriter *w, VTextCache *vc, const char *s)
{
    if (!s) { jw_raw_append(w, LIT("null")); return; }
    size_t k = ((uintptr_t)s >> 4) % VTEXT_SLOTS;
    if (vc->slot[k].of != s) {
        if (vc->text.len > VTEXT_KEPT_MAX) {
            for (size_t i = 0; i < VTEXT_SLOTS; i++) vc->slot[i].of = NULL;
            vc->text.len = 0;
        }
        vc->slot[k].of = s;
        vc->slot[k].pz.off = vc->text.len;
        text_string(&vc->text, s);
        vc->slot[k].pz.len = vc->text.len - vc->slot[k].pz.off;
    }
    jw_raw_append(w, vc->text.buf + vc->slot[k].pz.off, vc->slot[k].pz.len);
}

/* One violation a line:
 *     {"user": "id", "group": "name"|null, "product": "name", "error": "code",
 *      "detail": "...", "hint": "..."}
 * with the group and product names from the pieces. */
static void write_violations(JsonWriter *w, const EvalState *st, Pieces *pc)
{
    jw_key(w, "violations");
    jw_array_begin(w);
    VTextCache *vc = calloc(1, sizeof *vc);
    if (!vc) fatal_oom();
    for (uint32_t i = 0; i < st->nviolations; i++) {
        const Violation *v = &st->violations[i];
        /* The users' ids are scattered over the heap: fetch a few violations ahead (the
         * texts come from append_vtext's copies, read only when first escaped). */
        if (i + 16 < st->nviolations) __builtin_prefetch(&st->t->users[st->violations[i + 16].user]);
        if (i + 8 < st->nviolations) __builtin_prefetch(st->t->users[st->violations[i + 8].user].id);
        user_piece(pc, v->user);        /* {"user": "id", "product": */
        jw_raw_begin(w);
        jw_raw_append(w, pc->user.buf, pc->user.len - (sizeof PRODUCT_KEY - 1));
        jw_raw_append(w, LIT(", \"group\": "));
        if (v->group < 0) {
            jw_raw_append(w, LIT("null"));
        } else {
            Piece gz = pc->group[v->group];
            jw_raw_append(w, pc->text.buf + gz.off + 2, gz.len - 2);
        }
        jw_raw_append(w, LIT(", \"product\": "));
        Piece pz = pc->product[v->product];     /* "name", "plans": */
        jw_raw_append(w, pc->text.buf + pz.off, pz.len - (sizeof PLANS_KEY - 1));
        jw_raw_append(w, LIT(", \"error\": "));
        const char *code = violation_code_name(v->code);
        jw_raw_string(w, code, strlen(code));
        jw_raw_append(w, LIT(", \"detail\": "));
        append_vtext(w, vc, v->detail);
        jw_raw_append(w, LIT(", \"hint\": "));
        append_vtext(w, vc, v->hint);
        jw_raw_append(w, LIT("}"));
    }
    free(vc->text.buf);
    free(vc);
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
    Pieces pc;
    pieces_init(&pc, st);
    write_products(&w, st);
    if (!opt->no_assignments) write_assignments(&w, st, &pc);
    write_violations(&w, st, &pc);
    write_groups(&w, st);
    pieces_free(&pc);
    jw_object_end(&w);
    return jw_finish(&w);
}
