/* policy.h — the compiled policy: what the evaluator runs on.
 *
 * Plans, products and groups are dense indices in declaration order. Sets of plans are
 * bitsets of plan_words words; sets of countries are bitsets of COUNTRY_WORDS words.
 * Everything a check needs per group assignment is precomputed here (enabled plans,
 * the plans they conflict with, whether they provision a mailbox, where they may be
 * used), so evaluating a (user, group) pair touches no string and no hash table.
 *
 * Built once by the checker (checker.h) and immutable afterwards, except for seats,
 * which tenant data may fill in where the rules set none (CLI.md skus.csv).
 *
 * Ownership: the Policy owns all it holds, except `scenarios`, which point into the
 * RuleSet's syntax tree: free the policy before the rule set. policy_free frees it.
 */
#ifndef SKULD_POLICY_H
#define SKULD_POLICY_H

#include <stdint.h>
#include "ast.h"
#include "bitset.h"
#include "country.h"
#include "symtab.h"

#define COUNTRY_WORDS ((COUNTRY_SLOTS + 63) / 64)
#define SEATS_UNLIMITED (-1)

typedef enum { LOCATION_ANY, LOCATION_ALLOW, LOCATION_DENY } LocationRuleKind;

typedef struct {
    char *name, *display, *guid;    /* display falls back to name; guid may be NULL */
    int mailbox;
    SkLoc loc;
    LocationRuleKind location_rule;
    bitword countries[COUNTRY_WORDS];   /* the allow or deny list */
    SkLoc location_loc;
    uint32_t first_requirement, nrequirements;  /* into Policy.requirements */
    bitword *conflicts;             /* plans this one excludes (pairwise sets), or NULL; may hold
                                       the plan's own bit: test other plans only */
    uint8_t conflicts_shared;       /* conflicts is a conflict set's own bitset (not freed here) */
} PolicyPlan;

typedef struct {
    uint32_t plan;                  /* the plan that needs ... */
    bitword *any_of;                /* ... at least one of these enabled */
    uint32_t *alternatives;         /* the same plans, in the order the rule lists them */
    uint32_t nalternatives;
    SkLoc loc;
} PolicyRequirement;

typedef struct {
    char *name, *display, *guid;
    SkLoc loc;
    int64_t seats;                  /* SEATS_UNLIMITED when no seats are known */
    int seats_from_rules;           /* the rules set seats (they override tenant data) */
    SkLoc seats_loc;
    uint32_t *plans;                /* its plans, in its `plans` list order */
    uint32_t nplans;
    bitword *plan_set;
} PolicyProduct;

typedef struct {
    uint32_t product;
    AssignMode mode;
    bitword *enabled;               /* S2: the plans this assignment enables */
    bitword *conflict_mask;         /* plans that conflict with an enabled plan, or NULL */
    int has_mailbox;                /* an enabled plan provisions a mailbox */
    int location_limited;           /* an enabled plan has a location rule */
    bitword allowed[COUNTRY_WORDS]; /* countries where every enabled plan may be used */
    SkLoc loc;
} PolicyAssign;

typedef struct {
    char *name;
    int64_t priority;
    uint32_t decl;                  /* declaration rank */
    PolicyAssign *assigns;
    uint32_t nassigns;
    SkLoc loc;
} PolicyGroup;

typedef struct {
    PolicyPlan *plans;
    uint32_t nplans;
    PolicyProduct *products;
    uint32_t nproducts;
    PolicyGroup *groups;
    uint32_t ngroups;
    uint32_t *order;                /* S4: group indices by (priority, declaration) */
    PolicyRequirement *requirements;
    uint32_t nrequirements;
    size_t plan_words;
    bitword *mailbox_plans;
    int directory_country;          /* country index, or -1 */
    bitword **conflict_sets;        /* one bitset a `conflict` statement (shared by its plans) */
    uint32_t nconflict_sets;
    const Stmt **scenarios;         /* borrowed from the syntax tree */
    uint32_t nscenarios;
    NameIndex plan_names, plan_guids, product_names, product_guids, group_names;
} Policy;

void policy_free(Policy *p);

/* Lookups by name, then by id GUID (case-insensitive); -1 when unknown. */
int policy_find_plan(const Policy *p, const char *name);
int policy_find_product(const Policy *p, const char *name);
int policy_find_group(const Policy *p, const char *name);

/* A zeroed plan bitset of the policy's width; NULL on no memory. */
bitword *policy_plan_set(const Policy *p);

/* Fills in the derived fields of an assignment from its product and enabled plans:
 * conflict_mask, has_mailbox, location_limited, allowed. 0 on no memory. */
int policy_derive_assign(const Policy *p, PolicyAssign *a);

/* Sorts groups into processing order (S4). 0 on no memory. */
int policy_order_groups(Policy *p);

/* dst |= the plans q excludes (never q itself). */
void policy_or_conflicts(const Policy *p, uint32_t q, bitword *dst);

/* Whether plan q conflicts with a plan of `set` other than itself. With `other` not
 * NULL, the first such plan. */
int policy_conflicts_within(const Policy *p, uint32_t q, const bitword *set, size_t *other);

/* Whether plan `plan` may be used in country `country` (-1: none). */
int policy_plan_allowed_in(const Policy *p, uint32_t plan, int country);

/* Writes "A, B or C" of the plans in set into sb-like buffer: display names when
 * use_display, else ids. Returns a malloc'd string. */
char *policy_plan_names(const Policy *p, const bitword *set, int use_display, const char *last_sep);

#endif
