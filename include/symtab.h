/* symtab.h — string-keyed maps from names to dense indices.
 *
 * Used when rules or tenant data are loaded, to turn names into the integer indices
 * everything later works with; never in the evaluation loop. With fold_case set, keys
 * compare ASCII case-insensitively (user ids, GUIDs, proxy addresses).
 *
 * Written by hand rather than with uthash (which the rest of the project's small maps
 * could use): loading a million users does several million lookups, and uthash's
 * chained buckets with a malloc per entry cost 10x more there (docs/PERFORMANCE.md).
 * This is open addressing with linear probing over a power-of-two table, keys copied
 * into one growing arena. A slot is 16 bytes and holds everything a lookup needs but
 * the key's bytes: the high half of the key's 64-bit hash (the low half picks the
 * slot), where the key lies, its length and the value. So a lookup that finds its key
 * waits on two places in memory, the slot and the key, not three (a slot naming an
 * entry that names the key was one more wait for each of the 4M member lookups of a
 * million-user tenant: docs/PERFORMANCE.md). Values are indices below 2^32 - 1, keys
 * together under 4 GiB, and at most 2^31 - 1 keys: past those, put fails as out of
 * memory. Lookups in bulk (name_index_find_many) overlap their memory accesses: a
 * table of a million names is read at random places, and each access waits for memory.
 *
 * Ownership: the index owns its key copies; name_index_free releases everything.
 */
#ifndef SKULD_SYMTAB_H
#define SKULD_SYMTAB_H

#include <stddef.h>
#include <stdint.h>

typedef struct {
    uint32_t tag;       /* high half of the (folded) key's hash; the low half picks the slot */
    uint32_t key;       /* offset of the key in the arena + 1; 0 = an empty slot */
    uint32_t len;
    uint32_t value;
} NameSlot;

typedef struct {
    uint32_t key;       /* offset in the arena */
    uint32_t value;
} NameKey;

typedef struct {
    NameSlot *slots;
    size_t mask;        /* slot count - 1 (0 when no table yet) */
    NameKey *order;     /* each key's offset in the arena and value, in insertion order */
    size_t count, order_cap;
    char *keys;
    size_t keys_len, keys_cap;
    int fold_case;
    int dropped;        /* name_index_drop_table: the keys without a table */
} NameIndex;

void name_index_init(NameIndex *ix, int fold_case);
void name_index_free(NameIndex *ix);
/* Makes room for n entries in all (fewer table growths when the count is known). */
void name_index_reserve(NameIndex *ix, size_t n);
/* The value stored under key, or -1. */
int64_t name_index_find(const NameIndex *ix, const char *key, size_t len);
/* Stores key -> value unless key is present: returns the existing value then, else -1
 * (inserted). -2 on no memory. */
int64_t name_index_put(NameIndex *ix, const char *key, size_t len, int64_t value);
/* The 64-bit hash every index uses (ASCII case folded when fold_case). */
uint64_t name_hash(const char *key, size_t len, int fold_case);
/* The hash of a key as this index computes it, and a hint that the key will be put
 * or looked up soon (the slot is fetched meanwhile): for loading in bulk. */
uint64_t name_index_hash(const NameIndex *ix, const char *key, size_t len);
void name_index_prefetch(const NameIndex *ix, uint64_t hash);
/* name_index_put with the key's hash already computed by name_index_hash. */
int64_t name_index_put_hashed(NameIndex *ix, const char *key, size_t len, uint64_t hash, int64_t value);
/* Looks up n keys at once: out[i] = the value of keys[i] (lens[i] bytes), or -1. The
 * same result as n calls of name_index_find, faster for large tables. */
void name_index_find_many(const NameIndex *ix, size_t n, const char *const *keys, const size_t *lens,
                          int64_t *out);
/* Frees the table (the keys stay, and name_index_key still reads them): an index
 * kept for its keys and a rare lookup gives its memory back to what comes next. The
 * next lookup or put makes the table again first (from the keys, in insertion order;
 * a lookup that cannot ends the run as out of memory). */
void name_index_drop_table(NameIndex *ix);
/* Makes the table again after name_index_drop_table (nothing when it is there).
 * 0 on no memory. */
int name_index_rebuild(NameIndex *ix);
/* The key of the entry-th insertion, as it was written (NUL-terminated; valid until
 * the next put). */
const char *name_index_key(const NameIndex *ix, size_t entry);

#endif
