/* symtab.c — open-addressing name-to-index maps (see symtab.h). */
#include "symtab.h"
#include "util.h"

#include <stdlib.h>
#include <string.h>

void name_index_init(NameIndex *ix, int fold_case)
{
    memset(ix, 0, sizeof *ix);
    ix->fold_case = fold_case;
}

void name_index_free(NameIndex *ix)
{
    free(ix->slots);
    free(ix->order);
    free(ix->keys);
    int fold = ix->fold_case;
    memset(ix, 0, sizeof *ix);
    ix->fold_case = fold;
}

static inline unsigned char fold(unsigned char c, int on)
{
    return on && c >= 'A' && c <= 'Z' ? (unsigned char)(c + 32) : c;
}

/* ASCII upper case to lower case in eight bytes at once: 0x20 added to each byte in
 * 'A'..'Z' (bytes of 0x80 and up are left as they are). */
static inline uint64_t fold8(uint64_t w)
{
    const uint64_t ones = 0x0101010101010101ULL, high = 0x8080808080808080ULL;
    uint64_t ascii = ~w & high;                             /* bytes below 0x80 */
    uint64_t ge_a = (w & ~high) + ones * (0x80 - 'A');      /* high bit: byte >= 'A' */
    uint64_t gt_z = (w & ~high) + ones * (0x80 - 'Z' - 1);  /* high bit: byte > 'Z' */
    uint64_t upper = ge_a & ~gt_z & ascii;
    return w | (upper >> 2);                                 /* 0x80 >> 2 = 0x20 */
}

/* The last r bytes (1 to 7) of key[0..len) as memcpy would put them in a zeroed word,
 * in whole-word reads inside the key (a memcpy of a varying length is a call, and its
 * bytes stored one by one then read as a word stall the load). */
static inline uint64_t tail_word(const char *key, size_t len, size_t r)
{
    if (len >= 8) {   /* the key's last eight bytes, the ones already hashed shifted out */
        uint64_t w;
        memcpy(&w, key + len - 8, 8);
        return w >> (8 * (8 - r));
    }
    const unsigned char *p = (const unsigned char *)key + len - r;
    if (r >= 4) {     /* the first four and the last four: where they overlap, the same bytes */
        uint32_t lo, hi;
        memcpy(&lo, p, 4);
        memcpy(&hi, p + r - 4, 4);
        return (uint64_t)lo | (uint64_t)hi << (8 * (r - 4));
    }
    return (uint64_t)p[0] | (uint64_t)p[r / 2] << (8 * (r / 2)) | (uint64_t)p[r - 1] << (8 * (r - 1));
}

/* A 64-bit hash of the (folded) key, eight bytes a step, with a final mix so that the
 * low bits (the slot) depend on every byte. */
static uint64_t hash_key(const char *key, size_t len, int folding)
{
    uint64_t h = 0xcbf29ce484222325ULL ^ (len * 0x9e3779b97f4a7c15ULL);
    size_t i = 0;
    for (; i + 8 <= len; i += 8) {
        uint64_t w;
        memcpy(&w, key + i, 8);
        if (folding) w = fold8(w);
        h = (h ^ w) * 0xff51afd7ed558ccdULL;
        h ^= h >> 32;
    }
    if (i < len) {
        uint64_t w = tail_word(key, len, len - i);
        if (folding) w = fold8(w);
        h = (h ^ w) * 0xff51afd7ed558ccdULL;
        h ^= h >> 32;
    }
    h ^= h >> 29;
    h *= 0xd6e8feb86659fd93ULL;
    h ^= h >> 32;
    return h;
}

static int same_key(const NameIndex *ix, const NameSlot *sl, const char *key, size_t len)
{
    if (sl->len != len) return 0;
    const char *stored = ix->keys + sl->key - 1;
    if (memcmp(stored, key, len) == 0) return 1;   /* the same spelling: the common case */
    if (!ix->fold_case) return 0;
    for (size_t i = 0; i < len; i++)
        if (fold((unsigned char)stored[i], 1) != fold((unsigned char)key[i], 1)) return 0;
    return 1;
}

#define HASH_TAG(h) ((uint32_t)((h) >> 32))

/* The slot holding key, or the empty slot where it would go. */
static size_t probe(const NameIndex *ix, const char *key, size_t len, uint64_t h)
{
    size_t i = (size_t)h & ix->mask;
    for (;;) {
        const NameSlot *sl = &ix->slots[i];
        if (!sl->key) return i;
        if (sl->tag == HASH_TAG(h) && same_key(ix, sl, key, len)) return i;
        i = (i + 1) & ix->mask;
    }
}

int64_t name_index_find(const NameIndex *ix, const char *key, size_t len)
{
    /* a dropped table is a cache to make again, not a change of what the index holds */
    if (ix->dropped && !name_index_rebuild((NameIndex *)ix)) fatal_oom();
    if (!ix->mask) return -1;
    uint64_t h = hash_key(key, len, ix->fold_case);
    const NameSlot *sl = &ix->slots[probe(ix, key, len, h)];
    return sl->key ? (int64_t)sl->value : -1;
}

/* Batches of this many keys have their table accesses in flight together. */
#define FIND_BATCH 64

void name_index_find_many(const NameIndex *ix, size_t n, const char *const *keys, const size_t *lens,
                          int64_t *out)
{
    if (ix->dropped && !name_index_rebuild((NameIndex *)ix)) fatal_oom();
    if (!ix->mask) {
        for (size_t i = 0; i < n; i++) out[i] = -1;
        return;
    }
    uint64_t hash[FIND_BATCH];
    for (size_t base = 0; base < n; base += FIND_BATCH) {
        size_t m = n - base < FIND_BATCH ? n - base : FIND_BATCH;
        /* 1: hashes, and the slots they start at */
        for (size_t k = 0; k < m; k++) {
            hash[k] = hash_key(keys[base + k], lens[base + k], ix->fold_case);
            __builtin_prefetch(&ix->slots[(size_t)hash[k] & ix->mask]);
        }
        /* 2: the keys those slots name */
        for (size_t k = 0; k < m; k++) {
            const NameSlot *sl = &ix->slots[(size_t)hash[k] & ix->mask];
            if (sl->key && sl->tag == HASH_TAG(hash[k])) __builtin_prefetch(ix->keys + sl->key - 1);
        }
        /* 3: compare (collisions and misses probe on, rarely far) */
        for (size_t k = 0; k < m; k++) {
            const NameSlot *sl = &ix->slots[probe(ix, keys[base + k], lens[base + k], hash[k])];
            out[base + k] = sl->key ? (int64_t)sl->value : -1;
        }
    }
}

/* Puts sl, whose key hashes to h, in the first free slot of table from the key's place. */
static void place(NameSlot *table, size_t mask, uint64_t h, NameSlot sl)
{
    size_t i = (size_t)h & mask;
    while (table[i].key) i = (i + 1) & mask;
    table[i] = sl;
}

/* Grows the table to at least `want` slots (a power of two; load factor stays at most
 * 1/2). 0 on no memory. */
static int resize_table(NameIndex *ix, size_t want)
{
    size_t slots = 64;
    while (slots < want) slots *= 2;
    if (slots <= ix->mask + 1 && ix->mask) return 1;
    NameSlot *table = mem_huge(calloc(slots, sizeof *table), slots * sizeof *table);
    if (!table) return 0;
    /* each key's hash again, from its bytes: growing is rare (loaders reserve) */
    size_t old_slots = ix->mask ? ix->mask + 1 : 0;
    for (size_t j = 0; j < old_slots; j++) {
        const NameSlot *sl = &ix->slots[j];
        if (!sl->key) continue;
        place(table, slots - 1, hash_key(ix->keys + sl->key - 1, sl->len, ix->fold_case), *sl);
    }
    free(ix->slots);
    ix->slots = table;
    ix->mask = slots - 1;
    return 1;
}

void name_index_reserve(NameIndex *ix, size_t n)
{
    if (n > UINT32_MAX / 4 || (ix->dropped && !name_index_rebuild(ix))) return;
    resize_table(ix, n * 2);
    if (n > ix->order_cap) {
        NameKey *grown = realloc(ix->order, n * sizeof *grown);
        if (grown) {
            ix->order = grown;
            ix->order_cap = n;
        }
    }
}

uint64_t name_hash(const char *key, size_t len, int fold_case)
{
    return hash_key(key, len, fold_case);
}

uint64_t name_index_hash(const NameIndex *ix, const char *key, size_t len)
{
    return hash_key(key, len, ix->fold_case);
}

void name_index_prefetch(const NameIndex *ix, uint64_t hash)
{
    if (ix->mask) __builtin_prefetch(&ix->slots[(size_t)hash & ix->mask], 1);
}

int64_t name_index_put(NameIndex *ix, const char *key, size_t len, int64_t value)
{
    return name_index_put_hashed(ix, key, len, hash_key(key, len, ix->fold_case), value);
}

int64_t name_index_put_hashed(NameIndex *ix, const char *key, size_t len, uint64_t h, int64_t value)
{
    if (ix->dropped && !name_index_rebuild(ix)) return -2;
    if (len >= UINT32_MAX || ix->count >= INT32_MAX || value < 0 || value >= UINT32_MAX ||
        ix->keys_len + len + 1 >= UINT32_MAX)
        return -2;
    if ((ix->count + 1) * 2 > ix->mask + 1 && !resize_table(ix, (ix->mask + 1) * 2)) return -2;
    size_t slot = probe(ix, key, len, h);
    if (ix->slots[slot].key) return (int64_t)ix->slots[slot].value;
    if (ix->count == ix->order_cap) {
        size_t cap = ix->order_cap ? ix->order_cap * 2 : 64;
        NameKey *grown = realloc(ix->order, cap * sizeof *grown);
        if (!grown) return -2;
        ix->order = grown;
        ix->order_cap = cap;
    }
    if (ix->keys_len + len + 1 > ix->keys_cap) {
        size_t cap = ix->keys_cap ? ix->keys_cap : 4096;
        while (cap < ix->keys_len + len + 1) cap *= 2;
        char *grown = mem_huge(realloc(ix->keys, cap), cap);   /* read at random by lookups */
        if (!grown) return -2;
        ix->keys = grown;
        ix->keys_cap = cap;
    }
    char *stored = ix->keys + ix->keys_len;
    memcpy(stored, key, len);
    stored[len] = 0;
    ix->order[ix->count++] = (NameKey){ (uint32_t)ix->keys_len, (uint32_t)value };
    ix->slots[slot] = (NameSlot){ HASH_TAG(h), (uint32_t)ix->keys_len + 1, (uint32_t)len, (uint32_t)value };
    ix->keys_len += len + 1;
    return -1;
}

const char *name_index_key(const NameIndex *ix, size_t entry)
{
    return ix->keys + ix->order[entry].key;
}

void name_index_drop_table(NameIndex *ix)
{
    if (!ix->mask) return;
    free(ix->slots);
    ix->slots = NULL;
    ix->mask = 0;
    ix->dropped = 1;
}

int name_index_rebuild(NameIndex *ix)
{
    if (!ix->dropped) return 1;
    if (!resize_table(ix, ix->count * 2)) return 0;
    ix->dropped = 0;
    /* keys lie in the arena one after another, in insertion order, each NUL-ended */
    for (size_t k = 0; k < ix->count; k++) {
        uint32_t off = ix->order[k].key;
        size_t len = (k + 1 < ix->count ? ix->order[k + 1].key : ix->keys_len) - off - 1;
        uint64_t h = hash_key(ix->keys + off, len, ix->fold_case);
        place(ix->slots, ix->mask, h, (NameSlot){ HASH_TAG(h), off + 1, (uint32_t)len, ix->order[k].value });
    }
    return 1;
}
