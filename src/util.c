/* util.c — shared helpers (see util.h). */
#define _DEFAULT_SOURCE 1   /* madvise, MADV_HUGEPAGE (mem_huge) */
#include "util.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>

void fatal_oom(void)
{
    fputs("skuld: fatal: out of memory\n", stderr);
    exit(3);
}

void *mem_huge(void *p, size_t n)
{
#ifdef MADV_HUGEPAGE
    const uintptr_t huge = (uintptr_t)2 << 20;
    if (p && n >= 2 * huge) {
        uintptr_t start = ((uintptr_t)p + huge - 1) & ~(huge - 1);
        uintptr_t end = ((uintptr_t)p + n) & ~(huge - 1);
        if (end > start) (void)madvise((void *)start, end - start, MADV_HUGEPAGE);
    }
#else
    (void)n;
#endif
    return p;
}

int vasprintf_portable(char **out, const char *fmt, va_list ap)
{
    /* formatted once into a small buffer, which nearly every text fits (a violation's
     * detail or hint); formatted again only when longer */
    char small[256];
    va_list copy;
    va_copy(copy, ap);
    int n = vsnprintf(small, sizeof small, fmt, copy);
    va_end(copy);
    *out = NULL;
    if (n < 0) return -1;
    char *s = malloc((size_t)n + 1);
    if (!s) return -1;
    if ((size_t)n < sizeof small) memcpy(s, small, (size_t)n + 1);
    else vsnprintf(s, (size_t)n + 1, fmt, ap);
    *out = s;
    return n;
}

char *str_printf(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    char *s;
    if (vasprintf_portable(&s, fmt, ap) < 0) s = NULL;
    va_end(ap);
    return s;
}

char *str_ndup(const char *s, size_t n)
{
    char *d = malloc(n + 1);
    if (!d) return NULL;
    memcpy(d, s, n);
    d[n] = 0;
    return d;
}

void sb_add(StrBuf *sb, const char *s, size_t n)
{
    if (sb->failed) return;
    if (sb->len + n + 1 > sb->cap) {
        size_t cap = sb->cap ? sb->cap : 64;
        while (cap < sb->len + n + 1) cap *= 2;
        char *grown = realloc(sb->data, cap);
        if (!grown) { sb->failed = 1; return; }
        sb->data = grown;
        sb->cap = cap;
    }
    memcpy(sb->data + sb->len, s, n);
    sb->len += n;
    sb->data[sb->len] = 0;
}

void sb_puts(StrBuf *sb, const char *s)
{
    sb_add(sb, s, strlen(s));
}

void sb_printf(StrBuf *sb, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    char *s;
    int n = vasprintf_portable(&s, fmt, ap);
    va_end(ap);
    if (n < 0) { sb->failed = 1; return; }
    sb_add(sb, s, (size_t)n);
    free(s);
}

char *sb_take(StrBuf *sb)
{
    char *s = sb->data;
    if (!s || sb->failed) {
        free(s);
        s = strdup("");
    }
    sb->data = NULL;
    sb->len = sb->cap = 0;
    sb->failed = 0;
    return s;
}

void sb_free(StrBuf *sb)
{
    free(sb->data);
    sb->data = NULL;
    sb->len = sb->cap = 0;
}

int cmp_u32(const void *x, const void *y)
{
    uint32_t a = *(const uint32_t *)x, b = *(const uint32_t *)y;
    return a < b ? -1 : a > b;
}

int grow_array(void **items, size_t *cap, size_t need, size_t elem_size)
{
    if (need <= *cap) return 1;
    size_t n = *cap ? *cap : 8;
    while (n < need) n *= 2;
    void *grown = realloc(*items, n * elem_size);
    if (!grown) return 0;
    *items = grown;
    *cap = n;
    return 1;
}

void text_position(const char *text, size_t off, int *line, int *column)
{
    int l = 1, c = 1;
    for (size_t i = 0; i < off; i++) {
        if (text[i] == '\n') { l++; c = 1; }
        else c++;
    }
    *line = l;
    *column = c;
}

int is_guid(const char *s)
{
    static const int parts[] = { 8, 4, 4, 4, 12 };
    for (int g = 0; g < 5; g++) {
        for (int i = 0; i < parts[g]; i++, s++)
            if (!((*s >= '0' && *s <= '9') || (*s >= 'a' && *s <= 'f') || (*s >= 'A' && *s <= 'F'))) return 0;
        if (g < 4 && *s++ != '-') return 0;
    }
    return *s == 0;
}

int str_ieq(const char *a, const char *b)
{
    for (;; a++, b++) {
        int ca = (unsigned char)*a, cb = (unsigned char)*b;
        if (ca >= 'A' && ca <= 'Z') ca += 32;
        if (cb >= 'A' && cb <= 'Z') cb += 32;
        if (ca != cb) return 0;
        if (!ca) return 1;
    }
}

size_t utf8_seq_len(const unsigned char *s, size_t n)
{
    unsigned c = s[0];
    size_t len;
    unsigned cp;
    if (c < 0x80) return 1;
    if (c >= 0xC2 && c <= 0xDF) { len = 2; cp = c & 0x1F; }
    else if (c >= 0xE0 && c <= 0xEF) { len = 3; cp = c & 0x0F; }
    else if (c >= 0xF0 && c <= 0xF4) { len = 4; cp = c & 0x07; }
    else return 0;
    if (n < len) return 0;
    for (size_t i = 1; i < len; i++) {
        if ((s[i] & 0xC0) != 0x80) return 0;
        cp = (cp << 6) | (s[i] & 0x3F);
    }
    if ((len == 3 && cp < 0x800) || (len == 4 && (cp < 0x10000 || cp > 0x10FFFF))) return 0;
    if (cp >= 0xD800 && cp <= 0xDFFF) return 0;
    return len;
}

/* 0x01 in each byte of eight ASCII bytes (high bits clear) that is a line end, else
 * 0x00: a byte is '\n' when w ^ '\n' has it zero, and for bytes below 0x80 adding 0x7f
 * to the low seven bits sets the high bit exactly when they are not zero. */
static inline uint64_t newline_bytes(uint64_t w)
{
    const uint64_t low7 = 0x7f7f7f7f7f7f7f7fULL;
    uint64_t x = w ^ 0x0a0a0a0a0a0a0a0aULL;
    return (~((x & low7) + low7) & ~low7) >> 7;
}

/* The sum of the eight byte counters of acc (each below 256). */
static inline size_t sum_bytes(uint64_t acc)
{
    const uint64_t lanes = 0x00ff00ff00ff00ffULL;
    uint64_t pairs = (acc & lanes) + ((acc >> 8) & lanes);   /* four 16-bit sums */
    return (size_t)((pairs * 0x0001000100010001ULL) >> 48);
}

/* utf8_valid, counting line ends on the way when lines is not NULL (the count is then
 * the whole text's when it is valid). Line ends of ASCII blocks are added up in byte
 * counters, 32 blocks (at most 128 a counter) at a time. */
static inline int utf8_scan(const char *s, size_t len, size_t *bad, size_t *lines)
{
    const unsigned char *p = (const unsigned char *)s;
    size_t i = 0, n = 0;
    while (i < len) {
        /* ASCII runs (nearly all of a tenant export) 32 bytes at a time */
        uint64_t acc = 0;
        unsigned blocks = 0;
        while (i + 32 <= len) {
            __builtin_prefetch(p + i + 1024);
            uint64_t w[4];
            memcpy(w, p + i, sizeof w);
            if ((w[0] | w[1] | w[2] | w[3]) & 0x8080808080808080ULL) break;
            if (lines) {
                acc += newline_bytes(w[0]) + newline_bytes(w[1]) + newline_bytes(w[2]) + newline_bytes(w[3]);
                if (++blocks == 32) {
                    n += sum_bytes(acc);
                    acc = 0;
                    blocks = 0;
                }
            }
            i += 32;
        }
        n += sum_bytes(acc);
        if (i >= len) break;
        if (p[i] < 0x80) {
            n += p[i] == '\n';
            i++;
            continue;
        }
        size_t k = utf8_seq_len(p + i, len - i);
        if (!k) { *bad = i; return 0; }
        i += k;
    }
    if (lines) *lines = n;
    return 1;
}

int utf8_valid(const char *s, size_t len, size_t *bad)
{
    return utf8_scan(s, len, bad, NULL);
}

int utf8_valid_lines(const char *s, size_t len, size_t *bad, size_t *lines)
{
    return utf8_scan(s, len, bad, lines);
}
