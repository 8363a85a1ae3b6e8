/* prop.h — what the property tests (test_properties.c, test_whatif_props.c) share:
 * PROP(cond, fmt, ...) fails the cmocka test with the expression, a message and the
 * context in g_ctx (seed, sizes, the kept input folder); and a seeded PRNG
 * (splitmix64), so a failing seed reproduces. Include after <cmocka.h>. */
#ifndef SKULD_TEST_PROP_H
#define SKULD_TEST_PROP_H

#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>

static char g_ctx[600];     /* "seed 17, 600 users, /tmp/skuld-prop-XXXXXX (kept)" */

static void prop_fail(const char *file, int line, const char *expr, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));

static void prop_fail(const char *file, int line, const char *expr, const char *fmt, ...)
{
    char msg[2048];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    print_error("property failed: %s\n  %s\n  %s\n", expr, msg, g_ctx);
    _fail(file, line);
}

#define PROP(cond, ...) \
    do { \
        if (!(cond)) prop_fail(__FILE__, __LINE__, #cond, __VA_ARGS__); \
    } while (0)

typedef struct { uint64_t s; } Rng;

static inline uint64_t rng_u64(Rng *r)
{
    uint64_t z = (r->s += 0x9e3779b97f4a7c15ULL);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
    return z ^ (z >> 31);
}

static inline unsigned rng_below(Rng *r, unsigned n) { return n ? (unsigned)(rng_u64(r) % n) : 0; }
static inline unsigned rng_range(Rng *r, unsigned lo, unsigned hi) { return lo + rng_below(r, hi - lo + 1); }
static inline int rng_pct(Rng *r, unsigned pct) { return rng_below(r, 100) < pct; }

#endif
