/* Unit tests: the violation text pool (textpool.h): equal texts are held once, a text
 * never moves while the pool grows, and everything is freed with the pool (the
 * sanitizer build checks that nothing leaks). */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "textpool.h"
#include "util.h"

static void test_equal_texts_held_once(void **state)
{
    (void)state;
    TextPool tp;
    textpool_init(&tp);
    const char *a = textpool_take(&tp, str_printf("no seat left: %d of %d in use", 250, 250));
    const char *b = textpool_take(&tp, str_printf("no seat left: %d of %d in use", 250, 250));
    const char *c = textpool_take(&tp, str_printf("no seat left: %d of %d in use", 249, 250));
    assert_ptr_equal(a, b);
    assert_ptr_not_equal(a, c);
    assert_string_equal(a, "no seat left: 250 of 250 in use");
    assert_string_equal(c, "no seat left: 249 of 250 in use");
    assert_null(textpool_take(&tp, NULL));
    /* the empty text is a text like any other */
    const char *e1 = textpool_take(&tp, str_printf("%s", ""));
    const char *e2 = textpool_take(&tp, str_printf("%s", ""));
    assert_ptr_equal(e1, e2);
    assert_int_equal(tp.count, 3);
    textpool_free(&tp);
    assert_int_equal(tp.count, 0);
}

/* Texts taken early keep their address and content through many growths; taking any
 * of them again finds the first copy. */
static void test_stable_through_growth(void **state)
{
    (void)state;
    enum { N = 5000 };
    TextPool tp;
    textpool_init(&tp);
    static const char *first[N];
    for (int i = 0; i < N; i++) first[i] = textpool_take(&tp, str_printf("held back: P%d failed with CountViolation", i));
    assert_int_equal(tp.count, N);
    for (int i = N; i-- > 0;) {
        char want[64];
        snprintf(want, sizeof want, "held back: P%d failed with CountViolation", i);
        assert_string_equal(first[i], want);
        assert_ptr_equal(textpool_take(&tp, str_printf("%s", want)), first[i]);
    }
    assert_int_equal(tp.count, N);
    textpool_free(&tp);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_equal_texts_held_once),
        cmocka_unit_test(test_stable_through_growth),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
