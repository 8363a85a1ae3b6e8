/* planset.h — interned plan sets: each distinct set of plans stored once, named by a
 * small integer.
 *
 * A tenant of a million users holds millions of products, but the plans of a holding
 * are nearly always one of a few dozen sets (what an assignment or a direct licence
 * enables, or the union of two). Storing a holding's plans as a set id instead of its
 * own bitset (96 bytes with the Microsoft catalog's 723 plans) keeps the evaluator's
 * state small enough to stay in cache, and lets report writers render each set once.
 *
 * Sets are immutable once interned; id 0 is the empty set. planset_bits returns a
 * pointer into the store that stays valid only until the next intern (the store may
 * move): copy what you need before interning more.
 *
 * Ownership: the store owns its sets; planset_free. planset_copy makes an independent
 * store with the same ids.
 */
#ifndef SKULD_PLANSET_H
#define SKULD_PLANSET_H

#include <stddef.h>
#include <stdint.h>
#include "bitset.h"

#define PLANSET_EMPTY 0u
#define PLANSET_MAX 0x7fffffffu    /* ids fit in 31 bits (a holding keeps one beside a flag) */
#define PLANSET_MEMO 1024   /* entries of the (set, added set) -> union cache: 2^10, as
                               planset_union takes 10 bits of a hash */

typedef struct {
    uint32_t set;           /* left operand id + 1 (0: empty entry) */
    uint32_t added;         /* right operand, by the caller's key for it */
    uint32_t result;
} PlanSetMemo;

typedef struct {
    size_t words;           /* bitword words a set */
    bitword *bits;          /* count sets of `words` words */
    uint32_t count, cap;
    uint32_t *slots;        /* id + 1 by hash, open addressing; 0 = empty */
    size_t mask;
    PlanSetMemo memo[PLANSET_MEMO];
} PlanSets;

void planset_init(PlanSets *ps, size_t words);
void planset_free(PlanSets *ps);
/* An independent store with the same sets under the same ids. */
void planset_copy(PlanSets *dst, const PlanSets *src);

/* The id of the set `bits` (interned if new). */
uint32_t planset_intern(PlanSets *ps, const bitword *bits);
/* The id of set `id` united with `added`. `key` names `added` for the life of the
 * store (and of its copies): the same key always comes with the same bits, so a
 * remembered (id, key) result is returned without reading a word of either set. */
uint32_t planset_union(PlanSets *ps, uint32_t id, uint32_t key, const bitword *added);

static inline const bitword *planset_bits(const PlanSets *ps, uint32_t id)
{
    return ps->bits + (size_t)id * ps->words;
}

#endif
