/* catalog_import.c — Microsoft's product/service-plan CSV to rule text (see
 * catalog_import.h). */
#include "catalog_import.h"
#include "csv.h"
#include "fmt.h"
#include "source.h"
#include "symtab.h"
#include "util.h"

#include <stdlib.h>
#include <string.h>

typedef struct {
    char *text;
    uint32_t count;
    unsigned line;      /* first row it was seen on */
} Candidate;

typedef struct {
    Candidate *items;
    size_t count, cap;
} Candidates;

typedef struct {
    char *guid;         /* lower case */
    Candidates names, displays;
    char *name;         /* chosen, unique */
    const char *display;
    uint32_t *plans;    /* products: plan indices, row order */
    size_t nplans, plans_cap;
} Entry;

typedef struct {
    Entry *items;
    size_t count, cap;
    NameIndex by_guid;
} Table;

static const char *const keywords[] = {
    "include", "directory", "location", "plan", "id", "mailbox", "product", "plans", "seats", "conflict", "require",
    "restrict", "allow", "deny", "group", "priority", "assign", "except", "only", "scenario", "add", "to", "remove",
    "from", "set", "license", "unlicense", "unassign", "reprocess", "user", "none",
};

static int is_identifier(const char *s)
{
    if (!((*s >= 'A' && *s <= 'Z') || (*s >= 'a' && *s <= 'z') || *s == '_')) return 0;
    for (const char *c = s; *c; c++)
        if (!((*c >= 'A' && *c <= 'Z') || (*c >= 'a' && *c <= 'z') || (*c >= '0' && *c <= '9') || *c == '_')) return 0;
    for (size_t i = 0; i < sizeof keywords / sizeof keywords[0]; i++)
        if (strcmp(s, keywords[i]) == 0) return 0;
    return 1;
}

void catalog_write_name(FILE *out, const char *name)
{
    if (is_identifier(name)) {
        fputs(name, out);
        return;
    }
    fputc('"', out);
    for (const char *c = name; *c; c++) {
        if (*c == '"' || *c == '\\') fputc('\\', out);
        if (*c == '\n') fputs("\\n", out);
        else if (*c == '\t') fputs("\\t", out);
        else fputc(*c, out);
    }
    fputc('"', out);
}

void catalog_write_string(FILE *out, const char *s)
{
    fputc('"', out);
    for (const unsigned char *c = (const unsigned char *)s; *c; c++) {
        if (*c == '"' || *c == '\\') fprintf(out, "\\%c", *c);
        else if (*c == '\n') fputs("\\n", out);
        else if (*c == '\t') fputs("\\t", out);
        else if (*c < 0x20 || *c == 0x7f) fprintf(out, "\\u%04x", *c);
        else fputc(*c, out);
    }
    fputc('"', out);
}

/* Trims ASCII white space and no-break spaces (U+00A0) around s, in place. Returns 1
 * when something was cut. */
static int trim_field(char *s)
{
    size_t len = strlen(s), start = 0, end = len;
    for (;;) {
        if (start < end && (s[start] == ' ' || s[start] == '\t' || s[start] == '\r' || s[start] == '\n')) start++;
        else if (start + 1 < end && (unsigned char)s[start] == 0xC2 && (unsigned char)s[start + 1] == 0xA0) start += 2;
        else break;
    }
    for (;;) {
        if (end > start && (s[end - 1] == ' ' || s[end - 1] == '\t' || s[end - 1] == '\r' || s[end - 1] == '\n')) end--;
        else if (end >= start + 2 && (unsigned char)s[end - 2] == 0xC2 && (unsigned char)s[end - 1] == 0xA0) end -= 2;
        else break;
    }
    if (start == 0 && end == len) return 0;
    memmove(s, s + start, end - start);
    s[end - start] = 0;
    return 1;
}

/* Repairs a service plan name: tabs go, spaces next to '_' go, a ')' with no '('
 * goes. Returns a malloc'd copy; *changed says whether anything changed. */
static char *repair_plan_name(const char *s, int *changed)
{
    size_t len = strlen(s);
    char *out = malloc(len + 1);
    if (!out) fatal_oom();
    size_t n = 0;
    int open = 0;
    for (size_t i = 0; i < len; i++) {
        char c = s[i];
        if (c == '\t') continue;
        if (c == ' ' && ((n > 0 && out[n - 1] == '_') || (i + 1 < len && s[i + 1] == '_'))) continue;
        if (c == ' ' && n > 0 && out[n - 1] == ' ') continue;
        if (c == '(') open++;
        if (c == ')') {
            if (!open) continue;
            open--;
        }
        out[n++] = c;
    }
    out[n] = 0;
    *changed = strcmp(out, s) != 0;
    return out;
}

static void add_candidate(Candidates *c, const char *text, unsigned line)
{
    for (size_t i = 0; i < c->count; i++)
        if (strcmp(c->items[i].text, text) == 0) {
            c->items[i].count++;
            return;
        }
    if (!grow_array((void **)&c->items, &c->cap, c->count + 1, sizeof *c->items)) fatal_oom();
    Candidate *n = &c->items[c->count++];
    if (!(n->text = strdup(text))) fatal_oom();
    n->count = 1;
    n->line = line;
}

static size_t entry_for(Table *t, const char *guid)
{
    int64_t i = name_index_find(&t->by_guid, guid, strlen(guid));
    if (i >= 0) return (size_t)i;
    if (!grow_array((void **)&t->items, &t->cap, t->count + 1, sizeof *t->items)) fatal_oom();
    Entry *e = &t->items[t->count];
    memset(e, 0, sizeof *e);
    if (!(e->guid = strdup(guid))) fatal_oom();
    for (char *c = e->guid; *c; c++)
        if (*c >= 'A' && *c <= 'Z') *c = (char)(*c + 32);
    name_index_put(&t->by_guid, guid, strlen(guid), (int64_t)t->count);
    return t->count++;
}


static int has_lower(const char *s)
{
    for (; *s; s++)
        if (*s >= 'a' && *s <= 'z') return 1;
    return 0;
}

/* The name for an entry: an identifier if any candidate is one, the most frequent
 * (ties: first seen). */
static const char *pick_name(const Candidates *c)
{
    const Candidate *best = NULL;
    for (int want_ident = 1; want_ident >= 0 && !best; want_ident--)
        for (size_t i = 0; i < c->count; i++) {
            if (want_ident && !is_identifier(c->items[i].text)) continue;
            if (!best || c->items[i].count > best->count) best = &c->items[i];
        }
    return best ? best->text : "";
}

/* The display name: the one most rows use; on a tie, mixed case before all capitals,
 * then the longer (the shorter ones are often cut off). */
static const char *pick_display(const Candidates *c)
{
    const Candidate *best = NULL;
    for (size_t i = 0; i < c->count; i++) {
        const Candidate *x = &c->items[i];
        if (!best) { best = x; continue; }
        if (x->count != best->count) { if (x->count > best->count) best = x; continue; }
        int xl = has_lower(x->text), bl = has_lower(best->text);
        if (xl != bl) { if (xl) best = x; continue; }
        if (strlen(x->text) > strlen(best->text)) best = x;
    }
    return best ? best->text : "";
}

static void report_choice(FILE *repairs, const char *path, const char *what, const Entry *e, const Candidates *c,
                          const char *chosen)
{
    if (c->count < 2) return;
    fprintf(repairs, "%s:%u: %s %s is written %zu ways (", path, c->items[0].line, what, e->guid, c->count);
    for (size_t i = 0; i < c->count; i++)
        fprintf(repairs, "%s'%s' x%u", i ? ", " : "", c->items[i].text, c->items[i].count);
    fprintf(repairs, "): using '%s'\n", chosen);
}

/* Makes names unique: the second and later GUIDs with a name get "_" and the first 8
 * characters of their GUID. */
static void unique_names(Table *t, const char *what, const char *path, FILE *repairs, size_t *nrepairs)
{
    NameIndex seen;
    name_index_init(&seen, 0);
    for (size_t i = 0; i < t->count; i++) {
        Entry *e = &t->items[i];
        if (name_index_put(&seen, e->name, strlen(e->name), (int64_t)i) < 0) continue;
        char *renamed = str_printf("%s_%.8s", e->name, e->guid);
        if (!renamed) fatal_oom();
        const Entry *first = &t->items[name_index_find(&seen, e->name, strlen(e->name))];
        fprintf(repairs, "%s:%u: %s '%s' has more than one GUID (%s, %s): %s keeps the name, %s is named '%s'\n", path,
                e->names.count ? e->names.items[0].line : 0, what, e->name, first->guid, e->guid, first->guid, e->guid,
                renamed);
        (*nrepairs)++;
        free(e->name);
        e->name = renamed;
        name_index_put(&seen, e->name, strlen(e->name), (int64_t)i);
    }
    name_index_free(&seen);
}

static const Table *sort_table;

static int cmp_by_name(const void *a, const void *b)
{
    return strcmp(sort_table->items[*(const size_t *)a].name, sort_table->items[*(const size_t *)b].name);
}

/* Indices of the table's entries in name order. */
static size_t *name_order(const Table *t)
{
    size_t *order = malloc((t->count + 1) * sizeof *order);
    if (!order) fatal_oom();
    for (size_t i = 0; i < t->count; i++) order[i] = i;
    sort_table = t;
    if (t->count > 1) qsort(order, t->count, sizeof *order, cmp_by_name);
    sort_table = NULL;
    return order;
}

/* Exchange plans that provision a mailbox (the CSV does not say; see the header). */
static int provisions_mailbox(const char *name)
{
    static const char *const mailbox[] = {
        "EXCHANGE_S_STANDARD", "EXCHANGE_S_ENTERPRISE", "EXCHANGE_S_DESKLESS", "EXCHANGE_S_ESSENTIALS",
        "EXCHANGE_B_STANDARD", "EXCHANGE_S_STANDARD_MIDMARKET", "EXCHANGE_L_STANDARD", "EXCHANGE_S_STANDARD_GOV",
        "EXCHANGE_S_ENTERPRISE_GOV", "EXCHANGE_S_DESKLESS_GOV",
    };
    for (size_t i = 0; i < sizeof mailbox / sizeof mailbox[0]; i++)
        if (strcmp(name, mailbox[i]) == 0) return 1;
    return 0;
}

static void free_candidates(Candidates *c)
{
    for (size_t i = 0; i < c->count; i++) free(c->items[i].text);
    free(c->items);
}

static void free_table(Table *t)
{
    for (size_t i = 0; i < t->count; i++) {
        free(t->items[i].guid);
        free(t->items[i].name);
        free(t->items[i].plans);
        free_candidates(&t->items[i].names);
        free_candidates(&t->items[i].displays);
    }
    free(t->items);
    name_index_free(&t->by_guid);
}

/* The base name of a path, for the header comment. */
static const char *base_name(const char *path)
{
    const char *slash = strrchr(path, '/');
    return slash ? slash + 1 : path;
}

static int catalog_write(const char *path, FILE *out, FILE *repairs, DiagList *diags);

int catalog_import(const char *path, FILE *out, FILE *repairs, DiagList *diags)
{
    /* written as `skuld fmt` would lay it out */
    char *text = NULL;
    size_t len = 0;
    FILE *mem = open_memstream(&text, &len);
    if (!mem) fatal_oom();
    int rc = catalog_write(path, mem, repairs, diags);
    fclose(mem);
    if (rc == 0) {
        char *formatted = fmt_format(text, len);
        fputs(formatted, out);
        free(formatted);
        rc = ferror(out) ? -1 : 0;
    }
    free(text);
    return rc;
}

static int catalog_write(const char *path, FILE *out, FILE *repairs, DiagList *diags)
{
    char err[512];
    size_t len;
    char *buf = file_read_all(path, (size_t)1 << 30, &len, err, sizeof err);
    if (!buf) {
        diag_add_file(diags, SEV_ERROR, path, 0, 0, "io", NULL, "%s", err);
        return -1;
    }
    size_t bad;
    if (!utf8_valid(buf, len, &bad)) {
        int line, column;
        text_position(buf, bad, &line, &column);
        diag_add_file(diags, SEV_ERROR, path, line, column, "catalog", "save the file as UTF-8",
                      "invalid UTF-8 (byte 0x%02x)", (unsigned char)buf[bad]);
        free(buf);
        return -1;
    }
    CsvReader *rd = csv_reader_new(buf, len);
    if (!rd) fatal_oom();
    static const char *const cols[] = { "Product_Display_Name", "String_Id", "GUID", "Service_Plan_Name",
                                        "Service_Plan_Id", "Service_Plans_Included_Friendly_Names" };
    int col[6] = { -1, -1, -1, -1, -1, -1 };
    CsvRow row;
    int rc = csv_read_row(rd, &row);
    if (rc == 1) {
        for (size_t i = 0; i < row.count; i++) {
            char *h = (char *)row.fields[i].text;
            trim_field(h);
            for (int c = 0; c < 6; c++)
                if (strcmp(h, cols[c]) == 0) col[c] = (int)i;
        }
    }
    int ok = rc == 1;
    for (int c = 0; c < 6 && ok; c++)
        if (col[c] < 0) {
            diag_add_file(diags, SEV_ERROR, path, 1, 1, "catalog", NULL, "the header has no column '%s'", cols[c]);
            ok = 0;
        }
    if (rc < 0) {
        unsigned line, column;
        const char *why = csv_reader_error(rd, &line, &column);
        diag_add_file(diags, SEV_ERROR, path, (int)line, (int)column, "catalog", NULL, "%s", why);
    } else if (rc == 0) {
        diag_add_file(diags, SEV_ERROR, path, 1, 1, "catalog", NULL, "the file is empty");
    }
    int maxcol = 0;
    for (int c = 0; c < 6; c++)
        if (col[c] > maxcol) maxcol = col[c];
    Table plans, products;
    memset(&plans, 0, sizeof plans);
    memset(&products, 0, sizeof products);
    name_index_init(&plans.by_guid, 1);
    name_index_init(&products.by_guid, 1);
    size_t nrows = 0, ntrimmed = 0, nduplicates = 0, nrenamed = 0, nrepairs = 0;
    while (ok && (rc = csv_read_row(rd, &row)) != 0) {
        if (rc < 0) {
            unsigned line, column;
            const char *why = csv_reader_error(rd, &line, &column);
            diag_add_file(diags, SEV_ERROR, path, (int)line, (int)column, "catalog", NULL, "%s", why);
            ok = 0;
            break;
        }
        nrows++;
        if (row.count <= (size_t)maxcol) {
            fprintf(repairs, "%s:%u: a row of %zu fields (the header has %d): skipped\n", path, row.line, row.count,
                    maxcol + 1);
            nrepairs++;
            continue;
        }
        char *f[6];
        for (int c = 0; c < 6; c++) {
            f[c] = (char *)row.fields[col[c]].text;
            if (trim_field(f[c])) {
                fprintf(repairs, "%s:%u: trimmed spaces around %s '%s'\n", path, row.line, cols[c], f[c]);
                ntrimmed++;
            }
        }
        if (!f[2][0] || !f[4][0]) {
            fprintf(repairs, "%s:%u: a row without a %s GUID: skipped\n", path, row.line, f[2][0] ? "plan" : "product");
            nrepairs++;
            continue;
        }
        if (!is_guid(f[2]) || !is_guid(f[4])) {
            int c = is_guid(f[2]) ? 4 : 2;
            diag_add_file(diags, SEV_ERROR, path, (int)row.line, (int)row.fields[col[c]].column, "catalog",
                          "the GUID and Service_Plan_Id columns hold GUIDs", "%s '%.60s' is not a GUID", cols[c], f[c]);
            ok = 0;
            break;
        }
        size_t pi = entry_for(&products, f[2]);
        size_t qi = entry_for(&plans, f[4]);
        Entry *pr = &products.items[pi], *pl = &plans.items[qi];
        add_candidate(&pr->names, f[1], row.line);
        add_candidate(&pr->displays, f[0], row.line);
        int changed;
        char *repaired = repair_plan_name(f[3], &changed);
        if (changed) {
            fprintf(repairs, "%s:%u: plan name '%s' repaired to '%s'\n", path, row.line, f[3], repaired);
            nrenamed++;
        }
        add_candidate(&pl->names, repaired, row.line);
        free(repaired);
        add_candidate(&pl->displays, f[5], row.line);
        int dup = 0;
        for (size_t k = 0; k < pr->nplans && !dup; k++) dup = pr->plans[k] == qi;
        if (dup) {
            fprintf(repairs, "%s:%u: duplicate row (product %s, plan %s): dropped\n", path, row.line, f[1], f[3]);
            nduplicates++;
            continue;
        }
        if (!grow_array((void **)&pr->plans, &pr->plans_cap, pr->nplans + 1, sizeof *pr->plans)) fatal_oom();
        pr->plans[pr->nplans++] = (uint32_t)qi;
    }
    csv_reader_free(rd);
    int status = -1;
    if (ok && diags->errors == 0) {
        for (size_t i = 0; i < plans.count; i++) {
            Entry *e = &plans.items[i];
            if (!(e->name = strdup(pick_name(&e->names)))) fatal_oom();
            e->display = pick_display(&e->displays);
            report_choice(repairs, path, "plan", e, &e->names, e->name);
            report_choice(repairs, path, "friendly name of plan", e, &e->displays, e->display);
            nrepairs += (e->names.count > 1) + (e->displays.count > 1);
        }
        for (size_t i = 0; i < products.count; i++) {
            Entry *e = &products.items[i];
            if (!(e->name = strdup(pick_name(&e->names)))) fatal_oom();
            e->display = pick_display(&e->displays);
            report_choice(repairs, path, "product", e, &e->names, e->name);
            report_choice(repairs, path, "display name of product", e, &e->displays, e->display);
            nrepairs += (e->names.count > 1) + (e->displays.count > 1);
        }
        unique_names(&plans, "plan", path, repairs, &nrepairs);
        unique_names(&products, "product", path, repairs, &nrepairs);
        size_t total = ntrimmed + nduplicates + nrenamed + nrepairs;
        fprintf(out, "# Microsoft 365 products and service plans, imported by `skuld import catalog`\n");
        fprintf(out, "# from %s (%zu rows): %zu products, %zu plans, keyed on their GUIDs.\n", base_name(path), nrows,
                products.count, plans.count);
        fprintf(out, "# %zu repairs, each reported at import: %zu fields trimmed, %zu duplicate rows dropped,\n", total,
                ntrimmed, nduplicates);
        fprintf(out, "# %zu garbled plan names repaired, %zu names or display names chosen among variants or made\n",
                nrenamed, nrepairs);
        fprintf(out, "# unique. `mailbox` marks the Exchange plans that provision a mailbox (the CSV does not\n");
        fprintf(out, "# say; skuld's list). Conflicts, prerequisites and locations are in companion files.\n\n");
        size_t *order = name_order(&plans);
        size_t width = 0;
        for (size_t i = 0; i < plans.count; i++) {
            size_t w = strlen(plans.items[i].name) + (is_identifier(plans.items[i].name) ? 0 : 2);
            if (w > width && w < 48) width = w;
        }
        for (size_t i = 0; i < plans.count; i++) {
            const Entry *e = &plans.items[order[i]];
            fputs("plan ", out);
            catalog_write_name(out, e->name);
            size_t w = strlen(e->name) + (is_identifier(e->name) ? 0 : 2);
            for (size_t k = w; k < width; k++) fputc(' ', out);
            fputc(' ', out);
            catalog_write_string(out, e->display);
            fputs(" id ", out);
            catalog_write_string(out, e->guid);
            if (provisions_mailbox(e->name)) fputs(" mailbox", out);
            fputs(";\n", out);
        }
        free(order);
        order = name_order(&products);
        for (size_t i = 0; i < products.count; i++) {
            const Entry *e = &products.items[order[i]];
            fputs("\nproduct ", out);
            catalog_write_name(out, e->name);
            fputc(' ', out);
            catalog_write_string(out, e->display);
            fputs(" {\n    id ", out);
            catalog_write_string(out, e->guid);
            fputs(";\n    plans ", out);
            size_t column = 10;
            for (size_t k = 0; k < e->nplans; k++) {
                const char *name = plans.items[e->plans[k]].name;
                size_t w = strlen(name) + (is_identifier(name) ? 0 : 2) + 2;
                if (k > 0) {
                    fputc(',', out);
                    if (column + w > 96) {
                        fputs("\n          ", out);
                        column = 10;
                    } else {
                        fputc(' ', out);
                    }
                }
                catalog_write_name(out, name);
                column += w;
            }
            fputs(";\n}\n", out);
        }
        free(order);
        status = ferror(out) ? -1 : 0;
    }
    free_table(&plans);
    free_table(&products);
    free(buf);
    return status;
}
