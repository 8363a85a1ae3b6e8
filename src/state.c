/* state.c — writing the state file (see state.h). */
#include "state.h"
#include "csv.h"
#include "util.h"

#include <string.h>

#include <stdlib.h>

/* disabled_plans: the product's plans an enabled set leaves out, ';'-separated. */
static void write_disabled(FILE *out, const Policy *p, uint32_t product, const bitword *enabled)
{
    const PolicyProduct *pr = &p->products[product];
    int n = 0;
    char buf[1024];
    for (uint32_t i = 0; i < pr->nplans; i++) {
        if (enabled && bitset_test(enabled, pr->plans[i])) continue;
        snprintf(buf, sizeof buf, "%s%s", n++ ? ";" : "", p->plans[pr->plans[i]].name);
        fputs(buf, out);
    }
}

/* A cell a spreadsheet would read as a formula (= + - @, tab, CR first) gets a
 * leading apostrophe; the tenant loader takes it off again. */
static void write_cell(FILE *out, const char *s)
{
    if (s[0] == '=' || s[0] == '+' || s[0] == '-' || s[0] == '@' || s[0] == '\t' || s[0] == '\r') {
        char *quoted = malloc(strlen(s) + 2);
        if (!quoted) fatal_oom();
        quoted[0] = '\'';
        strcpy(quoted + 1, s);
        csv_write_field(out, quoted);
        free(quoted);
        return;
    }
    csv_write_field(out, s);
}

static void write_row(FILE *out, const EvalState *st, uint32_t user, uint32_t product, const bitword *enabled,
                      const char *group, const char *error)
{
    const Policy *p = st->p;
    write_cell(out, st->t->users[user].id);
    fputc(',', out);
    write_cell(out, p->products[product].name);
    fputc(',', out);
    /* plan names are identifiers or quoted names: quote the list when it needs it */
    char *list = NULL;
    size_t len = 0;
    FILE *mem = open_memstream(&list, &len);
    if (mem) {
        write_disabled(mem, p, product, enabled);
        fclose(mem);
        write_cell(out, list ? list : "");
        free(list);
    }
    fputc(',', out);
    write_cell(out, group ? group : "");
    fputc(',', out);
    csv_write_field(out, error ? error : "");
    fputc('\n', out);
}

/* The enabled plans group g's assignment of product gives now, or NULL. */
static const bitword *group_enables(const EvalState *st, int32_t g, uint32_t product)
{
    const GroupView *gv = &st->groups[g];
    for (uint32_t k = 0; k < gv->nassigns; k++)
        if (gv->assigns[k].product == product) return gv->assigns[k].enabled;
    return NULL;
}

int state_write(const EvalState *st, FILE *out)
{
    const Policy *p = st->p;
    fputs("user,product,disabled_plans,group,error\n", out);
    for (uint32_t u = 0; u < st->t->nusers; u++) {
        for (uint32_t prod = 0; prod < p->nproducts; prod++) {
            uint32_t h = eval_find_holding(st, u, prod);
            if (h != EVAL_NONE) {
                const Holding *hd = eval_holding(st, h);
                if (hd->direct) write_row(out, st, u, prod, eval_direct_enabled(st, h), NULL, NULL);
                for (uint32_t v = hd->via_first; v != EVAL_NONE; v = st->via[v].next)
                    write_row(out, st, u, prod, eval_via_enabled(st, v), p->groups[st->via[v].group].name,
                              st->via[v].kept ? "DependencyViolation" : NULL);
            }
            for (uint32_t i = st->user_violations[u]; i != EVAL_NONE; i = st->violations[i].next_of_user) {
                const Violation *v = &st->violations[i];
                if (v->dead || v->product != prod || v->group < 0 || v->kind == VK_KEPT) continue;
                write_row(out, st, u, prod, group_enables(st, v->group, prod), p->groups[v->group].name,
                          violation_code_name(v->code));
            }
        }
    }
    return ferror(out) ? -1 : 0;
}
