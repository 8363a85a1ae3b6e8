/* fuzz_common.h — what the libFuzzer targets share: a private temporary directory
 * (made once per process), writing an input to a file in it, a sink for reports and
 * diagnostics, and the fixed policy of the Contoso example (rules/catalog.skuld and
 * rules/contoso.skuld, embedded at build time by fuzz/embed.sh into fuzz_data.h).
 *
 * Each target is one translation unit that includes this header; see fuzz/run.sh.
 */
#ifndef SKULD_FUZZ_COMMON_H
#define SKULD_FUZZ_COMMON_H

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "checker.h"
#include "policy.h"
#include "rules.h"

#include "fuzz_data.h"

/* The process's temporary directory ($TMPDIR or /tmp), made on first use and removed
 * at exit with the files the target wrote into it (fz_path names them). */
#define FZ_MAX_FILES 16
static char fz_dir[4096];
static char *fz_files[FZ_MAX_FILES];
static int fz_nfiles;

static void fz_cleanup(void)
{
    for (int i = fz_nfiles - 1; i >= 0; i--) {
        unlink(fz_files[i]);
        rmdir(fz_files[i]);     /* subdirectories are registered too */
        free(fz_files[i]);
    }
    fz_nfiles = 0;
    if (fz_dir[0]) rmdir(fz_dir);
}

static const char *fz_tmpdir(void)
{
    if (!fz_dir[0]) {
        const char *base = getenv("TMPDIR");
        snprintf(fz_dir, sizeof fz_dir, "%s/skuld-fuzz.XXXXXX", base && *base ? base : "/tmp");
        if (!mkdtemp(fz_dir)) {
            perror("skuld fuzz: mkdtemp");
            abort();
        }
        atexit(fz_cleanup);
    }
    return fz_dir;
}

/* DIR/name, registered for removal at exit; the string lives as long as the process. */
static const char *fz_path(const char *name)
{
    const char *dir = fz_tmpdir();
    for (int i = 0; i < fz_nfiles; i++) {
        const char *f = fz_files[i];
        size_t n = strlen(dir);
        if (strncmp(f, dir, n) == 0 && f[n] == '/' && strcmp(f + n + 1, name) == 0) return f;
    }
    if (fz_nfiles == FZ_MAX_FILES) abort();
    size_t len = strlen(dir) + 1 + strlen(name) + 1;
    char *p = malloc(len);
    if (!p) abort();
    snprintf(p, len, "%s/%s", dir, name);
    fz_files[fz_nfiles++] = p;
    return p;
}

static const char *fz_mkdir(const char *name)
{
    const char *p = fz_path(name);
    mkdir(p, 0700);
    return p;
}

/* Writes n bytes to path (replacing it); aborts when the file system says no, so that a
 * full /tmp is not mistaken for a finding. */
static void fz_write(const char *path, const uint8_t *data, size_t n)
{
    FILE *f = fopen(path, "wb");
    if (!f || (n && fwrite(data, 1, n, f) != n) || fclose(f) != 0) {
        perror(path);
        abort();
    }
}

static FILE *fz_devnull(void)
{
    static FILE *f;
    if (!f) f = fopen("/dev/null", "w");
    if (!f) abort();
    return f;
}

static char *fz_strdup(const char *s)
{
    size_t n = strlen(s);
    char *p = malloc(n + 1);
    if (!p) abort();
    memcpy(p, s, n + 1);
    return p;
}

/* The Contoso rules as the CLI reads `rules/` (two files, catalog first). */
static void fz_load_contoso_rules(RuleSet *rs)
{
    rules_load_text(rs, "rules/catalog.skuld", fz_strdup(fz_rules_catalog));
    rules_load_text(rs, "rules/contoso.skuld", fz_strdup(fz_rules_contoso));
}

/* A policy compiled once and kept for the process: tenant loading fills in seats the
 * rules left unset (skus.csv, subscribedSkus), so fz_policy_reset puts them back before
 * each input. */
typedef struct {
    RuleSet rs;
    Policy *p;
    int64_t *seats;
} FzPolicy;

static void fz_policy_reset(FzPolicy *fp)
{
    for (uint32_t i = 0; i < fp->p->nproducts; i++) fp->p->products[i].seats = fp->seats[i];
}

static FzPolicy *fz_contoso_policy(void)
{
    static FzPolicy fp;
    if (fp.p) return &fp;
    rules_init(&fp.rs);
    fz_load_contoso_rules(&fp.rs);
    fp.p = fp.rs.diags.errors ? NULL : check_rules(&fp.rs);
    if (!fp.p) {
        diag_print_text(&fp.rs.diags, stderr);
        fprintf(stderr, "skuld fuzz: the embedded rules do not compile\n");
        abort();
    }
    fp.seats = malloc((fp.p->nproducts + 1) * sizeof *fp.seats);
    if (!fp.seats) abort();
    for (uint32_t i = 0; i < fp.p->nproducts; i++) fp.seats[i] = fp.p->products[i].seats;
    return &fp;
}

#endif
