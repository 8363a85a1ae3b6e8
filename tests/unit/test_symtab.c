/* Unit tests: name indexes (symtab.h), suggestions (misspell.h), country codes. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <cmocka.h>

#include "country.h"
#include "misspell.h"
#include "symtab.h"

static void test_put_find(void **state)
{
    (void)state;
    NameIndex ix;
    name_index_init(&ix, 0);
    assert_int_equal(name_index_put(&ix, "EXCHANGE_S_STANDARD", 19, 0), -1);
    assert_int_equal(name_index_put(&ix, "EXCHANGE_S_ENTERPRISE", 21, 1), -1);
    /* a present key keeps its value */
    assert_int_equal(name_index_put(&ix, "EXCHANGE_S_STANDARD", 19, 7), 0);
    assert_int_equal(name_index_find(&ix, "EXCHANGE_S_ENTERPRISE", 21), 1);
    assert_int_equal(name_index_find(&ix, "exchange_s_enterprise", 21), -1);
    /* keys are byte ranges: a prefix is another key */
    assert_int_equal(name_index_find(&ix, "EXCHANGE_S_STANDARD_X", 19), 0);
    assert_int_equal(name_index_find(&ix, "EXCHANGE", 8), -1);
    assert_int_equal(ix.count, 2);
    name_index_free(&ix);
    assert_int_equal(ix.count, 0);
}

static void test_fold_case(void **state)
{
    (void)state;
    NameIndex ix;
    name_index_init(&ix, 1);
    const char *guid = "6FD2C87F-B296-42F0-B197-1E91E994B900";
    assert_int_equal(name_index_put(&ix, guid, strlen(guid), 3), -1);
    assert_int_equal(name_index_find(&ix, "6fd2c87f-b296-42f0-b197-1e91e994b900", 36), 3);
    assert_int_equal(name_index_put(&ix, "6fd2c87f-b296-42f0-b197-1e91e994b900", 36, 4), 3);
    /* long keys fold too */
    char longkey[300], upper[300];
    memset(longkey, 'a', sizeof longkey);
    memset(upper, 'A', sizeof upper);
    assert_int_equal(name_index_put(&ix, longkey, sizeof longkey, 9), -1);
    assert_int_equal(name_index_find(&ix, upper, sizeof upper), 9);
    name_index_free(&ix);
}

static void test_insertion_order(void **state)
{
    (void)state;
    NameIndex ix;
    name_index_init(&ix, 0);
    const char *names[] = {"zeta", "alpha", "mid"};
    for (int i = 0; i < 3; i++) name_index_put(&ix, names[i], strlen(names[i]), i);
    /* keys as written, in insertion order, whatever the table's order */
    for (int i = 0; i < 3; i++) assert_string_equal(name_index_key(&ix, (size_t)i), names[i]);
    for (int i = 0; i < 200; i++) {   /* across the table's growth and the arena's moves */
        char key[16];
        int n = snprintf(key, sizeof key, "K%d", i);
        name_index_put(&ix, key, (size_t)n, 3 + i);
    }
    assert_string_equal(name_index_key(&ix, 1), "alpha");
    assert_string_equal(name_index_key(&ix, 202), "K199");
    assert_int_equal(name_index_find(&ix, "mid", 3), 2);
    assert_int_equal(name_index_find(&ix, "K150", 4), 153);
    name_index_free(&ix);
}

/* Puts keys fmt % i for i in 0 .. n - 1 with values step * i; each must be new. */
static void put_numbered(NameIndex *ix, const char *fmt, int n, int64_t step)
{
    char key[32];
    for (int i = 0; i < n; i++) {
        int len = snprintf(key, sizeof key, fmt, i);
        assert_int_equal(name_index_put(ix, key, (size_t)len, step * i), -1);
    }
}

/* A dropped table gives its memory back; keys stay readable, and the next lookup or
 * put makes the table again with every key and value. */
static void test_drop_table(void **state)
{
    (void)state;
    NameIndex ix;
    name_index_init(&ix, 1);
    put_numbered(&ix, "User%d@contoso.com", 1000, 7);
    name_index_drop_table(&ix);
    assert_null(ix.slots);
    assert_string_equal(name_index_key(&ix, 5), "User5@contoso.com");
    assert_int_equal(name_index_find(&ix, "user999@CONTOSO.com", 19), 7 * 999);
    assert_int_equal(name_index_find(&ix, "user1000@contoso.com", 20), -1);
    name_index_drop_table(&ix);
    assert_int_equal(name_index_put(&ix, "User3@contoso.com", 17, 1), 21);
    assert_int_equal(name_index_put(&ix, "new", 3, 5), -1);
    name_index_drop_table(&ix);
    const char *keys[] = { "new", "user0@contoso.com", "nobody" };
    size_t lens[] = { 3, 17, 6 };
    int64_t out[3];
    name_index_find_many(&ix, 3, keys, lens, out);
    assert_int_equal(out[0], 5);
    assert_int_equal(out[1], 0);
    assert_int_equal(out[2], -1);
    assert_int_equal(ix.count, 1001);
    name_index_free(&ix);
}

static void test_many_keys(void **state)
{
    (void)state;
    NameIndex ix;
    name_index_init(&ix, 1);
    put_numbered(&ix, "user%d@Contoso.com", 100000, 1);
    char key[32];
    for (int i = 0; i < 100000; i += 997) {
        int n = snprintf(key, sizeof key, "USER%d@contoso.COM", i);
        assert_int_equal(name_index_find(&ix, key, (size_t)n), i);
    }
    name_index_free(&ix);
}

/* Lookups in bulk agree with one by one, absent keys included (-1, not a large
 * number), across the table's growth; values outside 0 .. 2^32 - 2 are refused. */
static void test_find_many_and_limits(void **state)
{
    (void)state;
    NameIndex ix;
    name_index_init(&ix, 0);
    enum { N = 5000 };
    static char keys[2 * N][24];
    const char *names[2 * N];
    size_t lens[2 * N];
    int64_t out[2 * N];
    for (int i = 0; i < 2 * N; i++) {
        lens[i] = (size_t)snprintf(keys[i], sizeof keys[i], "g%d", i);
        names[i] = keys[i];
        if (i < N) assert_int_equal(name_index_put(&ix, keys[i], lens[i], (int64_t)i * 3), -1);
    }
    name_index_find_many(&ix, 2 * N, names, lens, out);
    for (int i = 0; i < 2 * N; i++) {
        assert_int_equal(out[i], i < N ? (int64_t)i * 3 : -1);
        assert_int_equal(name_index_find(&ix, keys[i], lens[i]), out[i]);
    }
    assert_int_equal(name_index_put(&ix, "big", 3, (int64_t)UINT32_MAX - 1), -1);
    assert_int_equal(name_index_find(&ix, "big", 3), (int64_t)UINT32_MAX - 1);
    assert_int_equal(name_index_put(&ix, "too big", 7, (int64_t)UINT32_MAX), -2);
    assert_int_equal(name_index_put(&ix, "negative", 8, -5), -2);
    assert_int_equal(name_index_find(&ix, "too big", 7), -1);
    assert_int_equal(ix.count, N + 1);
    name_index_free(&ix);
}

static void test_misspell(void **state)
{
    (void)state;
    Misspell m;
    misspell_init(&m, "EXCHANGE_S_ENTERPRIZE");
    misspell_offer(&m, "EXCHANGE_S_STANDARD");
    misspell_offer(&m, "EXCHANGE_S_ENTERPRISE");
    misspell_offer(&m, "SHAREPOINTENTERPRISE");
    assert_string_equal(misspell_result(&m), "EXCHANGE_S_ENTERPRISE");
    misspell_init(&m, "FOO");
    misspell_offer(&m, "EXCHANGE_S_STANDARD");
    assert_null(misspell_result(&m));
    /* case only: distance 0 */
    misspell_init(&m, "standardpack");
    misspell_offer(&m, "ENTERPRISEPACK");
    misspell_offer(&m, "STANDARDPACK");
    assert_string_equal(misspell_result(&m), "STANDARDPACK");
    assert_int_equal(misspell_distance("kitten", 6, "sitting", 7, 10), 3);
    assert_int_equal(misspell_distance("abc", 3, "abcdefgh", 8, 2), 3);
}

static void test_country(void **state)
{
    (void)state;
    char buf[3];
    assert_int_equal(country_index("NL", 2), ('N' - 'A') * 26 + ('L' - 'A'));
    assert_int_equal(country_index("nl", 2), country_index("NL", 2));
    assert_string_equal(country_code(country_index("us", 2), buf), "US");
    assert_true(country_index("XK", 2) >= 0);
    assert_int_equal(country_index("XX", 2), -1);
    assert_int_equal(country_index("EU", 2), -1);
    assert_int_equal(country_index("NLD", 3), -1);
    assert_int_equal(country_index("N1", 2), -1);
    assert_true(country_index("to", 2) >= 0);
    assert_true(country_index("id", 2) >= 0);
}

/* Case folding (done eight bytes at a time in the hash) matches byte by byte: every
 * byte value, at every place of a key longer than one word. */
static void test_fold_every_byte(void **state)
{
    (void)state;
    for (int pos = 0; pos < 11; pos++) {
        for (int c = 1; c < 256; c++) {
            NameIndex ix;
            name_index_init(&ix, 1);
            char key[12] = "abcdefghijk", probe_key[12] = "ABCDEFGHIJK";
            key[pos] = (char)c;
            probe_key[pos] = (char)(c >= 'a' && c <= 'z' ? c - 32 : c >= 'A' && c <= 'Z' ? c + 32 : c);
            assert_int_equal(name_index_put(&ix, key, 11, 7), -1);
            assert_int_equal(name_index_find(&ix, probe_key, 11), 7);
            char other[12];
            memcpy(other, key, 12);
            other[pos] = (char)(c ^ 1);    /* folds to another byte, whatever c is (bit 0 differs) */
            assert_int_equal(name_index_find(&ix, other, 11), -1);
            name_index_free(&ix);
        }
    }
}

/* The hash as first written (a key's last bytes copied into a zeroed word), to pin
 * the word-read tail to the same values: every length past two words, every case. */
static uint64_t reference_hash(const char *key, size_t len, int folding)
{
    uint64_t h = 0xcbf29ce484222325ULL ^ (len * 0x9e3779b97f4a7c15ULL);
    for (size_t i = 0; i < len; i += 8) {
        uint64_t w = 0;
        unsigned char b[8] = {0};
        for (size_t k = 0; k < 8 && i + k < len; k++) {
            unsigned char c = (unsigned char)key[i + k];
            b[k] = folding && c >= 'A' && c <= 'Z' ? (unsigned char)(c + 32) : c;
        }
        for (int k = 7; k >= 0; k--) w = w << 8 | b[k];   /* little-endian, as the index reads */
        h = (h ^ w) * 0xff51afd7ed558ccdULL;
        h ^= h >> 32;
    }
    h ^= h >> 29;
    h *= 0xd6e8feb86659fd93ULL;
    h ^= h >> 32;
    return h;
}

static void test_hash_every_length(void **state)
{
    (void)state;
#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
    char key[48];
    uint32_t x = 12345;
    for (int round = 0; round < 200; round++) {
        for (size_t i = 0; i < sizeof key; i++) {
            x = x * 1103515245u + 12345u;
            key[i] = (char)(x >> 24);          /* any byte, upper case and 0x80 and up too */
        }
        for (size_t len = 0; len <= sizeof key; len++)
            for (int folding = 0; folding < 2; folding++)
                assert_true(name_hash(key, len, folding) == reference_hash(key, len, folding));
    }
#endif
    /* every length: a key and the same key one byte longer are two keys */
    NameIndex ix;
    name_index_init(&ix, 1);
    const char *text = "user1234567@contoso.onmicrosoft.com/and-more-bytes";
    for (size_t len = 1; len <= strlen(text); len++) assert_int_equal(name_index_put(&ix, text, len, (int64_t)len), -1);
    for (size_t len = 1; len <= strlen(text); len++) assert_int_equal(name_index_find(&ix, text, len), (int64_t)len);
    name_index_free(&ix);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_put_find),
        cmocka_unit_test(test_fold_every_byte),
        cmocka_unit_test(test_hash_every_length),
        cmocka_unit_test(test_fold_case),
        cmocka_unit_test(test_insertion_order),
        cmocka_unit_test(test_many_keys),
        cmocka_unit_test(test_drop_table),
        cmocka_unit_test(test_find_many_and_limits),
        cmocka_unit_test(test_misspell),
        cmocka_unit_test(test_country),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
