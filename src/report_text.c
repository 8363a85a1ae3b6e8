/* report_text.c — the eval report for people, laid out like the admin portal:
 * products with seats, consumed, available and licence conflicts; the groups with
 * members in error; per group, each user in error with the reason and the fix;
 * direct licences in error; a summary line.
 */
#include "report.h"

#include <stdlib.h>
#include <string.h>

static int max_int(int a, int b) { return a > b ? a : b; }

static void print_products(const EvalState *st, FILE *out)
{
    const Policy *p = st->p;
    int wname = 7;
    for (uint32_t i = 0; i < p->nproducts; i++) wname = max_int(wname, (int)strlen(p->products[i].name));
    fprintf(out, "Products\n  %-*s  %9s  %9s  %9s  %9s  %s\n", wname, "PRODUCT", "SEATS", "CONSUMED", "AVAILABLE",
            "CONFLICT", "NAME");
    for (uint32_t i = 0; i < p->nproducts; i++) {
        const PolicyProduct *pr = &p->products[i];
        char seats[24], avail[24];
        int64_t seats_now = st->seats[i];
        if (seats_now == SEATS_UNLIMITED) {
            strcpy(seats, "unlimited");
            strcpy(avail, "-");
        } else {
            snprintf(seats, sizeof seats, "%lld", (long long)seats_now);
            snprintf(avail, sizeof avail, "%lld",
                     (long long)(seats_now > st->consumed[i] ? seats_now - st->consumed[i] : 0));
        }
        fprintf(out, "  %-*s  %9s  %9lld  %9s  %9lld  %s\n", wname, pr->name, seats, (long long)st->consumed[i], avail,
                (long long)eval_conflict(st, i), pr->display);
    }
    for (uint32_t i = 0; i < p->nproducts; i++) {
        int64_t c = eval_conflict(st, i);
        if (c)
            fprintf(out, "  ! %s: licence conflict: %lld user%s need%s a valid licence (buy %lld seat%s or remove "
                         "%lld direct licence%s)\n", p->products[i].name, (long long)c, c == 1 ? "" : "s",
                    c == 1 ? "s" : "", (long long)c, c == 1 ? "" : "s", (long long)c, c == 1 ? "" : "s");
    }
}

static void print_violation(const EvalState *st, const Violation *v, FILE *out, int with_group)
{
    const Policy *p = st->p;
    fprintf(out, "    %s", p->products[v->product].name);
    if (with_group) {
        if (v->group < 0) fprintf(out, " (direct licence)");
        else fprintf(out, " (group \"%s\")", p->groups[v->group].name);
    }
    fprintf(out, ": %s: %s\n", violation_code_name(v->code), v->detail ? v->detail : "");
    if (v->hint) fprintf(out, "      fix: %s\n", v->hint);
}

/* One group's users in error, each with their violations through the group. */
static void print_group_errors(const EvalState *st, uint32_t g, uint32_t in_error, FILE *out, const char *user,
                               int blank)
{
    fprintf(out, "%sGroup \"%s\": %u of %u member%s in error\n", blank ? "\n" : "", st->p->groups[g].name, in_error,
            st->groups[g].nmembers, st->groups[g].nmembers == 1 ? "" : "s");
    uint32_t last = EVAL_NONE;
    for (uint32_t i = 0; i < st->nviolations; i++) {
        const Violation *v = &st->violations[i];
        if (v->group != (int32_t)g) continue;
        if (user && strcmp(st->t->users[v->user].id, user) != 0) continue;
        if (v->user != last) fprintf(out, "  %s\n", st->t->users[v->user].id);
        last = v->user;
        print_violation(st, v, out, 0);
    }
}

static void print_direct_errors(const EvalState *st, FILE *out, const char *user)
{
    uint32_t n = 0, last = EVAL_NONE;
    for (uint32_t i = 0; i < st->nviolations; i++)
        if (st->violations[i].group < 0 && (!user || strcmp(st->t->users[st->violations[i].user].id, user) == 0)) n++;
    if (!n) return;
    fprintf(out, "\nDirect licences in error: %u\n", n);
    for (uint32_t i = 0; i < st->nviolations; i++) {
        const Violation *v = &st->violations[i];
        if (v->group >= 0) continue;
        if (user && strcmp(st->t->users[v->user].id, user) != 0) continue;
        if (v->user != last) fprintf(out, "  %s\n", st->t->users[v->user].id);
        last = v->user;
        print_violation(st, v, out, 0);
    }
}

/* --user: where the user stands, then their violations. */
static void print_user(const EvalState *st, uint32_t u, FILE *out)
{
    const Policy *p = st->p;
    char code[3];
    int c = eval_user_country(st, u);
    fprintf(out, "User %s: usage location %s%s\n", st->t->users[u].id, c < 0 ? "none" : country_code(c, code),
            c >= 0 && st->t->users[u].country < 0 ? " (inherited from the directory)" : "");
    for (uint32_t prod = 0; prod < p->nproducts; prod++) {
        uint32_t h = eval_find_holding(st, u, prod);
        if (h == EVAL_NONE) continue;
        fprintf(out, "  holds %s via", p->products[prod].name);
        if (eval_holding(st, h)->direct) fprintf(out, " direct");
        for (uint32_t v = eval_holding(st, h)->via_first; v != EVAL_NONE; v = st->via[v].next)
            fprintf(out, " \"%s\"", p->groups[st->via[v].group].name);
        fprintf(out, ":");
        const bitword *plans = eval_holding_plans(st, h);
        BITSET_FOREACH(q, plans, p->nplans) fprintf(out, " %s", p->plans[q].name);
        fprintf(out, "\n");
    }
    int any = 0;
    for (uint32_t i = 0; i < st->nviolations; i++) {
        if (st->violations[i].user != u) continue;
        if (!any) fprintf(out, "  in error:\n");
        any = 1;
        print_violation(st, &st->violations[i], out, 1);
    }
    if (!any) fprintf(out, "  no licence errors\n");
}

int report_eval_text(const EvalState *st, FILE *out, const ReportOptions *opt)
{
    const Policy *p = st->p;
    uint32_t *in_error = report_users_in_error(st);
    int group_filter = opt->group ? policy_find_group(p, opt->group) : -1;
    int64_t user_filter = opt->user ? tenant_find_user(st->t, opt->user) : -1;
    const char *user = user_filter >= 0 ? st->t->users[user_filter].id : NULL;
    if (!opt->group && !opt->user) print_products(st, out);
    if (user_filter >= 0) print_user(st, (uint32_t)user_filter, out);
    if (!opt->user) {
        uint32_t groups_in_error = 0;
        for (uint32_t i = 0; i < p->ngroups; i++) groups_in_error += in_error[i] > 0;
        if (group_filter < 0) {
            fprintf(out, "\nGroups with members in error: %u of %u\n", groups_in_error, p->ngroups);
            if (groups_in_error) {
                int wname = 5;
                for (uint32_t i = 0; i < p->ngroups; i++)
                    if (in_error[i]) wname = max_int(wname, (int)strlen(p->groups[i].name) + 2);
                fprintf(out, "  %-*s  %8s  %8s  %8s\n", wname, "GROUP", "MEMBERS", "LICENSED", "IN ERROR");
                for (uint32_t i = 0; i < p->ngroups; i++) {
                    uint32_t g = p->order[i];
                    if (!in_error[g]) continue;
                    char quoted[512];
                    snprintf(quoted, sizeof quoted, "\"%s\"", p->groups[g].name);
                    fprintf(out, "  %-*s  %8u  %8u  %8u\n", wname, quoted, st->groups[g].nmembers,
                            st->groups[g].nmembers - in_error[g], in_error[g]);
                }
            }
        }
    }
    for (uint32_t i = 0; i < p->ngroups && !opt->user; i++) {
        uint32_t g = p->order[i];
        if (group_filter >= 0 && (int)g != group_filter) continue;
        if (in_error[g] || group_filter >= 0) print_group_errors(st, g, in_error[g], out, user, group_filter < 0);
    }
    if (group_filter < 0 && !opt->user) print_direct_errors(st, out, user);
    if (!opt->group && !opt->user) {
        uint32_t counts[V_OTHER + 1] = {0};
        for (uint32_t i = 0; i < st->nviolations; i++) counts[st->violations[i].code]++;
        int64_t conflicts = 0;
        for (uint32_t i = 0; i < p->nproducts; i++) conflicts += eval_conflict(st, i) > 0;
        fprintf(out, "\n%u user%s, %u assignment%s, %u violation%s", st->t->nusers, st->t->nusers == 1 ? "" : "s",
                st->nlive, st->nlive == 1 ? "" : "s", st->nviolations, st->nviolations == 1 ? "" : "s");
        int first = 1;
        for (int c = 0; c <= V_OTHER; c++) {
            if (!counts[c]) continue;
            fprintf(out, "%s%s %u", first ? " (" : ", ", violation_code_name((ViolationCode)c), counts[c]);
            first = 0;
        }
        fprintf(out, "%s, %lld product%s with a licence conflict\n", first ? "" : ")", (long long)conflicts,
                conflicts == 1 ? "" : "s");
    }
    free(in_error);
    return ferror(out) ? -1 : 0;
}
