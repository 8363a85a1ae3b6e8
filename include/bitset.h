/* bitset.h — fixed-width bitsets over dense indices (plans, products, countries).
 *
 * A bitset is `words` uint64_t words; its width is fixed by whoever allocates it
 * (the policy knows how many plans there are). Operations take the width explicitly
 * and never allocate, so they can run in the evaluation loop.
 */
#ifndef SKULD_BITSET_H
#define SKULD_BITSET_H

#include <stddef.h>
#include <stdint.h>
#include <string.h>

typedef uint64_t bitword;

static inline size_t bitset_words(size_t nbits) { return (nbits + 63) / 64; }

static inline void bitset_set(bitword *b, size_t i) { b[i >> 6] |= (bitword)1 << (i & 63); }
static inline void bitset_clear(bitword *b, size_t i) { b[i >> 6] &= ~((bitword)1 << (i & 63)); }
static inline int bitset_test(const bitword *b, size_t i) { return (int)((b[i >> 6] >> (i & 63)) & 1); }
static inline void bitset_zero(bitword *b, size_t words) { memset(b, 0, words * sizeof *b); }

static inline int bitset_any(const bitword *b, size_t words)
{
    for (size_t i = 0; i < words; i++)
        if (b[i]) return 1;
    return 0;
}

static inline int bitset_intersects(const bitword *a, const bitword *b, size_t words)
{
    for (size_t i = 0; i < words; i++)
        if (a[i] & b[i]) return 1;
    return 0;
}

static inline void bitset_or(bitword *dst, const bitword *src, size_t words)
{
    for (size_t i = 0; i < words; i++) dst[i] |= src[i];
}

static inline void bitset_and(bitword *dst, const bitword *src, size_t words)
{
    for (size_t i = 0; i < words; i++) dst[i] &= src[i];
}

static inline void bitset_andnot(bitword *dst, const bitword *src, size_t words)
{
    for (size_t i = 0; i < words; i++) dst[i] &= ~src[i];
}

static inline int bitset_equal(const bitword *a, const bitword *b, size_t words)
{
    return memcmp(a, b, words * sizeof *a) == 0;
}

static inline size_t bitset_count(const bitword *b, size_t words)
{
    size_t n = 0;
    for (size_t i = 0; i < words; i++) n += (size_t)__builtin_popcountll(b[i]);
    return n;
}

/* The first set bit at or after `from`, or (size_t)-1 when none (below nbits). */
static inline size_t bitset_next(const bitword *b, size_t nbits, size_t from)
{
    if (from >= nbits) return (size_t)-1;
    size_t w = from >> 6;
    bitword cur = b[w] & (~(bitword)0 << (from & 63));
    size_t words = bitset_words(nbits);
    for (;;) {
        if (cur) {
            size_t i = (w << 6) + (size_t)__builtin_ctzll(cur);
            return i < nbits ? i : (size_t)-1;
        }
        if (++w >= words) return (size_t)-1;
        cur = b[w];
    }
}

#define BITSET_FOREACH(i, b, nbits) \
    for (size_t i = bitset_next((b), (nbits), 0); i != (size_t)-1; i = bitset_next((b), (nbits), i + 1))

#endif
