/* eval.h — the licensing state of a tenant and the processing that changes it:
 * one full pass (SEMANTICS.md S1–S11) and the reprocessing and removals that what-if
 * transitions are made of (W3, W4/S8).
 *
 * The state holds, for every user, the products held (one holding per product, S6)
 * with every source (a direct licence, groups in processing order) and what each
 * source enables; the holding's plans are their union. Seats consumed per product,
 * and the violations, keyed by (user, group or direct, product). Holdings and sources
 * live in pools indexed by integers; nothing in processing hashes a string. A lean
 * state (eval's JSON report) keeps no group sources: they follow from the memberships
 * and the violations (see `lean`).
 *
 * What a scenario may change is held here as a mutable view over the policy and the
 * tenant: each group's assignments and members, each user's usage location, seats.
 *
 * Ownership: the state borrows the policy and tenant (they must outlive it) and owns
 * its pools, views, violations and their texts; eval_free.
 */
#ifndef SKULD_EVAL_H
#define SKULD_EVAL_H

#include <stdint.h>
#include "planset.h"
#include "policy.h"
#include "tenant.h"
#include "textpool.h"

#define EVAL_NONE UINT32_MAX
#define EVAL_DIRECT (-1)
#define EVAL_HOLD_CHUNK 4       /* holding slots given to a user at a time */
#define EVAL_SEG_BITS 18        /* holding slots come in segments of 2^18 (4 MiB) */
#define EVAL_SEG_SLOTS (1u << EVAL_SEG_BITS)

typedef enum {
    V_COUNT, V_MUTUALLY_EXCLUSIVE, V_DEPENDENCY, V_LOCATION, V_UNIQUENESS, V_OTHER
} ViolationCode;

typedef enum {
    VK_GROUP,           /* S5: a (user, group) pair failed */
    VK_DIRECT,          /* S3: a direct licence's finding, recomputed after a scenario (W5) */
    VK_REFUSED,         /* W2: a `license` change the service refused: a record */
    VK_KEPT,            /* S8/W4: a removal that failed; the product stays, in error */
    VK_IMPORTED         /* the tenant's current state said so (--baseline current) */
} ViolationKind;

typedef struct {
    uint32_t user;
    int32_t group;              /* policy group, or EVAL_DIRECT */
    uint32_t product;
    ViolationCode code;
    uint8_t kind;               /* ViolationKind */
    uint8_t dead;               /* cleared; skipped by everything, compacted by eval_sort */
    uint32_t next_of_user;      /* the user's next violation, or EVAL_NONE */
    const char *detail;         /* texts of the state's pool (EvalState.texts) */
    const char *hint;           /* how to resolve it */
} Violation;

typedef struct {
    uint32_t product;
    uint32_t next;              /* the user's next holding, or EVAL_NONE */
    uint32_t plans : 31;        /* the union of its sources' plans: a set of EvalState.sets */
    uint32_t direct : 1;        /* a direct licence gives it; what that enables is kept
                                   aside (eval_direct_index): direct licences are few, and
                                   16 bytes make a chunk of EVAL_HOLD_CHUNK one cache line */
    uint32_t via_first;         /* group sources, in processing order (ViaNode list) */
} Holding;

typedef struct {
    uint32_t group;
    uint32_t next;
    uint32_t enabled : 31;      /* what this group's assignment enables: an EvalState.enabled_sets
                                   index (eval_via_enabled); 12 bytes a source, not 24 */
    uint32_t kept : 1;          /* S8: kept in error after a failed removal */
} ViaNode;

/* A user's failed pairs (a live group violation, S5) marked per group, with a new
 * stamp each user so that nothing is ever cleared: eval_mark_failed_pairs. */
typedef struct {
    uint32_t *mark;             /* per policy group: the stamp of the last user it failed for */
    uint32_t stamp;
} PairMarks;

typedef struct {                /* 8 bytes: one fetch a member brings all four */
    uint32_t first;             /* first holding, or EVAL_NONE */
    int16_t country;            /* own usage location, -1 none */
    uint8_t mailbox;            /* holds an enabled mailbox plan */
    uint8_t shares_address;     /* lists a proxy address another user lists too: only then
                                   is the user's tenant row (its addresses) read in the pass */
} UserState;

typedef struct {
    const PolicyAssign *assigns;    /* the group's assignments now */
    uint32_t nassigns;
    uint32_t *members;              /* direct user members, membership order */
    uint32_t nmembers, members_cap;
    uint8_t owns_members;           /* members is this state's copy */
} GroupView;

typedef struct EvalStateTag {
    const Policy *p;
    const Tenant *t;
    GroupView *groups;          /* per policy group */
    UserState *user_state;      /* per user: what the pass reads for every membership */
    int64_t *seats;             /* per product; SEATS_UNLIMITED */
    Holding **holding_segs;     /* slots (eval_holding), in segments of EVAL_SEG_SLOTS: memory
                                   a loader freed is reused for them, where one array that
                                   size would take fresh pages (docs/PERFORMANCE.md); in
                                   chunks of EVAL_HOLD_CHUNK per user; a slot not
                                   held has product EVAL_NONE */
    uint32_t nholdings, holdings_cap;   /* slots used, allocated */
    uint32_t nlive;             /* holdings held: the assignments */
    PlanSets sets;              /* every distinct plan set a holding has had */
    ViaNode *via;
    const bitword **enabled_sets;   /* every `enabled` a source was given (they outlive the state) */
    uint32_t nenabled_sets, enabled_sets_cap;
    uint32_t *enabled_slots;    /* index + 1 by pointer hash; 0 = empty */
    uint32_t last_enabled;      /* the index eval_enabled_index gave last */
    uint8_t full_pass;          /* eval_run is adding sources in processing order */
    uint8_t lean;               /* set before eval_run: the pass keeps no source lists (via).
                                   They follow from the input (S10): group G is a source of
                                   each product it assigns to a direct member whose pair
                                   (user, G) passed, i.e. left no group violation.
                                   eval_source_groups finds them; eval_keep_sources makes the
                                   lists, for what reads them directly (what-if changes,
                                   state files, text and Graph reports: call it before
                                   anything but eval_finish's one run and the JSON report).
                                   Saves the pass 12 bytes a source (docs/PERFORMANCE.md). */
    uint32_t pass_rank;         /* lean: the groups ranked below it have been processed */
    uint32_t *user_groups_start;    /* lean: per user, [start[u], start[u + 1]) of user_groups */
    uint32_t *user_groups;      /* lean: the licensed groups each user is a direct member
                                   of, in processing order (made on first need) */
    PairMarks failed_pairs;     /* lean: the failed pairs of the user asked about last */
    size_t enabled_mask;
    uint32_t nvia, via_cap;
    uint32_t *proxy_holders;    /* per proxy address: users holding a mailbox plan */
    uint32_t *proxy_users_start, *proxy_users;  /* address -> users, built on first need */
    int64_t *consumed;          /* per product */
    uint32_t *group_rank;       /* per group: position in processing order */
    Violation *violations;
    uint32_t nviolations, violations_cap;
    uint32_t *user_violations;  /* per user: first violation, or EVAL_NONE */
    void (*on_change)(struct EvalStateTag *st, uint32_t user, void *ctx);
                                /* if set, called by each transition (transition.h) before
                                   it may change what the user holds: what-if's diff
                                   snapshots only the users a scenario touches. After the
                                   baseline only transitions change holdings. Copies of the
                                   state do not inherit it */
    void *on_change_ctx;
    uint32_t trace_user;        /* explain: the user whose pairs are traced (UINT32_MAX: none) */
    void (*trace)(struct EvalStateTag *st, uint32_t group, void *ctx);   /* called before each of its pairs */
    void *trace_ctx;
    uint32_t *direct_users;     /* users who have held a direct licence (repeats possible) */
    uint32_t ndirect_users;
    size_t direct_users_cap;
    uint64_t *direct_slots;     /* holding + 1 << 32 | enabled_sets index, by holding hash;
                                   0 = empty (eval_direct_index) */
    size_t direct_mask;
    uint32_t ndirect_slots;     /* entries in direct_slots */
    TextPool texts;             /* every violation text the state has shown: a text stays
                                   until eval_free, so snapshots may point at it */
    void **owned;               /* assignment arrays and bitsets made by scenario edits */
    uint32_t nowned;
    size_t owned_cap;
} EvalState;

/* Holding slot h. */
static inline Holding *eval_holding(const EvalState *st, uint32_t h)
{
    return &st->holding_segs[h >> EVAL_SEG_BITS][h & (EVAL_SEG_SLOTS - 1)];
}

const char *violation_code_name(ViolationCode code);
/* The code named s, or -1. */
int violation_code_parse(const char *s);

EvalState *eval_new(const Policy *p, const Tenant *t);
void eval_free(EvalState *st);
/* A copy of the state for trying something out; violation texts are not copied. */
EvalState *eval_clone(const EvalState *st);

/* The full pass: direct licences (S3), groups in order (S4, S5), direct-licence
 * findings (S3), then hints and report order. Runs once, on a state fresh from
 * eval_new. */
void eval_run(EvalState *st);

/* Lean states (EvalState.lean): makes the per-user index of groups that
 * eval_user_groups reads (reports that list sources call it first). */
void eval_index_sources(EvalState *st);
/* Lean states: makes the source lists (via) from the memberships and the violations;
 * the state is then an ordinary one. Nothing for other states. */
void eval_keep_sources(EvalState *st);
/* Lean states, after eval_index_sources: the licensed groups the user is a direct
 * member of, in processing order (*n of them). */
static inline const uint32_t *eval_user_groups(const EvalState *st, uint32_t user, uint32_t *n)
{
    *n = st->user_groups_start[user + 1] - st->user_groups_start[user];
    return st->user_groups + st->user_groups_start[user];
}
/* Marks the user's failed pairs in marks (zeroed at first; free(marks->mark) at the
 * end) in one walk of the user's violations, whatever the number of groups; returns
 * the stamp for pair_failed, 0 (nothing marked) when the user has no violation. */
uint32_t eval_mark_failed_pairs(const EvalState *st, uint32_t user, PairMarks *marks);
static inline int eval_pair_failed(const PairMarks *marks, uint32_t stamp, uint32_t g)
{
    return stamp && marks->mark[g] == stamp;
}
/* The groups that are sources of the user's holding h, in processing order, into
 * *groups (grown as needed, *cap its room); returns how many. Any state. */
uint32_t eval_source_groups(EvalState *st, uint32_t user, uint32_t h, uint32_t **groups, uint32_t *cap);

/* Recomputes the direct-licence findings (S3, W5) and the CountViolation hints, then
 * sorts violations into report order. */
void eval_finish(EvalState *st);

/* The user's effective usage location (S1), or -1. */
int eval_user_country(const EvalState *st, uint32_t user);

/* The plans of holding h: valid until the state changes. */
static inline const bitword *eval_holding_plans(const EvalState *st, uint32_t h)
{
    return planset_bits(&st->sets, eval_holding(st, h)->plans);
}

/* What the direct licence of holding h enables, as an enabled_sets index (h's direct
 * set). */
uint32_t eval_direct_index(const EvalState *st, uint32_t h);
/* Marks holding h as given by a direct licence that enables enabled_sets[ix]. */
void eval_set_direct(EvalState *st, uint32_t h, uint32_t ix);

/* What the direct licence of holding h enables (its direct set). */
static inline const bitword *eval_direct_enabled(const EvalState *st, uint32_t h)
{
    return st->enabled_sets[eval_direct_index(st, h)];
}

/* The index of `enabled` in st->enabled_sets (added if new): a pointer that outlives
 * the state, such as an assignment's or a licence's enabled plans. */
uint32_t eval_enabled_index(EvalState *st, const bitword *enabled);

/* What source v enables. */
static inline const bitword *eval_via_enabled(const EvalState *st, uint32_t v)
{
    return st->enabled_sets[st->via[v].enabled];
}

/* The user's holding of product, or EVAL_NONE. */
uint32_t eval_find_holding(const EvalState *st, uint32_t user, uint32_t product);

/* Licence conflict of a product (S9): max(0, consumed - seats). */
int64_t eval_conflict(const EvalState *st, uint32_t product);

/* Whether the user is a direct member of group g now. */
int eval_is_member(const EvalState *st, uint32_t user, uint32_t g);

/* ---- primitives shared with transition.c ----------------------------------- */

/* Appends a violation; the state takes detail and hint (malloc'd, or NULL) into its
 * text pool. */
void eval_add_violation(EvalState *st, uint32_t user, int32_t group, uint32_t product, ViolationCode code,
                        ViolationKind kind, char *detail, char *hint);
/* Marks every live violation of the user through `group` (EVAL_DIRECT: direct) of
 * `product` (EVAL_NONE: any product) and of a kind in `kinds` (bit mask of 1 << kind)
 * as cleared. */
void eval_clear_violations(EvalState *st, uint32_t user, int32_t group, uint32_t product, unsigned kinds);

/* The user's holding of product, created (no sources, one seat consumed) if absent. */
uint32_t eval_hold(EvalState *st, uint32_t user, uint32_t product);
/* Records that the user now holds a direct licence (call whenever one is given). */
void eval_note_direct(EvalState *st, uint32_t user);
/* Adds group g as a source of holding h. */
void eval_add_source(EvalState *st, uint32_t user, uint32_t h, uint32_t g, const bitword *enabled, int kept);
/* Recomputes holding h's plans from its sources; drops it (freeing the seat) when it
 * has none left; keeps the user's mailbox bookkeeping. */
void eval_refresh_holding(EvalState *st, uint32_t user, uint32_t h);

/* S5 checks of one assignment for the user, counting only sources other than group
 * `exclude` (-1: all sources count). Returns the failing code or -1; with detail
 * non-NULL, also the detail and hint (for the group named `where`). */
int eval_check_assign(EvalState *st, uint32_t user, const PolicyAssign *a, int exclude, const char *where,
                      char **detail, char **hint);

/* Each S5 check of one assignment on its own, against all the user's sources:
 * passed[0] location, [1] uniqueness, [2] conflict, [3] seats (1 = passed). */
void eval_check_each(EvalState *st, uint32_t user, const PolicyAssign *a, int passed[4]);

/* The union of plans enabled on the user (by every source), into out. */
void eval_user_plans(const EvalState *st, uint32_t user, bitword *out);

/* "held back" detail and hint of an Other violation. */
void eval_other_text(const EvalState *st, uint32_t failed_product, ViolationCode failed_code, char **detail,
                     char **hint);

#endif
