/* Unit tests: bitset.h operations at word boundaries and across widths. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include "bitset.h"

static void test_set_test_clear(void **state)
{
    (void)state;
    bitword b[3] = {0};
    size_t bits[] = {0, 1, 63, 64, 65, 127, 128, 191};
    for (size_t i = 0; i < sizeof bits / sizeof bits[0]; i++) bitset_set(b, bits[i]);
    for (size_t i = 0; i < sizeof bits / sizeof bits[0]; i++) assert_true(bitset_test(b, bits[i]));
    assert_false(bitset_test(b, 2));
    assert_false(bitset_test(b, 62));
    assert_false(bitset_test(b, 190));
    assert_int_equal(bitset_count(b, 3), 8);
    bitset_clear(b, 64);
    assert_false(bitset_test(b, 64));
    assert_true(bitset_test(b, 63));
    assert_true(bitset_test(b, 65));
    assert_int_equal(bitset_count(b, 3), 7);
}

static void test_next_and_foreach(void **state)
{
    (void)state;
    bitword b[2] = {0};
    bitset_set(b, 5);
    bitset_set(b, 64);
    bitset_set(b, 99);
    assert_int_equal(bitset_next(b, 100, 0), 5);
    assert_int_equal(bitset_next(b, 100, 6), 64);
    assert_int_equal(bitset_next(b, 100, 65), 99);
    assert_int_equal(bitset_next(b, 100, 100), (size_t)-1);
    /* a bit beyond nbits is never returned */
    assert_int_equal(bitset_next(b, 99, 65), (size_t)-1);
    size_t seen[4], n = 0;
    BITSET_FOREACH(i, b, 100) seen[n++] = i;
    assert_int_equal(n, 3);
    assert_int_equal(seen[0], 5);
    assert_int_equal(seen[1], 64);
    assert_int_equal(seen[2], 99);
    bitword empty[2] = {0};
    n = 0;
    BITSET_FOREACH(i, empty, 128) n += i + 1;
    assert_int_equal(n, 0);
}

static void test_set_algebra(void **state)
{
    (void)state;
    bitword a[2] = {0}, b[2] = {0}, c[2];
    bitset_set(a, 1);
    bitset_set(a, 70);
    bitset_set(b, 70);
    bitset_set(b, 100);
    assert_true(bitset_intersects(a, b, 2));
    memcpy(c, a, sizeof c);
    bitset_and(c, b, 2);
    assert_int_equal(bitset_count(c, 2), 1);
    assert_true(bitset_test(c, 70));
    memcpy(c, a, sizeof c);
    bitset_or(c, b, 2);
    assert_int_equal(bitset_count(c, 2), 3);
    bitset_andnot(c, b, 2);
    assert_true(bitset_equal(c, (bitword[2]){(bitword)1 << 1, 0}, 2));
    bitset_zero(c, 2);
    assert_false(bitset_any(c, 2));
    assert_false(bitset_intersects(c, a, 2));
    assert_int_equal(bitset_words(0), 0);
    assert_int_equal(bitset_words(1), 1);
    assert_int_equal(bitset_words(64), 1);
    assert_int_equal(bitset_words(65), 2);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_set_test_clear),
        cmocka_unit_test(test_next_and_foreach),
        cmocka_unit_test(test_set_algebra),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
