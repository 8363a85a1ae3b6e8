/* util.h — small helpers shared by every module: formatted allocation, a growable
 * string buffer, and the one place uthash is configured.
 */
#ifndef SKULD_UTIL_H
#define SKULD_UTIL_H

#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

/* Ends the process with a message: out of memory (exit status 3). */
void fatal_oom(void) __attribute__((noreturn));

/* Asks the kernel to back the 2 MiB-aligned inside of a large, not yet touched block
 * [p, p + n) with huge pages (madvise; a hint, ignored where unsupported). A tenant
 * of a million users is read through tables of hundreds of megabytes at random
 * places: with 4 KiB pages nearly every access also misses the TLB, and first touches
 * cost a page fault each 4 KiB (docs/PERFORMANCE.md). Returns p. */
void *mem_huge(void *p, size_t n);

/* Like vasprintf: *out receives a malloc'd string the caller frees; -1 on no memory. */
int vasprintf_portable(char **out, const char *fmt, va_list ap);
/* A malloc'd formatted string, or NULL on no memory. */
char *str_printf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
char *str_ndup(const char *s, size_t n);

/* A growable byte string; always NUL-terminated once anything was added. */
typedef struct {
    char *data;
    size_t len, cap;
    int failed;      /* an allocation failed */
} StrBuf;

void sb_add(StrBuf *sb, const char *s, size_t n);
void sb_puts(StrBuf *sb, const char *s);
void sb_printf(StrBuf *sb, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* Hands the string to the caller (who frees it) and empties sb. Never NULL. */
char *sb_take(StrBuf *sb);
void sb_free(StrBuf *sb);

/* Grows *items (of elem_size bytes) so that index `need - 1` fits; 0 on no memory. */
int grow_array(void **items, size_t *cap, size_t need, size_t elem_size);
/* Ascending order of two uint32_t (a qsort comparator). */
int cmp_u32(const void *x, const void *y);

/* The 1-based line and byte column of offset `off` in text (for errors found before a
 * file is parsed: a NUL byte, invalid UTF-8). */
void text_position(const char *text, size_t off, int *line, int *column);

/* Whether s has the 8-4-4-4-12 hexadecimal form of a GUID. */
int is_guid(const char *s);

/* ASCII case-insensitive comparison of two NUL-terminated strings. */
int str_ieq(const char *a, const char *b);

/* Length of the valid UTF-8 sequence at s (n bytes available), 0 when invalid. */
size_t utf8_seq_len(const unsigned char *s, size_t n);

/* 1 when s (len bytes) is valid UTF-8; else 0 and *bad is the offset of the first bad byte. */
int utf8_valid(const char *s, size_t len, size_t *bad);
/* utf8_valid that also counts the text's line ends ('\n' bytes) into *lines when it
 * is valid: one pass over a large file instead of two. */
int utf8_valid_lines(const char *s, size_t len, size_t *bad, size_t *lines);

#endif
