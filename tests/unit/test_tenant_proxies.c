/* Unit tests: the shared proxy addresses tenant_load keeps (S5.2 needs them).
 *
 * Only addresses two or more users list are kept, numbered in order of first
 * appearance in users.csv, and each user gets its shared addresses in the order it
 * lists them, whether its proxy_addresses field is plain or quoted with "" inside
 * (the CSV reader unescapes such a field into a copy of its own, outside the file's
 * bytes: the order must not depend on where that copy lies in memory).
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "checker.h"
#include "diag.h"
#include "policy.h"
#include "rules.h"
#include "tenant.h"

static void write_file(const char *dir, const char *name, const char *text)
{
    char path[512];
    snprintf(path, sizeof path, "%s/%s", dir, name);
    FILE *f = fopen(path, "w");
    assert_non_null(f);
    fputs(text, f);
    assert_int_equal(fclose(f), 0);
}

static void remove_dir(const char *dir, const char *const *names)
{
    char path[512];
    for (size_t i = 0; names[i]; i++) {
        snprintf(path, sizeof path, "%s/%s", dir, names[i]);
        unlink(path);
    }
    rmdir(dir);
}

/* The user's shared addresses, as "a|b|", into out. */
static void addresses_of(const Tenant *t, uint32_t user, char *out, size_t cap)
{
    out[0] = 0;
    const TenantUser *u = &t->users[user];
    for (uint32_t i = 0; i < u->nproxies; i++) {
        size_t len = strlen(out);
        snprintf(out + len, cap - len, "%s|", t->proxy_text[t->user_proxies[u->first_proxy + i]]);
    }
}

static void test_shared_addresses_in_file_order(void **state)
{
    (void)state;
    char dir[] = "/tmp/skuld-proxies.XXXXXX";
    assert_non_null(mkdtemp(dir));
    write_file(dir, "rules.skuld",
               "plan EXO \"Exchange\" mailbox;\n"
               "product E \"E\" { plans EXO; }\n"
               "group \"Mail\" { assign E; }\n");
    /* u0 lists a"q first (quoted field: an unescaped copy); u1 lists b; u2 lists b,
     * then a"q (quoted too); u3 shares nothing; u4 lists A"Q (case differs) and c,
     * which nobody else lists */
    write_file(dir, "users.csv",
               "user,usage_location,proxy_addresses\n"
               "u0@x.com,NL,\"smtp:a\"\"q@x.com;SMTP:u0@x.com\"\n"
               "u1@x.com,NL,smtp:b@x.com;SMTP:u1@x.com\n"
               "u2@x.com,NL,\"smtp:b@x.com;smtp:a\"\"q@x.com\"\n"
               "u3@x.com,NL,SMTP:u3@x.com\n"
               "u4@x.com,NL,\"SMTP:A\"\"Q@X.COM;smtp:c@x.com\"\n");
    write_file(dir, "members.csv", "group,member\nMail,u0@x.com\n");
    RuleSet rs;
    rules_init(&rs);
    char path[512];
    snprintf(path, sizeof path, "%s/rules.skuld", dir);
    char *paths[1] = { path };
    assert_int_equal(rules_load(&rs, paths, 1), 0);
    Policy *p = check_rules(&rs);
    assert_non_null(p);
    Tenant *t = tenant_load(dir, p, &rs.diags);
    if (!t) diag_print_text(&rs.diags, stderr);
    assert_non_null(t);
    assert_int_equal(t->nusers, 5);
    /* kept: a"q (first in u0's line), then b (u1's line); nothing else is shared */
    assert_int_equal(t->nproxies, 2);
    assert_string_equal(t->proxy_text[0], "smtp:a\"q@x.com");
    assert_string_equal(t->proxy_text[1], "smtp:b@x.com");
    char got[256];
    addresses_of(t, 0, got, sizeof got);
    assert_string_equal(got, "smtp:a\"q@x.com|");
    addresses_of(t, 1, got, sizeof got);
    assert_string_equal(got, "smtp:b@x.com|");
    addresses_of(t, 2, got, sizeof got);
    assert_string_equal(got, "smtp:b@x.com|smtp:a\"q@x.com|");
    addresses_of(t, 3, got, sizeof got);
    assert_string_equal(got, "");
    addresses_of(t, 4, got, sizeof got);
    assert_string_equal(got, "smtp:a\"q@x.com|");
    tenant_free(t);
    policy_free(p);
    rules_free(&rs);
    static const char *const names[] = { "rules.skuld", "users.csv", "members.csv", NULL };
    remove_dir(dir, names);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_shared_addresses_in_file_order),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
