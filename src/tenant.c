/* tenant.c — loading the CSV tenant directory (see tenant.h, CLI.md "Tenant data"). */
#include "tenant.h"
#include "csv.h"
#include "csvstream.h"
#include "eval.h"
#include "progress.h"
#include "graph.h"
#include "source.h"
#include "util.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#define MAX_COLS 6
#define MAX_TENANT_FILE ((size_t)4 << 30)
#ifndef STREAM_WINDOW   /* (a test build sets a few bytes: every window edge is crossed) */
#define STREAM_WINDOW ((size_t)256 << 10)   /* bytes a window of a streamed file holds */
#endif

/* One CSV file being read: its bytes, reader and the columns a loader asked for.
 * Either mapped whole (view, reader) or streamed in windows (stream): see csv_open. */
typedef struct {
    char *path;
    FileView view;              /* the file's bytes, never written (read in place) */
    const char *buf;
    size_t len;
    CsvReader *reader;
    size_t line_ends;           /* mapped: '\n' bytes in the file (counted with the UTF-8
                                   check): at least its rows, so arrays sized from it once
                                   never grow while the file is read */
    CsvStream *stream;          /* streamed: the file read a window at a time */
    DiagList *diags;            /* streamed: where a late UTF-8 or read error is reported */
    DiagMark mark;              /* streamed: the diagnostics before the file's */
    int col[MAX_COLS];          /* field index of each requested column, -1 if absent */
    size_t ncols_header;
} CsvFile;

typedef struct {
    Tenant *t;
    Policy *p;
    DiagList *diags;
    size_t errors_before;
} Loader;

/* Closes the file. A streamed file found not UTF-8 (or unreadable) after its rows were
 * read, in the rows or in the rest a CSV error or a bad header left unread, says only
 * that, as a mapped one would have said before any row: what was said about its rows
 * is taken back. */
static void csv_close(CsvFile *f)
{
    if (f->stream) {
        const CsvStreamError *e = csv_stream_error(f->stream);
        if (csv_stream_check_rest(f->stream) < 0 && (e->kind == CSV_STREAM_BAD_UTF8 || e->kind == CSV_STREAM_IO)) {
            diag_rewind(f->diags, f->mark);
            diag_add_file(f->diags, SEV_ERROR, f->path, (int)e->line, (int)e->column, "tenant",
                          e->kind == CSV_STREAM_BAD_UTF8 ? "save the file as UTF-8" : NULL, "%s", e->message);
        }
        csv_stream_close(f->stream);
    }
    csv_reader_free(f->reader);
    if (f->buf) file_view_close(&f->view);
    free(f->path);
    memset(f, 0, sizeof *f);
}

/* Trims ASCII spaces and tabs around a field, in place. */
static const char *trim(const char *s, size_t *len)
{
    size_t n = *len;
    while (n && (*s == ' ' || *s == '\t')) { s++; n--; }
    while (n && (s[n - 1] == ' ' || s[n - 1] == '\t')) n--;
    *len = n;
    return s;
}

/* The next row of a streamed or mapped file: csv_read_row's results, and
 * CSV_STREAM_WINDOW_END from a stream (rows read before are gone after the next call). */
static int read_row(CsvFile *f, CsvRow *row)
{
    return f->stream ? csv_stream_read_row(f->stream, row) : csv_read_row(f->reader, row);
}

/* Reports the error that ended the reading of f, when it is a CSV error; a streamed
 * file's UTF-8 or read error is csv_close's to report (it takes back what was said
 * about the rows first). */
static void report_read_error(Loader *ld, const CsvFile *f)
{
    unsigned line, column;
    const char *why;
    if (f->stream) {
        const CsvStreamError *e = csv_stream_error(f->stream);
        if (e->kind != CSV_STREAM_BAD_CSV) return;
        why = e->message;
        line = e->line;
        column = e->column;
    } else {
        why = csv_reader_error(f->reader, &line, &column);
    }
    diag_add_file(ld->diags, SEV_ERROR, f->path, (int)line, (int)column, "tenant", NULL, "%s", why);
}

/* Opens DIR/NAME and reads its header. Returns 1 when open, 0 when absent and
 * optional, -1 on an error (reported). names: the columns, required ones first.
 * streamed: read in windows (csvstream.h) rather than mapped, for a file whose
 * fields are not kept; csv_next then also returns CSV_STREAM_WINDOW_END. */
static int csv_open(Loader *ld, const char *dir, const char *name, int optional, const char *const *names,
                    int nrequired, int ncols, int streamed, CsvFile *f)
{
    memset(f, 0, sizeof *f);
    f->path = dir ? str_printf("%s%s%s", dir, dir[0] && dir[strlen(dir) - 1] == '/' ? "" : "/", name)
                  : str_ndup(name, strlen(name));
    if (!f->path) fatal_oom();
    struct stat st;
    if (lstat(f->path, &st) != 0 && errno == ENOENT && optional) {   /* a dangling link is not "absent" */
        csv_close(f);
        return 0;
    }
    char err[4200];
    if (streamed) {
        f->diags = ld->diags;
        f->mark = diag_mark(ld->diags);
        f->stream = csv_stream_open(f->path, MAX_TENANT_FILE, STREAM_WINDOW, err, sizeof err);
    } else if (file_view_open(&f->view, f->path, MAX_TENANT_FILE, err, sizeof err) == 0) {
        f->buf = f->view.data;
        f->len = f->view.len;
    }
    if (!f->buf && !f->stream) {
        diag_add_file(ld->diags, SEV_ERROR, f->path, 0, 0, "tenant", NULL, "%s", err);
        csv_close(f);
        return -1;
    }
    if (!streamed) {
        size_t bad;
        if (!utf8_valid_lines(f->buf, f->len, &bad, &f->line_ends)) {
            int line, column;
            text_position(f->buf, bad, &line, &column);
            diag_add_file(ld->diags, SEV_ERROR, f->path, line, column, "tenant", "save the file as UTF-8",
                          "invalid UTF-8 (byte 0x%02x)", (unsigned char)f->buf[bad]);
            csv_close(f);
            return -1;
        }
        f->reader = csv_reader_new_const(f->buf, f->len);
        if (!f->reader) fatal_oom();
    }
    CsvRow row;
    int rc;
    while ((rc = read_row(f, &row)) == CSV_STREAM_WINDOW_END) continue;   /* windows of empty lines */
    if (rc <= 0) {
        if (rc < 0) report_read_error(ld, f);
        else diag_add_file(ld->diags, SEV_ERROR, f->path, 1, 1, "tenant", NULL,
                           "the file is empty: the header row is missing");
        csv_close(f);   /* and a streamed file's UTF-8 or read error */
        return -1;
    }
    f->ncols_header = row.count;
    for (int c = 0; c < ncols; c++) f->col[c] = -1;
    int ok = 1;
    for (size_t i = 0; i < row.count; i++) {
        size_t len = row.fields[i].len;
        const char *h = trim(row.fields[i].text, &len);
        /* a byte-order mark in front of a later header name (columns pasted together);
         * a second one at the very start stays an error */
        if (i > 0 && len >= 3 && (unsigned char)h[0] == 0xEF && (unsigned char)h[1] == 0xBB &&
            (unsigned char)h[2] == 0xBF) {
            h += 3;
            len -= 3;
        }
        for (int c = 0; c < ncols; c++) {
            if (strlen(names[c]) != len || strncmp(h, names[c], len) != 0) continue;
            if (f->col[c] >= 0) {
                diag_add_file(ld->diags, SEV_ERROR, f->path, (int)row.fields[i].line, (int)row.fields[i].column,
                              "tenant", NULL, "column '%s' appears twice in the header", names[c]);
                ok = 0;
            }
            f->col[c] = (int)i;
        }
    }
    for (int c = 0; c < nrequired; c++) {
        if (f->col[c] < 0) {
            diag_add_file(ld->diags, SEV_ERROR, f->path, 1, 1, "tenant", NULL,
                          "the header has no column '%s'", names[c]);
            ok = 0;
        }
    }
    if (!ok) {
        csv_close(f);   /* and a streamed file's UTF-8 or read error, which would come first */
        return -1;
    }
    return 1;
}

enum { ROW_SKIPPED = 2, NEXT_WINDOW = 3 };

/* Reads the next data row: 1, or -1 on malformed input (reported), 0 at the end. A row
 * whose field count differs from the header's is malformed: reported, ROW_SKIPPED. A
 * streamed file also returns NEXT_WINDOW: the fields of the rows read so far go at the
 * next call (see csv_open). */
static int csv_next(Loader *ld, CsvFile *f, CsvRow *row)
{
    int rc = read_row(f, row);
    if (rc == CSV_STREAM_WINDOW_END) return NEXT_WINDOW;
    if (rc < 0) {
        report_read_error(ld, f);
        return -1;
    }
    if (rc == 1 && row->count != f->ncols_header) {
        diag_add_file(ld->diags, SEV_ERROR, f->path, (int)row->line, 1, "tenant", NULL,
                      "the row has %zu fields, the header %zu", row->count, f->ncols_header);
        return ROW_SKIPPED;   /* reported; the caller skips the row and goes on */
    }
    return rc;
}

/* The field of requested column c, trimmed; "" when the column is absent. */
static const char *field(const CsvFile *f, const CsvRow *row, int c, size_t *len, unsigned *column)
{
    if (f->col[c] < 0) {
        *len = 0;
        if (column) *column = 1;
        return "";
    }
    const CsvField *fl = &row->fields[f->col[c]];
    if (column) *column = fl->column;
    *len = fl->len;
    const char *text = trim(fl->text, len);
    /* a cell neutralised against spreadsheet formulas ('=...) reads as what it holds */
    if (*len >= 2 && text[0] == '\'' && strchr("=+-@\t\r", text[1])) {
        text++;
        (*len)--;
    }
    return text;
}

/* Calls fn on each ';'-separated, trimmed, non-empty item of s[0..len). */
static void each_item(const char *s, size_t len, void (*fn)(void *ctx, const char *item, size_t n), void *ctx)
{
    const char *end = s + len;
    for (;;) {   /* memchr finds the ';' many bytes a step: a million users list 2M addresses */
        const char *semi = memchr(s, ';', (size_t)(end - s));
        size_t n = (size_t)((semi ? semi : end) - s);
        const char *item = trim(s, &n);
        if (n) fn(ctx, item, n);
        if (!semi) return;
        s = semi + 1;
    }
}

/* ---- users.csv ------------------------------------------------------------------ */

void tenant_add_proxy(void *ctx, const char *item, size_t n)
{
    ProxyCtx *pc = ctx;
    Tenant *t = pc->t;
    int64_t id = name_index_find(pc->proxies, item, n);
    if (id < 0) {
        id = (int64_t)t->nproxies;
        if (name_index_put(pc->proxies, item, n, id) == -2) fatal_oom();
        if (!grow_array((void **)&t->proxy_text, &pc->cap_text, t->nproxies + 1, sizeof *t->proxy_text)) fatal_oom();
        if (!(t->proxy_text[t->nproxies++] = str_ndup(item, n))) fatal_oom();
    }
    for (uint32_t i = pc->first; i < t->nproxy_refs; i++)
        if (t->user_proxies[i] == (uint32_t)id) return;   /* listed twice on one user */
    if (!grow_array((void **)&t->user_proxies, &pc->cap_refs, t->nproxy_refs + 1, sizeof *t->user_proxies)) fatal_oom();
    t->user_proxies[t->nproxy_refs++] = (uint32_t)id;
}

/* One proxy address of a user, while users.csv is read. */
typedef struct {
    uint64_t hash;              /* of the address, case folded */
    uint32_t user, len;
    const char *text;           /* as written, in the file's bytes */
} ProxySeen;

typedef struct {
    ProxySeen *seen;
    size_t n, cap;
    uint32_t user;
} ProxyList;

static void note_proxy(void *ctx, const char *item, size_t n)
{
    ProxyList *pl = ctx;
    if (n > UINT32_MAX) n = UINT32_MAX;
    if (!grow_array((void **)&pl->seen, &pl->cap, pl->n + 1, sizeof *pl->seen)) fatal_oom();
    pl->seen[pl->n++] = (ProxySeen){ name_hash(item, n, 1), pl->user, (uint32_t)n, item };
}

static int same_address(const ProxySeen *a, const ProxySeen *b)
{
    if (a->hash != b->hash || a->len != b->len) return 0;
    for (uint32_t i = 0; i < a->len; i++) {
        unsigned char x = (unsigned char)a->text[i], y = (unsigned char)b->text[i];
        if (x >= 'A' && x <= 'Z') x += 32;
        if (y >= 'A' && y <= 'Z') y += 32;
        if (x != y) return 0;
    }
    return 1;
}

/* Stable LSD radix sort of the addresses by the top 33 bits of their hash (three
 * passes of 11 bits), then each run of equal top bits by (hash, user): equal
 * addresses end up together, in users.csv order. */
static void sort_proxies(ProxySeen *seen, size_t n)
{
    ProxySeen *tmp = mem_huge(malloc((n ? n : 1) * sizeof *tmp), n * sizeof *tmp);
    if (!tmp) fatal_oom();
    ProxySeen *from = seen, *to = tmp;
    for (int shift = 31; shift <= 53; shift += 11) {
        size_t count[2049] = {0};
        for (size_t i = 0; i < n; i++) count[((from[i].hash >> shift) & 2047) + 1]++;
        for (size_t d = 1; d < 2049; d++) count[d] += count[d - 1];
        for (size_t i = 0; i < n; i++) to[count[(from[i].hash >> shift) & 2047]++] = from[i];
        ProxySeen *t = from; from = to; to = t;
    }
    if (from != seen) memcpy(seen, from, n * sizeof *seen);
    free(tmp);
    for (size_t i = 1; i < n; i++) {
        ProxySeen x = seen[i];
        size_t k = i;
        while (k > 0 && (seen[k - 1].hash > x.hash || (seen[k - 1].hash == x.hash && seen[k - 1].user > x.user))) {
            seen[k] = seen[k - 1];
            k--;
        }
        seen[k] = x;
    }
}

/* Drops the addresses no other address can equal, keeping the rest in order; returns
 * how many are left. Equal addresses have equal hashes, so an address whose hash bits
 * (the low ones, 8 bits of filter per address) no other address sets is listed once:
 * two bitmaps, "set once" and "set again", leave the duplicates and about one address
 * in nine besides to sort, instead of all of them. */
static size_t keep_possible_duplicates(ProxySeen *seen, size_t n)
{
    size_t nbits = 1024;
    while (nbits < n * 8) nbits *= 2;
    uint64_t *once = calloc(nbits / 64, sizeof *once), *again = calloc(nbits / 64, sizeof *again);
    if (!once || !again) fatal_oom();
    for (size_t i = 0; i < n; i++) {
        size_t b = (size_t)seen[i].hash & (nbits - 1);
        uint64_t bit = (uint64_t)1 << (b & 63);
        if (once[b >> 6] & bit) again[b >> 6] |= bit;
        else once[b >> 6] |= bit;
    }
    size_t kept = 0;
    for (size_t i = 0; i < n; i++) {
        size_t b = (size_t)seen[i].hash & (nbits - 1);
        if (again[b >> 6] & ((uint64_t)1 << (b & 63))) seen[kept++] = seen[i];
    }
    free(once);
    free(again);
    return kept;
}

typedef struct {
    uint32_t user, address;
    const char *text;           /* where the user lists it */
} ProxyRef;

/* users.csv order: by user (users are numbered in file order), then as the user lists
 * them. One user's addresses all lie in one buffer (the file's bytes, or the reader's
 * unescaped copy of a quoted field), so their places compare; places in different
 * buffers would not. */
static int cmp_proxy_ref(const void *x, const void *y)
{
    const ProxyRef *a = x, *b = y;
    if (a->user != b->user) return a->user < b->user ? -1 : 1;
    return a->text < b->text ? -1 : a->text > b->text;
}

/* Keeps the addresses that two or more users list (only those can clash, S5.2), each
 * named as first written, and gives each user its shared addresses in the order it
 * lists them. */
static void keep_shared_proxies(Tenant *t, ProxyList *pl)
{
    ProxySeen *seen = pl->seen;
    size_t n = keep_possible_duplicates(pl->seen, pl->n);
    sort_proxies(seen, n);
    ProxyRef *refs = NULL;
    size_t nrefs = 0, refs_cap = 0, text_cap = 0;
    uint8_t *taken = NULL;      /* per entry of a run: already grouped */
    size_t taken_cap = 0;
    for (size_t i = 0; i < n;) {
        size_t j = i + 1;
        while (j < n && seen[j].hash == seen[i].hash) j++;
        if (j - i > 1) {
            if (!grow_array((void **)&taken, &taken_cap, j - i, 1)) fatal_oom();
            memset(taken, 0, j - i);
            for (size_t a = i; a < j; a++) {
                if (taken[a - i]) continue;
                /* the entries of run [i, j) with the same address as entry a */
                uint32_t users = 0, last_user = UINT32_MAX;
                for (size_t b = a; b < j; b++)
                    if (!taken[b - i] && same_address(&seen[a], &seen[b]) && seen[b].user != last_user) {
                        users++;
                        last_user = seen[b].user;
                    }
                uint32_t id = t->nproxies;
                last_user = UINT32_MAX;
                for (size_t b = a; b < j; b++) {
                    if (taken[b - i] || !same_address(&seen[a], &seen[b])) continue;
                    taken[b - i] = 1;
                    if (users < 2 || seen[b].user == last_user) continue;   /* listed twice by one user */
                    last_user = seen[b].user;
                    if (!grow_array((void **)&refs, &refs_cap, nrefs + 1, sizeof *refs)) fatal_oom();
                    refs[nrefs++] = (ProxyRef){ seen[b].user, id, seen[b].text };
                }
                if (users < 2) continue;
                if (!grow_array((void **)&t->proxy_text, &text_cap, t->nproxies + 1, sizeof *t->proxy_text) ||
                    !(t->proxy_text[t->nproxies++] = str_ndup(seen[a].text, seen[a].len)))
                    fatal_oom();
            }
        }
        i = j;
    }
    free(taken);
    /* each user's shared addresses, in the order the user lists them */
    if (nrefs > 1) qsort(refs, nrefs, sizeof *refs, cmp_proxy_ref);
    /* number the addresses in order of first appearance in users.csv (as reports list
     * them): refs are in file order now */
    uint32_t *renumber = malloc(((size_t)t->nproxies + 1) * sizeof *renumber);
    char **texts = malloc(((size_t)t->nproxies + 1) * sizeof *texts);
    if (!renumber || !texts) fatal_oom();
    for (uint32_t a = 0; a < t->nproxies; a++) renumber[a] = UINT32_MAX;
    uint32_t next_id = 0;
    for (size_t k = 0; k < nrefs; k++) {
        uint32_t a = refs[k].address;
        if (renumber[a] == UINT32_MAX) {
            renumber[a] = next_id;
            texts[next_id++] = t->proxy_text[a];
        }
        refs[k].address = renumber[a];
    }
    if (t->nproxies) memcpy(t->proxy_text, texts, t->nproxies * sizeof *texts);
    free(texts);
    free(renumber);
    t->user_proxies = malloc((nrefs ? nrefs : 1) * sizeof *t->user_proxies);
    if (!t->user_proxies) fatal_oom();
    for (size_t k = 0; k < nrefs; k++) {
        TenantUser *u = &t->users[refs[k].user];
        if (!u->nproxies) u->first_proxy = (uint32_t)k;
        u->nproxies++;
        t->user_proxies[k] = refs[k].address;
    }
    t->nproxy_refs = (uint32_t)nrefs;
    free(refs);
}

static int load_users(Loader *ld, const char *dir)
{
    static const char *const cols[] = { "user", "usage_location", "proxy_addresses" };
    CsvFile f;
    if (csv_open(ld, dir, "users.csv", 0, cols, 1, 3, 0, &f) <= 0) return 0;
    Tenant *t = ld->t;
    size_t cap = 0;
    unsigned *lines = NULL;
    size_t lines_cap = 0;
    ProxyList proxies = {0};
    /* the rows are about the lines: size everything once */
    size_t lines_in_file = f.line_ends;
    name_index_reserve(&t->user_index, lines_in_file + 1);
    if (!grow_array((void **)&t->users, &cap, lines_in_file + 1, sizeof *t->users) ||
        !grow_array((void **)&lines, &lines_cap, lines_in_file + 1, sizeof *lines) ||
        !grow_array((void **)&proxies.seen, &proxies.cap, 2 * lines_in_file + 1, sizeof *proxies.seen))
        fatal_oom();
    mem_huge(t->users, cap * sizeof *t->users);   /* read at random by the evaluation */
    mem_huge(proxies.seen, proxies.cap * sizeof *proxies.seen);
    /* rows are read in batches: their ids' table slots are fetched together */
    enum { BATCH = 64 };
    struct {
        const char *id, *country, *proxies;
        size_t len, clen, plen;
        unsigned line, column, ccolumn;
        uint64_t hash;
    } batch[BATCH];
    size_t nbatch = 0;
    CsvRow row;
    int rc;
    int broken = 0;   /* malformed CSV: the rest of the file is unread */
    for (;;) {
        rc = csv_next(ld, &f, &row);
        if (rc < 0) broken = 1;
        if (rc == 1) {
            size_t len;
            unsigned column;
            const char *id = field(&f, &row, 0, &len, &column);
            if (len == 0) {
                diag_add_file(ld->diags, SEV_ERROR, f.path, (int)row.line, (int)column, "tenant", NULL,
                              "empty user id");
                continue;
            }
            batch[nbatch].id = id;
            batch[nbatch].len = len;
            batch[nbatch].line = row.line;
            batch[nbatch].column = column;
            batch[nbatch].country = field(&f, &row, 1, &batch[nbatch].clen, &batch[nbatch].ccolumn);
            batch[nbatch].proxies = field(&f, &row, 2, &batch[nbatch].plen, NULL);
            nbatch++;
        }
        if (rc == ROW_SKIPPED || (rc == 1 && nbatch < BATCH)) continue;
        for (size_t k = 0; k < nbatch; k++) {
            batch[k].hash = name_index_hash(&t->user_index, batch[k].id, batch[k].len);
            name_index_prefetch(&t->user_index, batch[k].hash);
        }
        for (size_t k = 0; k < nbatch; k++) {
            const char *id = batch[k].id;
            size_t len = batch[k].len;
            int64_t prev = name_index_put_hashed(&t->user_index, id, len, batch[k].hash, t->nusers);
            if (prev == -2) fatal_oom();
            if (prev >= 0) {
                diag_add_file(ld->diags, SEV_ERROR, f.path, (int)batch[k].line, (int)batch[k].column, "tenant", NULL,
                              "duplicate user '%.*s' (first at line %u)", (int)len, id, lines[prev]);
                continue;
            }
            if (!grow_array((void **)&t->users, &cap, t->nusers + 1, sizeof *t->users) ||
                !grow_array((void **)&lines, &lines_cap, t->nusers + 1, sizeof *lines)) fatal_oom();
            TenantUser *u = &t->users[t->nusers];
            lines[t->nusers] = batch[k].line;
            u->id = NULL;           /* set from the index below, which keeps a copy */
            size_t clen = batch[k].clen;
            const char *country = batch[k].country;
            u->country = -1;
            if (clen) {
                u->country = country_index(country, clen);
                if (u->country < 0)
                    diag_add_file(ld->diags, SEV_ERROR, f.path, (int)batch[k].line, (int)batch[k].ccolumn, "tenant",
                                  "usage_location is a two-letter ISO 3166-1 code, or empty for none",
                                  "unknown country code '%.*s'", (int)(clen > 20 ? 20 : clen), country);
            }
            proxies.user = t->nusers;
            each_item(batch[k].proxies, batch[k].plen, note_proxy, &proxies);
            u->first_proxy = u->nproxies = 0;
            t->nusers++;
        }
        nbatch = 0;
        if (rc <= 0) break;
    }
    if (!broken) keep_shared_proxies(t, &proxies);
    free(proxies.seen);
    free(lines);
    /* each user's id is the index's copy of it (the index is complete now) */
    for (uint32_t u = 0; u < t->nusers; u++) t->users[u].id = (char *)name_index_key(&t->user_index, u);
    t->ids_in_index = 1;
    csv_close(&f);
    return !broken;   /* later files would name users never read */
}

/* ---- members.csv ---------------------------------------------------------------- */

/* Rows of members.csv come grouped: a run is a stretch of rows of one group. */
typedef struct {
    uint32_t group;             /* tenant group id */
    uint32_t first, count;      /* rows */
} MemberRun;

#define NESTED_BIT 0x80000000u  /* a row's member is a group id (nested), not a user */
#define UNRESOLVED UINT32_MAX   /* a row's member is still to be resolved (or unknown) */

static int load_members(Loader *ld, const char *dir)
{
    static const char *const cols[] = { "group", "member" };
    CsvFile f;
    if (csv_open(ld, dir, "members.csv", 0, cols, 2, 2, 1, &f) <= 0) return 0;
    Tenant *t = ld->t;
    Policy *p = ld->p;
    NameIndex groups;                 /* every group name of members.csv and the rules */
    name_index_init(&groups, 0);
    uint32_t ngroups = 0;
    for (uint32_t g = 0; g < p->ngroups; g++) {
        name_index_put(&groups, p->groups[g].name, strlen(p->groups[g].name), ngroups);
        ngroups++;
    }
    /* per row: the member (user index, NESTED_BIT | group, or UNRESOLVED) and its line;
     * the file is streamed, so its rows are not counted first: the arrays are sized for
     * rows of 32 bytes (a user id of 20 and a group name of 10), and grow if need be */
    size_t rows_cap = csv_stream_size(f.stream) / 32 + 64, nrows = 0;
    uint32_t *row_member = mem_huge(malloc(rows_cap * sizeof *row_member), rows_cap * sizeof *row_member);
    uint32_t *row_line = mem_huge(malloc(rows_cap * sizeof *row_line), rows_cap * sizeof *row_line);
    if (!row_member || !row_line) fatal_oom();
    MemberRun *runs = NULL;
    size_t nruns = 0, runs_cap = 0;
    /* members that are not users: resolved as groups once every group is known */
    typedef struct { size_t row; char *name; unsigned column; } Pending;
    Pending *pending = NULL;
    size_t npending = 0, pending_cap = 0;
    /* members are looked up in batches, so that the table accesses overlap */
    enum { BATCH = 256 };
    const char *batch_name[BATCH];
    size_t batch_len[BATCH], batch_row[BATCH];
    unsigned batch_column[BATCH];
    int64_t batch_user[BATCH];
    size_t nbatch = 0;
    const char *last_group = NULL;    /* the previous row's group */
    size_t last_glen = 0;
    CsvRow row;
    int rc;
    int broken = 0;   /* malformed CSV: the rest of the file is unread */
    for (;;) {
        rc = csv_next(ld, &f, &row);
        if (rc < 0) broken = 1;
        if (rc == NEXT_WINDOW) last_group = NULL;   /* the names read so far go */
        if (rc == 1) {
            size_t glen, mlen;
            unsigned gcol, mcol;
            const char *gname = field(&f, &row, 0, &glen, &gcol);
            const char *member = field(&f, &row, 1, &mlen, &mcol);
            if (glen == 0 || mlen == 0) {
                diag_add_file(ld->diags, SEV_ERROR, f.path, (int)row.line, (int)(glen ? mcol : gcol), "tenant", NULL,
                              "empty %s", glen ? "member" : "group name");
                continue;
            }
            if (!last_group || glen != last_glen || memcmp(gname, last_group, glen) != 0) {
                int64_t g = name_index_put(&groups, gname, glen, ngroups);
                if (g == -2 || ngroups >= NESTED_BIT - 1) fatal_oom();
                if (g < 0) g = ngroups++;
                last_group = gname;
                last_glen = glen;
                if (!grow_array((void **)&runs, &runs_cap, nruns + 1, sizeof *runs)) fatal_oom();
                runs[nruns++] = (MemberRun){ (uint32_t)g, (uint32_t)nrows, 0 };
            }
            if (nrows == rows_cap) {
                size_t cap = rows_cap;
                if (!grow_array((void **)&row_member, &cap, nrows + 1, sizeof *row_member) ||
                    !grow_array((void **)&row_line, &rows_cap, nrows + 1, sizeof *row_line))
                    fatal_oom();
                mem_huge(row_member, rows_cap * sizeof *row_member);
                mem_huge(row_line, rows_cap * sizeof *row_line);
            }
            runs[nruns - 1].count++;
            row_line[nrows] = row.line;
            batch_name[nbatch] = member;
            batch_len[nbatch] = mlen;
            batch_row[nbatch] = nrows;
            batch_column[nbatch] = mcol;
            nbatch++;
            nrows++;
        }
        if (rc == ROW_SKIPPED) continue;
        if (nbatch == BATCH || (rc != 1 && nbatch)) {
            name_index_find_many(&t->user_index, nbatch, batch_name, batch_len, batch_user);
            for (size_t k = 0; k < nbatch; k++) {
                row_member[batch_row[k]] = batch_user[k] >= 0 ? (uint32_t)batch_user[k] : UNRESOLVED;
                if (batch_user[k] >= 0) continue;
                if (!grow_array((void **)&pending, &pending_cap, npending + 1, sizeof *pending)) fatal_oom();
                pending[npending].row = batch_row[k];
                pending[npending].column = batch_column[k];
                if (!(pending[npending].name = str_ndup(batch_name[k], batch_len[k]))) fatal_oom();
                npending++;
            }
            nbatch = 0;
        }
        if (rc <= 0) break;
    }
    for (size_t i = 0; i < npending; i++) {
        int64_t g = name_index_find(&groups, pending[i].name, strlen(pending[i].name));
        if (g < 0 && !broken)
            diag_add_file(ld->diags, SEV_ERROR, f.path, (int)row_line[pending[i].row], (int)pending[i].column,
                          "tenant", "a member is a user id of users.csv or a group name",
                          "unknown member '%s': not a user of users.csv nor a group", pending[i].name);
        else if (g >= 0)
            row_member[pending[i].row] = NESTED_BIT | (uint32_t)g;
        free(pending[i].name);
    }
    free(pending);
    /* each group's runs in file order (counting sort of the runs by group) */
    uint32_t *run_start = calloc((size_t)ngroups + 2, sizeof *run_start);
    uint32_t *by_group = malloc((nruns ? nruns : 1) * sizeof *by_group);
    uint32_t *user_stamp = mem_huge(calloc((size_t)t->nusers + 1, sizeof *user_stamp), ((size_t)t->nusers + 1) * 4);
    uint32_t *group_stamp = calloc((size_t)ngroups + 1, sizeof *group_stamp);
    if (!run_start || !by_group || !user_stamp || !group_stamp) fatal_oom();
    for (size_t r = 0; r < nruns; r++) run_start[runs[r].group + 2]++;
    for (uint32_t g = 0; g < ngroups; g++) run_start[g + 2] += run_start[g + 1];
    for (size_t r = 0; r < nruns; r++) by_group[run_start[runs[r].group + 1]++] = (uint32_t)r;
    /* every group gets its members: the rules' groups have the ids 0 .. p->ngroups - 1;
     * a repeated row is dropped (the first keeps its place) */
    t->members = calloc((size_t)ngroups + 1, sizeof *t->members);
    if (!t->members) fatal_oom();
    t->ngroups = ngroups;
    for (uint32_t g = 0; g < ngroups; g++) {
        GroupMembers *gm = &t->members[g];
        size_t total = 0;
        for (uint32_t k = run_start[g]; k < run_start[g + 1]; k++) total += runs[by_group[k]].count;
        if (total && !(gm->users = malloc(total * sizeof *gm->users))) fatal_oom();
        for (uint32_t k = run_start[g]; k < run_start[g + 1]; k++) {
            const MemberRun *run = &runs[by_group[k]];
            for (uint32_t i = run->first; i < run->first + run->count; i++) {
                uint32_t m = row_member[i];
                if (m == UNRESOLVED) continue;
                uint32_t *stamp = m & NESTED_BIT ? &group_stamp[m & ~NESTED_BIT] : &user_stamp[m];
                if (*stamp == g + 1) {
                    diag_add_file(ld->diags, SEV_WARNING, f.path, (int)row_line[i], 1, "tenant-repeat", NULL,
                                  "repeated membership row ignored (the first keeps its place)");
                    continue;
                }
                *stamp = g + 1;
                if (m & NESTED_BIT) gm->nnested++;
                else gm->users[gm->nusers++] = m;
            }
        }
    }
    free(run_start);
    free(by_group);
    free(user_stamp);
    free(group_stamp);
    free(runs);
    free(row_member);
    free(row_line);
    t->group_names = groups;   /* every group name of members.csv and the rules */
    csv_close(&f);
    return !broken;
}

/* ---- licenses.csv --------------------------------------------------------------- */

typedef struct {
    Loader *ld;
    const CsvFile *f;
    unsigned line, column;
    uint32_t product;
    bitword *enabled;
    int ok;
} DisabledCtx;

static void disable_plan(void *ctx, const char *item, size_t n)
{
    DisabledCtx *dc = ctx;
    Policy *p = dc->ld->p;
    char *name = str_ndup(item, n);
    if (!name) fatal_oom();
    int plan = policy_find_plan(p, name);
    if (plan < 0) {
        diag_add_file(dc->ld->diags, SEV_ERROR, dc->f->path, (int)dc->line, (int)dc->column, "tenant", NULL,
                      "unknown plan '%s' in disabled_plans", name);
        dc->ok = 0;
    } else if (!bitset_test(p->products[dc->product].plan_set, (size_t)plan)) {
        diag_add_file(dc->ld->diags, SEV_ERROR, dc->f->path, (int)dc->line, (int)dc->column, "tenant", NULL,
                      "plan '%s' is not part of product '%s'", p->plans[plan].name, p->products[dc->product].name);
        dc->ok = 0;
    } else {
        bitset_clear(dc->enabled, (size_t)plan);
    }
    free(name);
}

static int cmp_direct(const void *x, const void *y)
{
    const DirectLicense *a = *(const DirectLicense *const *)x, *b = *(const DirectLicense *const *)y;
    if (a->user != b->user) return a->user < b->user ? -1 : 1;
    if (a->product != b->product) return a->product < b->product ? -1 : 1;
    return a->line < b->line ? -1 : a->line > b->line;
}

static int load_licenses(Loader *ld, const char *dir, const char *state_path)
{
    static const char *const cols[] = { "user", "product", "disabled_plans", "group", "error" };
    CsvFile f;
    int rc = state_path ? csv_open(ld, NULL, state_path, 0, cols, 2, 5, 0, &f)
                        : csv_open(ld, dir, "licenses.csv", 1, cols, 2, 5, 0, &f);
    if (rc <= 0) return rc == 0;
    Tenant *t = ld->t;
    Policy *p = ld->p;
    size_t cap_direct = 0, cap_inh = 0;
    CsvRow row;
    int broken = 0;   /* malformed CSV: the rest of the file is unread */
    while ((rc = csv_next(ld, &f, &row)) != 0) {
        if (rc < 0) { broken = 1; break; }
        if (rc == ROW_SKIPPED) continue;
        size_t ulen, plen, dlen, glen, elen;
        unsigned ucol, pcol, dcol;
        const char *uid = field(&f, &row, 0, &ulen, &ucol);
        const char *prod = field(&f, &row, 1, &plen, &pcol);
        const char *disabled = field(&f, &row, 2, &dlen, &dcol);
        const char *group = field(&f, &row, 3, &glen, NULL);
        const char *error = field(&f, &row, 4, &elen, NULL);
        int64_t user = name_index_find(&t->user_index, uid, ulen);
        if (user < 0) {
            diag_add_file(ld->diags, SEV_ERROR, f.path, (int)row.line, (int)ucol, "tenant", NULL,
                          "unknown user '%.*s' (not in users.csv)", (int)(ulen > 200 ? 200 : ulen), uid);
            continue;
        }
        char *pname = str_ndup(prod, plen);
        if (!pname) fatal_oom();
        int product = policy_find_product(p, pname);
        if (product < 0) {
            diag_add_file(ld->diags, SEV_ERROR, f.path, (int)row.line, (int)pcol, "tenant",
                          "declare the product in the rules, or name it by its id",
                          "unknown product '%.200s'", pname);
            free(pname);
            continue;
        }
        free(pname);
        bitword *enabled = policy_plan_set(p);
        if (!enabled) fatal_oom();
        memcpy(enabled, p->products[product].plan_set, p->plan_words * sizeof *enabled);
        DisabledCtx dc = { ld, &f, row.line, dcol, (uint32_t)product, enabled, 1 };
        each_item(disabled, dlen, disable_plan, &dc);
        if (!dc.ok) { free(enabled); continue; }
        if (glen == 0) {
            if (!grow_array((void **)&t->direct, &cap_direct, t->ndirect + 1, sizeof *t->direct)) fatal_oom();
            DirectLicense *d = &t->direct[t->ndirect++];
            d->user = (uint32_t)user;
            d->product = (uint32_t)product;
            d->enabled = enabled;
            d->line = row.line;
        } else {
            if (!grow_array((void **)&t->inherited, &cap_inh, t->ninherited + 1, sizeof *t->inherited)) fatal_oom();
            InheritedLicense *h = &t->inherited[t->ninherited++];
            h->user = (uint32_t)user;
            h->product = (uint32_t)product;
            if (!(h->group = str_ndup(group, glen))) fatal_oom();
            h->policy_group = policy_find_group(p, h->group);
            h->enabled = enabled;
            h->error = elen && !(elen == 4 && strncmp(error, "None", 4) == 0) ? str_ndup(error, elen) : NULL;
            if (h->error && violation_code_parse(h->error) < 0) {
                unsigned ecol;
                field(&f, &row, 4, &elen, &ecol);
                diag_add_file(ld->diags, SEV_ERROR, f.path, (int)row.line, (int)ecol, "tenant",
                              "the error codes are CountViolation, MutuallyExclusiveViolation, DependencyViolation, "
                              "ProhibitedInUsageLocationViolation, UniquenessViolation and Other",
                              "unknown error code '%.60s'", h->error);
            }
            if (h->policy_group < 0)
                diag_add_file(ld->diags, SEV_WARNING, f.path, (int)row.line, 1, "tenant-unknown-group", NULL,
                              "group '%.200s' is not in the rules: this inherited licence is ignored", h->group);
            h->line = row.line;
        }
    }
    /* A (user, product) pair licensed directly twice is an error. */
    if (t->ndirect > 1) {
        DirectLicense **by = malloc(t->ndirect * sizeof *by);
        if (!by) fatal_oom();
        for (uint32_t i = 0; i < t->ndirect; i++) by[i] = &t->direct[i];
        qsort(by, t->ndirect, sizeof *by, cmp_direct);
        for (uint32_t i = 1; i < t->ndirect; i++)
            if (by[i]->user == by[i - 1]->user && by[i]->product == by[i - 1]->product)
                diag_add_file(ld->diags, SEV_ERROR, f.path, (int)by[i]->line, 1, "tenant", NULL,
                              "user '%s' has a direct licence of '%s' already (line %u)", t->users[by[i]->user].id,
                              p->products[by[i]->product].name, by[i - 1]->line);
        free(by);
    }
    csv_close(&f);
    return !broken;
}

/* ---- skus.csv ------------------------------------------------------------------- */

static int load_skus(Loader *ld, const char *dir)
{
    static const char *const cols[] = { "product", "seats" };
    CsvFile f;
    int rc = csv_open(ld, dir, "skus.csv", 1, cols, 2, 2, 0, &f);
    if (rc <= 0) return rc == 0;
    Policy *p = ld->p;
    unsigned *seen = calloc(p->nproducts + 1, sizeof *seen);
    if (!seen) fatal_oom();
    CsvRow row;
    int broken = 0;   /* malformed CSV: the rest of the file is unread */
    while ((rc = csv_next(ld, &f, &row)) != 0) {
        if (rc < 0) { broken = 1; break; }
        if (rc == ROW_SKIPPED) continue;
        size_t plen, slen;
        unsigned pcol, scol;
        const char *prod = field(&f, &row, 0, &plen, &pcol);
        const char *seats = field(&f, &row, 1, &slen, &scol);
        char *pname = str_ndup(prod, plen), *svalue = str_ndup(seats, slen);
        if (!pname || !svalue) fatal_oom();
        int product = policy_find_product(p, pname);
        char *end;
        errno = 0;
        long long n = strtoll(svalue, &end, 10);
        if (slen == 0 || *end || errno == ERANGE || n < 0) {
            diag_add_file(ld->diags, SEV_ERROR, f.path, (int)row.line, (int)scol, "tenant", NULL,
                          "seats must be a non-negative integer, not '%.40s'", svalue);
        } else if (product < 0) {
            diag_add_file(ld->diags, SEV_WARNING, f.path, (int)row.line, (int)pcol, "tenant-unknown-sku", NULL,
                          "product '%.200s' is not in the rules; its seats are ignored", pname);
        } else if (seen[product]) {
            diag_add_file(ld->diags, SEV_ERROR, f.path, (int)row.line, (int)pcol, "tenant", NULL,
                          "product '%s' has seats already (line %u)", p->products[product].name, seen[product]);
        } else {
            seen[product] = row.line;
            if (!p->products[product].seats_from_rules) p->products[product].seats = n;
        }
        free(pname);
        free(svalue);
    }
    free(seen);
    csv_close(&f);
    return !broken;
}

Tenant *tenant_load(const char *dir, Policy *policy, DiagList *diags)
{
    return tenant_load_with(dir, policy, diags, NULL);
}

Tenant *tenant_new(const char *source)
{
    Tenant *t = calloc(1, sizeof *t);
    if (!t) fatal_oom();
    name_index_init(&t->user_index, 1);
    name_index_init(&t->group_names, 0);
    if (!(t->dir = str_ndup(source, strlen(source)))) fatal_oom();
    return t;
}

static int ends_with(const char *s, const char *suffix)
{
    size_t n = strlen(s), k = strlen(suffix);
    return n >= k && str_ieq(s + n - k, suffix);
}

Tenant *tenant_load_with(const char *dir, Policy *policy, DiagList *diags, const char *state_path)
{
    if (ends_with(dir, ".json")) {
        if (state_path) {
            diag_add_file(diags, SEV_ERROR, state_path, 0, 0, "usage", "use a CSV tenant directory with --state",
                          "a state file replaces licenses.csv, which a Graph export does not have");
            return NULL;
        }
        return graph_load_tenant(dir, policy, diags);
    }
    Tenant *t = tenant_new(dir);
    Loader ld = { t, policy, diags, diags->errors };
    struct stat st;
    if (stat(dir, &st) != 0 || !S_ISDIR(st.st_mode)) {
        diag_add_file(diags, SEV_ERROR, dir, 0, 0, "tenant", "--tenant names a directory holding users.csv and members.csv",
                      "%s", stat(dir, &st) != 0 ? "no such directory" : "not a directory");
        tenant_free(t);
        return NULL;
    }
    progress("skuld: reading %s/users.csv", dir);
    int ok = load_users(&ld, dir);
    if (ok) progress("skuld: %u users; reading members.csv", t->nusers);
    ok = ok && load_members(&ld, dir);
    if (ok) progress("skuld: %u users; reading licenses.csv", t->nusers);
    ok = ok && load_licenses(&ld, dir, state_path) && load_skus(&ld, dir);
    progress_done();
    if (!ok || diags->errors > ld.errors_before) {
        tenant_free(t);
        return NULL;
    }
    return t;
}

void tenant_free(Tenant *t)
{
    if (!t) return;
    if (!t->ids_in_index)
        for (uint32_t i = 0; i < t->nusers; i++) free(t->users[i].id);
    free(t->users);
    free(t->user_proxies);
    for (uint32_t i = 0; i < t->nproxies; i++) free(t->proxy_text[i]);
    free(t->proxy_text);
    for (uint32_t g = 0; t->members && g < t->ngroups; g++) free(t->members[g].users);
    free(t->members);
    for (uint32_t i = 0; i < t->ndirect; i++) free(t->direct[i].enabled);
    free(t->direct);
    for (uint32_t i = 0; i < t->ninherited; i++) {
        free(t->inherited[i].group);
        free(t->inherited[i].enabled);
        free(t->inherited[i].error);
    }
    free(t->inherited);
    name_index_free(&t->user_index);
    name_index_free(&t->group_names);
    if (t->graph_user_ids)
        for (uint32_t i = 0; i < t->nusers; i++) free(t->graph_user_ids[i]);
    if (t->graph_group_ids)
        for (uint32_t i = 0; i < t->ngroups; i++) free(t->graph_group_ids[i]);
    free(t->graph_user_ids);
    free(t->graph_group_ids);
    free(t->dir);
    free(t);
}

void tenant_release_lookup(Tenant *t)
{
    name_index_drop_table(&t->user_index);
}

int64_t tenant_find_user(const Tenant *t, const char *id)
{
    return name_index_find(&t->user_index, id, strlen(id));
}
