/* Unit tests: reading whole files (source.h): a file view maps or reads, always ends
 * in a NUL, and a mapped file that shrinks while it is read ends the process with
 * exit status 2 and a message naming it, not a crash. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "source.h"
#include "util.h"

/* Makes the file named by a mkstemp template (filled in), empty; returns the page size. */
static size_t temp_file(char *path)
{
    int fd = mkstemp(path);
    assert_true(fd >= 0);
    close(fd);
    return (size_t)sysconf(_SC_PAGESIZE);
}

static void write_file(const char *path, size_t size)
{
    FILE *f = fopen(path, "wb");
    assert_non_null(f);
    for (size_t i = 0; i < size; i++) fputc(i % 61 == 60 ? '\n' : 'a' + (int)(i % 26), f);
    assert_int_equal(fclose(f), 0);
}

static void test_view_sizes(void **state)
{
    (void)state;
    char path[] = "/tmp/skuld-view-XXXXXX";
    size_t page = temp_file(path);
    size_t sizes[] = { 0, 1, page - 1, page, 3 * page + 7, 4 * page };
    for (size_t k = 0; k < sizeof sizes / sizeof *sizes; k++) {
        write_file(path, sizes[k]);
        FileView v;
        char err[256];
        assert_int_equal(file_view_open(&v, path, 0, err, sizeof err), 0);
        assert_int_equal(v.len, sizes[k]);
        assert_int_equal(v.data[v.len], '\0');
        /* a size that leaves no room for the NUL in the last page is read, not mapped */
        if (sizes[k] % page == 0) assert_int_equal(v.map_len, 0);
        else assert_int_equal(v.map_len, sizes[k]);
        if (sizes[k]) assert_int_equal(v.data[0], 'a');
        file_view_close(&v);
    }
    unlink(path);
}

static void test_shrinking_file_exits_2(void **state)
{
    (void)state;
    char path[] = "/tmp/skuld-shrink-XXXXXX";
    size_t page = temp_file(path);
    write_file(path, 8 * page + 100);
    char errpath[] = "/tmp/skuld-shrink-err-XXXXXX";
    int efd = mkstemp(errpath);
    assert_true(efd >= 0);
    pid_t pid = fork();
    assert_true(pid >= 0);
    if (pid == 0) {
        dup2(efd, 2);
        FileView v;
        char err[256];
        if (file_view_open(&v, path, 0, err, sizeof err) != 0 || !v.map_len) _exit(10);
        if (truncate(path, 0) != 0) _exit(11);
        volatile char c = v.data[5 * page];   /* the page is gone: SIGBUS */
        (void)c;
        _exit(12);
    }
    int status = 0;
    assert_int_equal(waitpid(pid, &status, 0), pid);
    assert_true(WIFEXITED(status));
    assert_int_equal(WEXITSTATUS(status), 2);
    char msg[512] = {0};
    assert_true(pread(efd, msg, sizeof msg - 1, 0) > 0);
    assert_non_null(strstr(msg, path));
    assert_non_null(strstr(msg, "changed"));
    close(efd);
    unlink(errpath);
    unlink(path);
}

/* utf8_valid_lines counts line ends as a plain loop would, across its 32-byte blocks,
 * multi-byte characters and block edges, and finds the same first bad byte as
 * utf8_valid. */
static void test_utf8_line_count(void **state)
{
    (void)state;
    static const char *const pieces[] = { "a", "\n", "user1@contoso.com,", "\xc3\xa9", "\xe2\x82\xac",
                                          "\xf0\x9f\x98\x80", "\r\n", "0123456789abcdef0123456789abcdef" };
    uint64_t seed = 42;
    char text[2048];
    for (int round = 0; round < 2000; round++) {
        size_t len = 0, want = 0;
        seed = seed * 6364136223846793005ULL + 1442695040888963407ULL;
        size_t target = (size_t)(seed >> 33) % 1500;
        while (len < target) {
            seed = seed * 6364136223846793005ULL + 1442695040888963407ULL;
            const char *p = pieces[(seed >> 33) % (sizeof pieces / sizeof *pieces)];
            memcpy(text + len, p, strlen(p));
            len += strlen(p);
        }
        for (size_t i = 0; i < len; i++) want += text[i] == '\n';
        size_t bad = 0, lines = 12345;
        assert_int_equal(utf8_valid_lines(text, len, &bad, &lines), 1);
        assert_int_equal(lines, want);
        if (len) {   /* a stray continuation byte somewhere: the same answer as utf8_valid */
            size_t at = (size_t)(seed >> 20) % len;
            char saved = text[at];
            text[at] = (char)0x80;
            size_t bad1 = 0, bad2 = 0;
            int ok1 = utf8_valid(text, len, &bad1), ok2 = utf8_valid_lines(text, len, &bad2, &lines);
            assert_int_equal(ok1, ok2);
            if (!ok1) assert_int_equal(bad1, bad2);
            text[at] = saved;
        }
    }
}

/* str_printf gives the whole text at every length: below, at and past the size it
 * formats into first (texts of 255, 256 and 257 bytes), and far past it. */
static void test_str_printf_lengths(void **state)
{
    (void)state;
    static const size_t lens[] = { 0, 1, 200, 251, 252, 253, 254, 255, 256, 300, 5000 };
    for (size_t k = 0; k < sizeof lens / sizeof *lens; k++) {
        size_t n = lens[k];
        char *want = malloc(n + 16);
        assert_non_null(want);
        for (size_t i = 0; i < n; i++) want[i] = (char)('a' + i % 26);
        want[n] = 0;
        char *got = str_printf("%s|%d", want, 42);
        assert_non_null(got);
        assert_int_equal(strlen(got), n + 3);
        assert_memory_equal(got, want, n);
        assert_string_equal(got + n, "|42");
        free(got);
        free(want);
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_view_sizes),
        cmocka_unit_test(test_shrinking_file_exits_2),
        cmocka_unit_test(test_utf8_line_count),
        cmocka_unit_test(test_str_printf_lengths),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
