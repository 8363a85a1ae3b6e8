/* policy.c — the compiled policy's derived data, lookups and teardown (see policy.h). */
#include "policy.h"
#include "util.h"

#include <stdlib.h>
#include <string.h>

void policy_free(Policy *p)
{
    if (!p) return;
    for (uint32_t i = 0; i < p->nplans; i++) {
        free(p->plans[i].name);
        free(p->plans[i].display);
        free(p->plans[i].guid);
        if (!p->plans[i].conflicts_shared) free(p->plans[i].conflicts);
    }
    for (uint32_t i = 0; i < p->nproducts; i++) {
        free(p->products[i].name);
        free(p->products[i].display);
        free(p->products[i].guid);
        free(p->products[i].plans);
        free(p->products[i].plan_set);
    }
    for (uint32_t i = 0; i < p->ngroups; i++) {
        for (uint32_t k = 0; k < p->groups[i].nassigns; k++) {
            free(p->groups[i].assigns[k].enabled);
            free(p->groups[i].assigns[k].conflict_mask);
        }
        free(p->groups[i].assigns);
        free(p->groups[i].name);
    }
    for (uint32_t i = 0; i < p->nrequirements; i++) {
        free(p->requirements[i].any_of);
        free(p->requirements[i].alternatives);
    }
    for (uint32_t i = 0; i < p->nconflict_sets; i++) free(p->conflict_sets[i]);
    free(p->conflict_sets);
    free(p->plans);
    free(p->products);
    free(p->groups);
    free(p->order);
    free(p->requirements);
    free(p->mailbox_plans);
    free(p->scenarios);
    name_index_free(&p->plan_names);
    name_index_free(&p->plan_guids);
    name_index_free(&p->product_names);
    name_index_free(&p->product_guids);
    name_index_free(&p->group_names);
    free(p);
}

/* By name first, then by GUID. */
static int find_in(const NameIndex *names, const NameIndex *guids, const char *name)
{
    size_t len = strlen(name);
    int64_t v = name_index_find(names, name, len);
    if (v < 0 && guids) v = name_index_find(guids, name, len);
    return (int)v;
}

int policy_find_plan(const Policy *p, const char *name)
{
    return find_in(&p->plan_names, &p->plan_guids, name);
}

int policy_find_product(const Policy *p, const char *name)
{
    return find_in(&p->product_names, &p->product_guids, name);
}

int policy_find_group(const Policy *p, const char *name)
{
    return find_in(&p->group_names, NULL, name);
}

bitword *policy_plan_set(const Policy *p)
{
    return calloc(p->plan_words ? p->plan_words : 1, sizeof(bitword));
}

int policy_plan_allowed_in(const Policy *p, uint32_t plan, int country)
{
    const PolicyPlan *pl = &p->plans[plan];
    if (pl->location_rule == LOCATION_ANY) return country >= 0;
    if (country < 0) return 0;
    int listed = bitset_test(pl->countries, (size_t)country);
    return pl->location_rule == LOCATION_ALLOW ? listed : !listed;
}

int policy_derive_assign(const Policy *p, PolicyAssign *a)
{
    a->has_mailbox = bitset_intersects(a->enabled, p->mailbox_plans, p->plan_words);
    a->location_limited = 0;
    for (size_t w = 0; w < COUNTRY_WORDS; w++) a->allowed[w] = ~(bitword)0;
    free(a->conflict_mask);
    a->conflict_mask = NULL;
    BITSET_FOREACH(i, a->enabled, p->nplans) {
        const PolicyPlan *pl = &p->plans[i];
        if (pl->conflicts) {
            if (!a->conflict_mask && !(a->conflict_mask = policy_plan_set(p))) return 0;
            policy_or_conflicts(p, (uint32_t)i, a->conflict_mask);
        }
        if (pl->location_rule == LOCATION_ALLOW) {
            a->location_limited = 1;
            bitset_and(a->allowed, pl->countries, COUNTRY_WORDS);
        } else if (pl->location_rule == LOCATION_DENY) {
            a->location_limited = 1;
            bitset_andnot(a->allowed, pl->countries, COUNTRY_WORDS);
        }
    }
    if (a->conflict_mask && !bitset_any(a->conflict_mask, p->plan_words)) {
        free(a->conflict_mask);
        a->conflict_mask = NULL;
    }
    return 1;
}

void policy_or_conflicts(const Policy *p, uint32_t q, bitword *dst)
{
    const bitword *c = p->plans[q].conflicts;
    if (!c) return;
    for (size_t w = 0; w < p->plan_words; w++) {
        bitword x = c[w];
        if (w == q >> 6) x &= ~((bitword)1 << (q & 63));   /* a plan never conflicts with itself */
        dst[w] |= x;
    }
}

int policy_conflicts_within(const Policy *p, uint32_t q, const bitword *set, size_t *other)
{
    const bitword *c = p->plans[q].conflicts;
    if (!c) return 0;
    for (size_t w = 0; w < p->plan_words; w++) {
        bitword x = c[w] & set[w];
        if (w == q >> 6) x &= ~((bitword)1 << (q & 63));
        if (x) {
            if (other) *other = w * 64 + (size_t)__builtin_ctzll(x);
            return 1;
        }
    }
    return 0;
}

static const Policy *sort_policy;   /* qsort has no context argument in C11 */

static int cmp_group_order(const void *x, const void *y)
{
    const PolicyGroup *a = &sort_policy->groups[*(const uint32_t *)x];
    const PolicyGroup *b = &sort_policy->groups[*(const uint32_t *)y];
    if (a->priority != b->priority) return a->priority < b->priority ? -1 : 1;
    return a->decl < b->decl ? -1 : a->decl > b->decl;
}

int policy_order_groups(Policy *p)
{
    free(p->order);
    p->order = malloc((p->ngroups ? p->ngroups : 1) * sizeof *p->order);
    if (!p->order) return 0;
    for (uint32_t i = 0; i < p->ngroups; i++) p->order[i] = i;
    sort_policy = p;
    qsort(p->order, p->ngroups, sizeof *p->order, cmp_group_order);
    sort_policy = NULL;
    return 1;
}

char *policy_plan_names(const Policy *p, const bitword *set, int use_display, const char *last_sep)
{
    StrBuf sb = {0};
    size_t total = bitset_count(set, p->plan_words), k = 0;
    BITSET_FOREACH(i, set, p->nplans) {
        if (k > 0) sb_puts(&sb, k == total - 1 ? last_sep : ", ");
        sb_puts(&sb, use_display ? p->plans[i].display : p->plans[i].name);
        k++;
    }
    return sb_take(&sb);
}
