/* planset.c — interned plan sets (see planset.h). */
#include "planset.h"
#include "util.h"

#include <stdlib.h>
#include <string.h>

static uint64_t hash_bits(const bitword *b, size_t words)
{
    uint64_t h = 0x9e3779b97f4a7c15ULL;
    for (size_t i = 0; i < words; i++) {
        h ^= b[i];
        h *= 0xff51afd7ed558ccdULL;
        h ^= h >> 29;
    }
    return h;
}

static void rebuild_slots(PlanSets *ps, size_t nslots)
{
    free(ps->slots);
    ps->slots = calloc(nslots, sizeof *ps->slots);
    if (!ps->slots) fatal_oom();
    ps->mask = nslots - 1;
    for (uint32_t id = 0; id < ps->count; id++) {
        size_t i = (size_t)hash_bits(planset_bits(ps, id), ps->words) & ps->mask;
        while (ps->slots[i]) i = (i + 1) & ps->mask;
        ps->slots[i] = id + 1;
    }
}

void planset_init(PlanSets *ps, size_t words)
{
    memset(ps, 0, sizeof *ps);
    ps->words = words ? words : 1;
    ps->cap = 64;
    ps->bits = calloc((size_t)ps->cap * ps->words, sizeof *ps->bits);
    if (!ps->bits) fatal_oom();
    ps->count = 1;              /* id 0: the empty set */
    rebuild_slots(ps, 256);
}

void planset_free(PlanSets *ps)
{
    free(ps->bits);
    free(ps->slots);
    memset(ps, 0, sizeof *ps);
}

void planset_copy(PlanSets *dst, const PlanSets *src)
{
    *dst = *src;
    size_t n = (size_t)src->cap * src->words;
    dst->bits = malloc(n * sizeof *dst->bits);
    dst->slots = malloc((src->mask + 1) * sizeof *dst->slots);
    if (!dst->bits || !dst->slots) fatal_oom();
    memcpy(dst->bits, src->bits, n * sizeof *dst->bits);
    memcpy(dst->slots, src->slots, (src->mask + 1) * sizeof *dst->slots);
}

uint32_t planset_intern(PlanSets *ps, const bitword *bits)
{
    uint64_t h = hash_bits(bits, ps->words);
    size_t i = (size_t)h & ps->mask;
    for (uint32_t s; (s = ps->slots[i]); i = (i + 1) & ps->mask)
        if (bitset_equal(planset_bits(ps, s - 1), bits, ps->words)) return s - 1;
    if (ps->count >= PLANSET_MAX) fatal_oom();
    if (ps->count == ps->cap) {
        uint32_t cap = ps->cap * 2;
        bitword *grown = realloc(ps->bits, (size_t)cap * ps->words * sizeof *grown);
        if (!grown) fatal_oom();
        ps->bits = grown;
        ps->cap = cap;
    }
    uint32_t id = ps->count++;
    memcpy(ps->bits + (size_t)id * ps->words, bits, ps->words * sizeof *bits);
    ps->slots[i] = id + 1;
    if ((size_t)ps->count * 2 > ps->mask + 1) rebuild_slots(ps, (ps->mask + 1) * 2);
    return id;
}

uint32_t planset_union(PlanSets *ps, uint32_t id, uint32_t key, const bitword *added)
{
    uint32_t mix = key * 0x9e3779b1u + id * 0x85ebca6bu;
    size_t m = mix >> 22;                         /* 10 bits: PLANSET_MEMO entries */
    PlanSetMemo *e = &ps->memo[m];
    if (e->set == id + 1 && e->added == key) return e->result;
    bitword scratch[64];
    bitword *u = ps->words <= 64 ? scratch : malloc(ps->words * sizeof *u);
    if (!u) fatal_oom();
    memcpy(u, planset_bits(ps, id), ps->words * sizeof *u);
    bitset_or(u, added, ps->words);
    uint32_t r = planset_intern(ps, u);
    if (u != scratch) free(u);
    e->set = id + 1;
    e->added = key;
    e->result = r;
    return r;
}
