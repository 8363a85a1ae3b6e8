/* main.c — `skuld COMMAND ...`: dispatch to the commands. */
#define _DEFAULT_SOURCE 1   /* sbrk (the heap's end, for huge pages) */
#include <stdio.h>
#include <string.h>
#ifdef __GLIBC__
#include <malloc.h>
#include <stdint.h>
#include <sys/mman.h>
#include <unistd.h>
#endif

#include "commands.h"

static const char usage[] =
    "usage: skuld COMMAND [OPTIONS] ...\n"
    "\n"
    "Group-based licensing rules for Microsoft 365 / Entra ID, checked and evaluated\n"
    "before anything changes in the tenant.\n"
    "\n"
    "commands:\n"
    "  check RULES...                 compile rule files; report errors and warnings\n"
    "  lint  RULES... [--tenant DIR]  findings with codes (prerequisite gaps first)\n"
    "  eval  RULES... --tenant DIR    assignments, violations and seat counts\n"
    "  whatif RULES... --tenant DIR --scenario NAME|FILE\n"
    "                                 dry-run changes: the diff against the baseline\n"
    "  explain RULES... --tenant DIR --user ID\n"
    "                                 the story of one user: why they get what they get\n"
    "  report RULES... --tenant DIR -o FILE.html\n"
    "                                 a self-contained HTML report for people\n"
    "  fmt [-w|--check] FILES...      canonical layout of rule files\n"
    "  import catalog FILE.csv        Microsoft's product/plan CSV as rule text\n"
    "  import groups FILE.json        a Graph export's group licences as group blocks\n"
    "\n"
    "RULES are .skuld files or directories (every *.skuld directly inside).\n"
    "Run 'skuld COMMAND --help' for a command's options.\n"
    "exit status: 0 done, 1 done with errors or violations, 2 could not do the job\n";

int main(int argc, char **argv)
{
#ifdef __GLIBC__
    /* Loading a tenant makes many arrays of a few megabytes and frees some of them
     * before evaluating: grow the heap in large steps and keep what is freed for reuse,
     * instead of a system call and fresh zeroed pages each time (about a tenth of a
     * 100,000-user run; docs/PERFORMANCE.md). The process is short-lived.
     * Arrays past 32 MiB (a million users' tables) come from the heap too, not from
     * mappings of their own: what the loader frees (row arrays, the address sort)
     * then holds the evaluation's holdings, without new zeroed pages (a fifth of a
     * million-user run). */
    mallopt(M_TOP_PAD, 512 << 20);
    mallopt(M_TRIM_THRESHOLD, 1 << 30);
    mallopt(M_MMAP_MAX, 0);
    /* The heap's first stretch (the top pad: 512 MiB, a reservation that costs nothing
     * until it is touched) on huge pages: parsing rules makes tens of thousands of
     * small blocks, and a fault for each fresh 4 KiB page cost a third of `check`; and
     * what a loader frees is reused for the evaluation's holdings (eval.h), which are
     * read at random and want huge pages too. Past that stretch the heap grows into a
     * region of its own that the kernel does not mark; the big arrays there are marked
     * one by one (mem_huge). */
    void *first = malloc(1);
    if (first) {
        const uintptr_t page = 4096;
        uintptr_t start = ((uintptr_t)first + page - 1) & ~(page - 1);
        uintptr_t end = ((uintptr_t)sbrk(0) + page - 1) & ~(page - 1);
        /* only when the block is in the heap sbrk grows (not under another allocator) */
        if (end != (uintptr_t)-1 && end > start && end - start <= (640u << 20))
            (void)madvise((void *)start, end - start, MADV_HUGEPAGE);
        free(first);
    }
#endif
    if (argc < 2) {
        fputs(usage, stderr);
        return 2;
    }
    const char *cmd = argv[1];
    if (strcmp(cmd, "--help") == 0 || strcmp(cmd, "-h") == 0 || strcmp(cmd, "help") == 0) {
        fputs(usage, stdout);
        return 0;
    }
    if (strcmp(cmd, "--version") == 0 || strcmp(cmd, "version") == 0) {
        printf("skuld %s\n", SKULD_VERSION);
        return 0;
    }
    if (strcmp(cmd, "check") == 0) return cmd_check(argc - 2, argv + 2);
    if (strcmp(cmd, "eval") == 0) return cmd_eval(argc - 2, argv + 2);
    if (strcmp(cmd, "whatif") == 0) return cmd_whatif(argc - 2, argv + 2);
    if (strcmp(cmd, "lint") == 0) return cmd_lint(argc - 2, argv + 2);
    if (strcmp(cmd, "import") == 0) return cmd_import(argc - 2, argv + 2);
    if (strcmp(cmd, "fmt") == 0) return cmd_fmt(argc - 2, argv + 2);
    if (strcmp(cmd, "explain") == 0) return cmd_explain(argc - 2, argv + 2);
    if (strcmp(cmd, "report") == 0) return cmd_report(argc - 2, argv + 2);
    fprintf(stderr, "skuld: unknown command '%s'\n\n%s", cmd, usage);
    return 2;
}
