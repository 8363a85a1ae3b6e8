/* cmd_explain.c — `skuld explain RULES... --tenant DIR --user ID [--product P]`: the
 * story of one user, step by step, as the evaluation went: the usage location and
 * where it came from, the direct licences, each group in processing order with each
 * check it passed or failed and the rule behind it, the seats left at that moment, and
 * what the user holds in the end. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "checker.h"
#include "cmdutil.h"
#include "commands.h"
#include "eval.h"
#include "options.h"
#include "rules.h"
#include "tenant.h"

static const char explain_usage[] =
    "usage: skuld explain RULES... --tenant DIR --user ID [--product PRODUCT]\n"
    "\n"
    "Tells why a user gets what they get: the usage location and where it comes from,\n"
    "each direct licence, each group in processing order with each check (location,\n"
    "uniqueness, conflict, seats) it passed or failed and the rule (file:line) behind\n"
    "it, the seats left at that moment, and the final plans and errors.\n"
    "\n"
    "exit status: 0 the user has no licence error, 1 they have one, 2 bad input\n";

typedef struct {
    const RuleSet *rs;
    int product;                /* only this product, or -1 */
    int step;
} Story;

static void where(const RuleSet *rs, SkLoc loc, char *buf, size_t n)
{
    if (loc.file < 0) snprintf(buf, n, "tenant data");
    else snprintf(buf, n, "%s:%d", rs->sources.files[loc.file].path, loc.first_line);
}

/* Before each of the user's (user, group) pairs: each assignment's checks. */
static void trace_pair(EvalState *st, uint32_t g, void *ctx)
{
    Story *s = ctx;
    const Policy *p = st->p;
    const GroupView *gv = &st->groups[g];
    char at[512];
    where(s->rs, p->groups[g].loc, at, sizeof at);
    printf("\n%d. group \"%s\" (priority %lld, %s): the user is a direct member\n", ++s->step, p->groups[g].name,
           (long long)p->groups[g].priority, at);
    int all = 1;
    static const char *const names[] = { "location", "uniqueness", "conflict", "seats" };
    for (uint32_t k = 0; k < gv->nassigns; k++) {
        const PolicyAssign *a = &gv->assigns[k];
        int passed[4];
        eval_check_each(st, st->trace_user, a, passed);
        for (int c = 0; c < 4; c++) all &= passed[c];
        if (s->product >= 0 && (int)a->product != s->product) continue;
        where(s->rs, a->loc, at, sizeof at);
        char *plans = policy_plan_names(p, a->enabled, 0, ", ");
        printf("   assign %s (%s): plans %s\n", p->products[a->product].name, at, plans);
        free(plans);
        for (int c = 0; c < 4; c++) {
            printf("     %-10s %s", names[c], passed[c] ? "ok" : "FAILED");
            if (c == 0) {
                int country = eval_user_country(st, st->trace_user);
                char code[3];
                if (country < 0) printf(" (no usage location, no directory location)");
                else printf(" (%s%s)", country_code(country, code), a->location_limited ? "" : "; no plan restricted");
                if (!passed[c]) {
                    BITSET_FOREACH(q, a->enabled, p->nplans)
                        if (p->plans[q].location_rule != LOCATION_ANY && !policy_plan_allowed_in(p, (uint32_t)q, country)) {
                            where(s->rs, p->plans[q].location_loc, at, sizeof at);
                            printf(": %s is restricted at %s", p->plans[q].name, at);
                            break;
                        }
                }
            } else if (c == 1) {
                printf(a->has_mailbox ? " (gives a mailbox)" : " (no mailbox plan)");
            } else if (c == 2) {
                printf(a->conflict_mask ? "" : " (no plan of it is in a conflict set)");
            } else {
                int64_t seats = st->seats[a->product], used = st->consumed[a->product];
                int held = eval_find_holding(st, st->trace_user, a->product) != EVAL_NONE;
                if (seats == SEATS_UNLIMITED) printf(" (unlimited)");
                else printf(" (%lld of %lld left%s)", (long long)(seats > used ? seats - used : 0), (long long)seats,
                            held ? "; the user holds it already: no new seat" : "");
            }
            printf("\n");
        }
    }
    printf("   => %s\n", all ? "every check passed: the group's products are applied"
                              : "a check failed: none of the group's products are applied (S5)");
}

int cmd_explain(int argc, char **argv)
{
    Options o;
    if (!options_parse(&o, "explain", OPT_TENANT | OPT_FILTERS | OPT_LIMITS, argc, argv)) {
        options_free(&o);
        return 2;
    }
    if (o.help) {
        fputs(explain_usage, stdout);
        options_free(&o);
        return 0;
    }
    if (!o.npositional || !o.tenant || !o.user_filter) {
        fprintf(stderr, "skuld explain: name the rules, --tenant DIR and --user ID\n\n%s", explain_usage);
        options_free(&o);
        return 2;
    }
    RuleSet rs;
    cmd_load_rules(&rs, &o);
    Policy *policy = rs.unreadable ? NULL : check_rules(&rs);
    Tenant *tenant = policy ? tenant_load(o.tenant, policy, &rs.diags) : NULL;
    int64_t user = tenant ? tenant_find_user(tenant, o.user_filter) : -1;
    int product = policy && o.group_filter ? -1 : -1;
    const char *product_name = NULL;
    for (int i = 0; i < argc; i++)
        if (strcmp(argv[i], "--product") == 0 && i + 1 < argc) product_name = argv[i + 1];
    if (tenant && user < 0)
        diag_add(&rs.diags, SEV_ERROR, loc_none(), "usage", NULL, "--user: no user '%s' in the tenant", o.user_filter);
    if (policy && product_name && (product = policy_find_product(policy, product_name)) < 0)
        diag_add(&rs.diags, SEV_ERROR, loc_none(), "usage", NULL, "--product: no product '%s' in the rules", product_name);
    diag_print_text(&rs.diags, stderr);
    int status = 2;
    if (tenant && user >= 0 && rs.diags.errors == 0) {
        const Policy *p = policy;
        EvalState *st = eval_new(policy, tenant);
        Story story = { &rs, product, 0 };
        st->trace_user = (uint32_t)user;
        st->trace = trace_pair;
        st->trace_ctx = &story;
        char code[3], at[512];
        int own = tenant->users[user].country;
        printf("User %s\n", tenant->users[user].id);
        if (own >= 0) printf("usage location: %s (the user's own)\n", country_code(own, code));
        else if (p->directory_country >= 0) {
            SkLoc dl = loc_none();
            for (const Stmt *s = rs.stmts.head; s; s = s->next)
                if (s->kind == ST_DIRECTORY) { dl = s->loc; break; }
            where(&rs, dl, at, sizeof at);
            printf("usage location: %s (none of the user's own: the directory's, %s; S1)\n",
                   country_code(p->directory_country, code), at);
        } else {
            printf("usage location: none, and the rules set no directory location: every group assignment fails (S1)\n");
        }
        int directs = 0;
        for (uint32_t i = 0; i < tenant->ndirect; i++) {
            const DirectLicense *d = &tenant->direct[i];
            if (d->user != (uint32_t)user || (product >= 0 && (int)d->product != product)) continue;
            if (!directs++) printf("\ndirect licences, applied first whatever the seats (S3):\n");
            char *plans = policy_plan_names(p, d->enabled, 0, ", ");
            printf("   %s (licenses.csv line %u): plans %s\n", p->products[d->product].name, d->line, plans);
            free(plans);
        }
        if (!directs) printf("\nno direct licence\n");
        eval_run(st);
        if (!story.step) printf("\nthe user is a direct member of no licensed group\n");
        printf("\nin the end:\n");
        int held = 0;
        for (uint32_t prod = 0; prod < p->nproducts; prod++) {
            if (product >= 0 && (int)prod != product) continue;
            uint32_t h = eval_find_holding(st, (uint32_t)user, prod);
            if (h == EVAL_NONE) continue;
            held++;
            char *plans = policy_plan_names(p, eval_holding_plans(st, h), 0, ", ");
            printf("   holds %s via", p->products[prod].name);
            if (eval_holding(st, h)->direct) printf(" direct");
            for (uint32_t v = eval_holding(st, h)->via_first; v != EVAL_NONE; v = st->via[v].next)
                printf(" \"%s\"", p->groups[st->via[v].group].name);
            printf(": %s\n", plans);
            free(plans);
        }
        if (!held) printf("   holds no product\n");
        int errors = 0;
        for (uint32_t i = st->user_violations[user]; i != EVAL_NONE; i = st->violations[i].next_of_user) {
            const Violation *v = &st->violations[i];
            if (v->dead || (product >= 0 && (int)v->product != product)) continue;
            errors++;
            printf("   %s %s: %s: %s\n", p->products[v->product].name,
                   v->group < 0 ? "(direct licence)" : p->groups[v->group].name, violation_code_name(v->code),
                   v->detail ? v->detail : "");
            if (v->hint) printf("      fix: %s\n", v->hint);
        }
        if (!errors) printf("   no licence error\n");
        status = errors ? 1 : 0;
        eval_free(st);
    }
    tenant_free(tenant);
    policy_free(policy);
    rules_free(&rs);
    options_free(&o);
    return status;
}
