/* checker.c — C1–C7 over the syntax tree, and compilation into a Policy.
 *
 * Three passes over the statements, in reading order:
 *   1. declarations: plans, products, groups, scenarios, the directory (C2, C6);
 *   2. what declarations refer to: product plan lists (C1, C5), seats (C2, C7),
 *      conflicts, requirements and location rules (C1, C6);
 *   3. groups (C1, C2, C5, then C3 and C4 on each group's enabled plans) and
 *      scenarios (C1, C5, C6, C7).
 * Every unknown name gets a "did you mean" help when a known one is close.
 */
#include "checker.h"
#include "misspell.h"
#include "util.h"

#include <stdlib.h>
#include <string.h>

typedef struct {
    RuleSet *rs;
    DiagList *diags;
    Policy *p;
    size_t plans_cap, products_cap, groups_cap, reqs_cap, scen_cap, sets_cap;
    int *seats_count;           /* per product: seats values seen */
    SkLoc *seats_first;         /* per product: where the first one stands */
    NameIndex scenario_names;
    const Stmt *directory;      /* the first `directory location` */
    const Stmt **product_decl;  /* per product: its (first) definition */
    const Stmt **group_decl;    /* per group: its (first) definition */
    size_t product_decl_cap, group_decl_cap;
} Checker;

static char *dup_or_die(const char *s)
{
    char *d = strdup(s);
    if (!d) fatal_oom();
    return d;
}

static char *where(const Checker *c, SkLoc loc)
{
    if (loc.file < 0) return str_printf("on the command line");
    return str_printf("%s:%d:%d", c->rs->sources.files[loc.file].path, loc.first_line, loc.first_column);
}

/* "X is defined twice" with a pointer to the first definition. */
static void duplicate(Checker *c, const char *code, SkLoc at, SkLoc first, const char *fmt, const char *what)
{
    char *w = where(c, first);
    char *help = str_printf("first defined at %s", w ? w : "?");
    diag_add(c->diags, SEV_ERROR, at, code, help, fmt, what);
    free(help);
    free(w);
}

typedef const char *(*name_at_fn)(const Policy *p, uint32_t i);
static const char *plan_name_at(const Policy *p, uint32_t i) { return p->plans[i].name; }
static const char *product_name_at(const Policy *p, uint32_t i) { return p->products[i].name; }

/* C1: an unknown name, with the closest known one as help. */
static void unknown(Checker *c, const Name *n, const char *kind, name_at_fn name_at, uint32_t count)
{
    Misspell m;
    misspell_init(&m, n->text);
    for (uint32_t i = 0; i < count; i++) misspell_offer(&m, name_at(c->p, i));
    const char *best = misspell_result(&m);
    char *help = best ? str_printf("did you mean '%s'?", best) : NULL;
    diag_add(c->diags, SEV_ERROR, n->loc, "C1", help, "unknown %s %s", kind, diag_name(n->text));
    free(help);
}

static int resolve_plan(Checker *c, const Name *n)
{
    int i = policy_find_plan(c->p, n->text);
    if (i < 0) unknown(c, n, "plan", plan_name_at, c->p->nplans);
    return i;
}

static int resolve_product(Checker *c, const Name *n)
{
    int i = policy_find_product(c->p, n->text);
    if (i < 0) unknown(c, n, "product", product_name_at, c->p->nproducts);
    return i;
}

/* C6: a two-letter ISO 3166-1 code; returns its index or -1 (reported). */
static int resolve_country(Checker *c, const Name *n)
{
    int i = country_index(n->text, strlen(n->text));
    if (i < 0)
        diag_add(c->diags, SEV_ERROR, n->loc, "C6", "use a two-letter ISO 3166-1 alpha-2 code such as NL or US",
                 "%s is not a country code", diag_name(n->text));
    return i;
}


/* Registers a GUID for plan or product `index`; a GUID used twice is C2. */
static void add_guid(Checker *c, NameIndex *guids, const Name *guid, uint32_t index, const SkLoc *locs,
                     size_t loc_stride)
{
    if (!is_guid(guid->text)) {
        diag_add(c->diags, SEV_ERROR, guid->loc, "C2", "an id is a GUID such as \"6fd2c87f-b296-42f0-b197-1e91e994b900\"",
                 "id %s is not a GUID", diag_name(guid->text));
        return;
    }
    int64_t prev = name_index_put(guids, guid->text, strlen(guid->text), index);
    if (prev == -2) fatal_oom();
    if (prev >= 0) {
        SkLoc first = *(const SkLoc *)((const char *)locs + (size_t)prev * loc_stride);
        duplicate(c, "C2", guid->loc, first, "id %s is already used by another declaration", diag_name(guid->text));
    }
}

/* ---- pass 1: declarations ------------------------------------------------------ */

/* An empty name (a quoted "") names nothing. */
static int empty_name(Checker *c, const Name *n, const char *what)
{
    if (n->text && n->text[0]) return 0;
    diag_add(c->diags, SEV_ERROR, n->loc, "C1", NULL, "a %s needs a name: \"\" is empty", what);
    return 1;
}

static void declare_plan(Checker *c, const Stmt *s)
{
    Policy *p = c->p;
    const Name *n = &s->u.plan.name;
    if (empty_name(c, n, "plan")) return;
    int64_t prev = name_index_find(&p->plan_names, n->text, strlen(n->text));
    if (prev >= 0) {
        duplicate(c, "C2", n->loc, p->plans[prev].loc, "plan %s is already defined", diag_name(n->text));
        return;
    }
    if (!grow_array((void **)&p->plans, &c->plans_cap, p->nplans + 1, sizeof *p->plans)) fatal_oom();
    PolicyPlan *pl = &p->plans[p->nplans];
    memset(pl, 0, sizeof *pl);
    pl->name = dup_or_die(n->text);
    pl->display = dup_or_die(s->u.plan.display.text ? s->u.plan.display.text : n->text);
    pl->guid = s->u.plan.guid.text ? dup_or_die(s->u.plan.guid.text) : NULL;
    pl->mailbox = s->u.plan.mailbox;
    pl->loc = n->loc;
    if (name_index_put(&p->plan_names, n->text, strlen(n->text), p->nplans) == -2) fatal_oom();
    if (pl->guid) add_guid(c, &p->plan_guids, &s->u.plan.guid, p->nplans, &p->plans[0].loc, sizeof *p->plans);
    p->nplans++;
}

static void declare_product(Checker *c, const Stmt *s)
{
    Policy *p = c->p;
    const Name *n = &s->u.product.name;
    if (empty_name(c, n, "product")) return;
    int64_t prev = name_index_find(&p->product_names, n->text, strlen(n->text));
    if (prev >= 0) {
        duplicate(c, "C2", n->loc, p->products[prev].loc, "product %s is already defined", diag_name(n->text));
        return;
    }
    if (!grow_array((void **)&p->products, &c->products_cap, p->nproducts + 1, sizeof *p->products)) fatal_oom();
    PolicyProduct *pr = &p->products[p->nproducts];
    memset(pr, 0, sizeof *pr);
    pr->name = dup_or_die(n->text);
    pr->display = dup_or_die(s->u.product.display.text ? s->u.product.display.text : n->text);
    pr->guid = s->u.product.guid.text ? dup_or_die(s->u.product.guid.text) : NULL;
    pr->loc = n->loc;
    pr->seats = SEATS_UNLIMITED;
    if (name_index_put(&p->product_names, n->text, strlen(n->text), p->nproducts) == -2) fatal_oom();
    if (pr->guid)
        add_guid(c, &p->product_guids, &s->u.product.guid, p->nproducts, &p->products[0].loc, sizeof *p->products);
    if (!grow_array((void **)&c->product_decl, &c->product_decl_cap, p->nproducts + 1, sizeof *c->product_decl)) fatal_oom();
    c->product_decl[p->nproducts] = s;
    if (s->u.product.guid_count > 1)
        diag_add(c->diags, SEV_ERROR, s->u.product.second_guid_loc, "C2", NULL, "product %s has more than one id",
                 diag_name(n->text));
    p->nproducts++;
}

static void declare_group(Checker *c, const Stmt *s)
{
    Policy *p = c->p;
    const Name *n = &s->u.group.name;
    if (empty_name(c, n, "group")) return;
    int64_t prev = name_index_find(&p->group_names, n->text, strlen(n->text));
    if (prev >= 0) {
        duplicate(c, "C2", n->loc, p->groups[prev].loc, "group %s is already defined", diag_name(n->text));
        return;
    }
    if (strcmp(n->text, "direct") == 0)
        diag_add(c->diags, SEV_WARNING, n->loc, "group-named-direct",
                 "rename the group: reports could not tell it from a direct licence",
                 "a group named 'direct' reads like a direct licence in the reports' \"via\" lists");
    if (!grow_array((void **)&p->groups, &c->groups_cap, p->ngroups + 1, sizeof *p->groups)) fatal_oom();
    PolicyGroup *g = &p->groups[p->ngroups];
    memset(g, 0, sizeof *g);
    g->name = dup_or_die(n->text);
    g->priority = s->u.group.priority;
    g->decl = p->ngroups;
    g->loc = n->loc;
    if (!grow_array((void **)&c->group_decl, &c->group_decl_cap, p->ngroups + 1, sizeof *c->group_decl)) fatal_oom();
    c->group_decl[p->ngroups] = s;
    if (name_index_put(&p->group_names, n->text, strlen(n->text), p->ngroups) == -2) fatal_oom();
    p->ngroups++;
}

static void declare_scenario(Checker *c, const Stmt *s)
{
    Policy *p = c->p;
    const Name *n = &s->u.scenario.name;
    int64_t prev = name_index_put(&c->scenario_names, n->text, strlen(n->text), p->nscenarios);
    if (prev == -2) fatal_oom();
    if (prev >= 0) {
        duplicate(c, "C2", n->loc, p->scenarios[prev]->u.scenario.name.loc, "scenario %s is already defined",
                  diag_name(n->text));
        return;
    }
    if (!grow_array((void **)&p->scenarios, &c->scen_cap, p->nscenarios + 1, sizeof *p->scenarios)) fatal_oom();
    p->scenarios[p->nscenarios++] = s;
}

static void declare_directory(Checker *c, const Stmt *s)
{
    if (c->directory) {
        duplicate(c, "C2", s->loc, c->directory->loc, "%s", "the directory location is already set");
        return;
    }
    c->directory = s;
    c->p->directory_country = resolve_country(c, &s->u.directory.country);
}

/* ---- pass 2: what declarations refer to --------------------------------------- */

static void fill_product_plans(Checker *c, const Stmt *s)
{
    Policy *p = c->p;
    int idx = policy_find_product(p, s->u.product.name.text);
    if (idx < 0 || c->product_decl[idx] != s) return;   /* a duplicate definition, already reported */
    PolicyProduct *pr = &p->products[idx];
    const NameList *l = &s->u.product.plans;
    pr->plan_set = policy_plan_set(p);
    pr->plans = malloc((l->count ? l->count : 1) * sizeof *pr->plans);
    if (!pr->plan_set || !pr->plans) fatal_oom();
    for (size_t i = 0; i < l->count; i++) {
        int plan = resolve_plan(c, &l->items[i]);
        if (plan < 0) continue;
        if (bitset_test(pr->plan_set, (size_t)plan)) {
            diag_add(c->diags, SEV_ERROR, l->items[i].loc, "C5", "list each plan once",
                     "plan %s is listed twice in product %s", diag_name(l->items[i].text), diag_name(pr->name));
            continue;
        }
        bitset_set(pr->plan_set, (size_t)plan);
        pr->plans[pr->nplans++] = (uint32_t)plan;
    }
    if (!s->u.product.has_plans)
        diag_add(c->diags, SEV_WARNING, s->u.product.name.loc, "empty-product", "add a 'plans' line",
                 "product %s has no plans", diag_name(pr->name));
}

/* Seats set in a product block, taken in reading order with `seats` statements (C2, C7). */
static void product_block_seats(Checker *c, const Stmt *s)
{
    Policy *p = c->p;
    int idx = policy_find_product(p, s->u.product.name.text);
    if (idx < 0 || c->product_decl[idx] != s || s->u.product.seats_count == 0) return;
    PolicyProduct *pr = &p->products[idx];
    if (s->u.product.seats < 0)
        diag_add(c->diags, SEV_ERROR, s->u.product.seats_loc, "C7", NULL,
                 "seats must be a non-negative integer, not %lld", (long long)s->u.product.seats);
    if (s->u.product.seats_count > 1)
        duplicate(c, "C2", s->u.product.second_seats_loc, s->u.product.seats_loc,
                  "product %s has more than one seats value", diag_name(pr->name));
    if (c->seats_count[idx]++ > 0) {
        duplicate(c, "C2", s->u.product.seats_loc, c->seats_first[idx], "product %s has more than one seats value",
                  diag_name(pr->name));
        return;
    }
    c->seats_first[idx] = s->u.product.seats_loc;
    pr->seats = s->u.product.seats < 0 ? 0 : s->u.product.seats;
    pr->seats_from_rules = 1;
    pr->seats_loc = s->u.product.seats_loc;
}

static void check_seats(Checker *c, const Stmt *s)
{
    Policy *p = c->p;
    int idx = resolve_product(c, &s->u.seats.product);
    if (s->u.seats.seats < 0)
        diag_add(c->diags, SEV_ERROR, s->u.seats.seats_loc, "C7", NULL,
                 "seats must be a non-negative integer, not %lld", (long long)s->u.seats.seats);
    if (idx < 0) return;
    if (c->seats_count[idx]++ > 0) {
        duplicate(c, "C2", s->u.seats.seats_loc, c->seats_first[idx], "product %s has more than one seats value",
                  diag_name(p->products[idx].name));
        return;
    }
    c->seats_first[idx] = s->u.seats.seats_loc;
    p->products[idx].seats = s->u.seats.seats < 0 ? 0 : s->u.seats.seats;
    p->products[idx].seats_from_rules = 1;
    p->products[idx].seats_loc = s->u.seats.seats_loc;
}

static void check_conflict(Checker *c, const Stmt *s)
{
    Policy *p = c->p;
    const NameList *l = &s->u.conflict.plans;
    int *ids = malloc((l->count ? l->count : 1) * sizeof *ids);
    /* one bitset for the set, shared by its plans (a set of 100,000 plans stays one
     * bitset); it also tells a plan named twice, in one step per name */
    bitword *set = policy_plan_set(p);
    if (!ids || !set) fatal_oom();
    size_t n = 0, unresolved = 0;
    for (size_t i = 0; i < l->count; i++) {
        int plan = resolve_plan(c, &l->items[i]);
        unresolved += plan < 0;
        if (plan < 0 || bitset_test(set, (size_t)plan)) continue;
        bitset_set(set, (size_t)plan);
        ids[n++] = plan;
    }
    if (n < 2 && unresolved == 0)
        diag_add(c->diags, SEV_WARNING, s->loc, "conflict-single", "name at least two plans",
                 "a conflict set of fewer than two distinct plans excludes nothing");
    if (n < 2) {
        free(set);
    } else {
        /* a plan in several sets gets its own union */
        if (!grow_array((void **)&p->conflict_sets, &c->sets_cap, p->nconflict_sets + 1, sizeof *p->conflict_sets))
            fatal_oom();
        p->conflict_sets[p->nconflict_sets++] = set;
        for (size_t i = 0; i < n; i++) {
            PolicyPlan *pl = &p->plans[ids[i]];
            if (!pl->conflicts) {
                pl->conflicts = set;
                pl->conflicts_shared = 1;
            } else {
                if (pl->conflicts_shared) {
                    bitword *own = policy_plan_set(p);
                    if (!own) fatal_oom();
                    memcpy(own, pl->conflicts, p->plan_words * sizeof *own);
                    pl->conflicts = own;
                    pl->conflicts_shared = 0;
                }
                bitset_or(pl->conflicts, set, p->plan_words);
            }
        }
    }
    free(ids);
}

static void check_require(Checker *c, const Stmt *s)
{
    Policy *p = c->p;
    int plan = resolve_plan(c, &s->u.require.plan);
    const NameList *l = &s->u.require.any_of;
    bitword *set = policy_plan_set(p);
    uint32_t *alts = malloc((l->count ? l->count : 1) * sizeof *alts);
    if (!set || !alts) fatal_oom();
    uint32_t nalts = 0;
    int ok = plan >= 0;
    for (size_t i = 0; i < l->count; i++) {
        int q = resolve_plan(c, &l->items[i]);
        if (q < 0) { ok = 0; continue; }
        if (!bitset_test(set, (size_t)q)) alts[nalts++] = (uint32_t)q;
        bitset_set(set, (size_t)q);
    }
    if (!ok) { free(set); free(alts); return; }
    if (!grow_array((void **)&p->requirements, &c->reqs_cap, p->nrequirements + 1, sizeof *p->requirements)) fatal_oom();
    PolicyRequirement *r = &p->requirements[p->nrequirements++];
    r->plan = (uint32_t)plan;
    r->any_of = set;
    r->alternatives = alts;
    r->nalternatives = nalts;
    r->loc = s->loc;
}

static void check_restrict(Checker *c, const Stmt *s)
{
    Policy *p = c->p;
    int plan = resolve_plan(c, &s->u.restrict_.plan);
    bitword countries[COUNTRY_WORDS] = {0};
    const NameList *l = &s->u.restrict_.countries;
    for (size_t i = 0; i < l->count; i++) {
        int k = resolve_country(c, &l->items[i]);
        if (k >= 0) bitset_set(countries, (size_t)k);
    }
    if (plan < 0) return;
    PolicyPlan *pl = &p->plans[plan];
    if (pl->location_rule != LOCATION_ANY) {
        duplicate(c, "C6", s->u.restrict_.plan.loc, pl->location_loc, "plan %s already has a location rule",
                  diag_name(pl->name));
        return;
    }
    pl->location_rule = s->u.restrict_.allow ? LOCATION_ALLOW : LOCATION_DENY;
    memcpy(pl->countries, countries, sizeof countries);
    pl->location_loc = s->u.restrict_.plan.loc;
}

/* ---- pass 3: groups and scenarios ---------------------------------------------- */

/* Resolves an assignment spec (C1, C5) into the plans it enables (S2). Returns the
 * product index, or -1 when something did not resolve (reported). */
static int resolve_assign(Checker *c, const AssignSpec *a, bitword *enabled)
{
    Policy *p = c->p;
    int prod = resolve_product(c, &a->product);
    int ok = prod >= 0;
    bitword *listed = policy_plan_set(p);
    if (!listed) fatal_oom();
    for (size_t i = 0; i < a->plans.count; i++) {
        const Name *n = &a->plans.items[i];
        int plan = resolve_plan(c, n);
        if (plan < 0) { ok = 0; continue; }
        if (prod >= 0 && !bitset_test(p->products[prod].plan_set, (size_t)plan)) {
            char *names = policy_plan_names(p, p->products[prod].plan_set, 0, ", ");
            char *help = str_printf("%s has: %s", p->products[prod].name, names);
            diag_add(c->diags, SEV_ERROR, n->loc, "C5", help, "plan %s is not part of product %s",
                     diag_name(n->text), diag_name(p->products[prod].name));
            free(help);
            free(names);
            ok = 0;
            continue;
        }
        bitset_set(listed, (size_t)plan);
    }
    if (ok) {
        memcpy(enabled, p->products[prod].plan_set, p->plan_words * sizeof *enabled);
        if (a->mode == ASSIGN_EXCEPT) bitset_andnot(enabled, listed, p->plan_words);
        else if (a->mode == ASSIGN_ONLY) memcpy(enabled, listed, p->plan_words * sizeof *enabled);
    }
    free(listed);
    return ok ? prod : -1;
}

/* The assignment of group g that enables plan q first. */
static const AssignSpec *enabling_assign(const Policy *p, const PolicyGroup *g, const Stmt *s, size_t q)
{
    for (uint32_t k = 0; k < g->nassigns; k++)
        if (bitset_test(g->assigns[k].enabled, q)) {
            for (size_t i = 0; i < s->u.group.count; i++)
                if (policy_find_product(p, s->u.group.assigns[i].product.text) == (int)g->assigns[k].product)
                    return &s->u.group.assigns[i];
        }
    return &s->u.group.assigns[0];
}

/* C3 and C4 on the union of plans the group enables. */
static void check_group_plans(Checker *c, const PolicyGroup *g, const Stmt *s)
{
    Policy *p = c->p;
    bitword *all = policy_plan_set(p);
    if (!all) fatal_oom();
    for (uint32_t k = 0; k < g->nassigns; k++) bitset_or(all, g->assigns[k].enabled, p->plan_words);
    BITSET_FOREACH(rq, all, p->nplans)
    for (uint32_t r = p->plans[rq].first_requirement; r < p->plans[rq].first_requirement + p->plans[rq].nrequirements;
         r++) {
        const PolicyRequirement *req = &p->requirements[r];
        if (bitset_intersects(all, req->any_of, p->plan_words)) continue;
        StrBuf alts = {0}, fix = {0};
        for (uint32_t i = 0; i < req->nalternatives; i++) {
            if (i) sb_puts(&alts, " or ");
            sb_puts(&alts, p->plans[req->alternatives[i]].display);
        }
        /* Help: re-enable a prerequisite the group's own assignment leaves out, or
         * assign a product that holds one. */
        char *help = NULL;
        for (uint32_t k = 0; k < g->nassigns && !help; k++) {
            const PolicyProduct *pr = &p->products[g->assigns[k].product];
            if (!bitset_intersects(pr->plan_set, req->any_of, p->plan_words)) continue;
            uint32_t plan = (uint32_t)bitset_next(pr->plan_set, p->nplans, 0);
            for (uint32_t i = 0; i < req->nalternatives; i++)
                if (bitset_test(pr->plan_set, req->alternatives[i])) { plan = req->alternatives[i]; break; }
            help = str_printf("enable %s in this group's assignment of %s (it is %s)", p->plans[plan].name, pr->name,
                              g->assigns[k].mode == ASSIGN_ONLY ? "not in its 'only' list" : "in its 'except' list");
        }
        uint32_t shown = 0;
        for (uint32_t pr = 0; pr < p->nproducts && shown < 3 && !help; pr++) {
            if (!p->products[pr].plan_set || !bitset_intersects(p->products[pr].plan_set, req->any_of, p->plan_words))
                continue;
            sb_printf(&fix, "%s'%s'", shown ? ", " : "", p->products[pr].name);
            shown++;
        }
        char *fixes = sb_take(&fix);
        char *alt_text = sb_take(&alts);
        if (!help)
            help = shown ? str_printf("enable the prerequisite in this group, e.g. assign %s (with 'only' to enable "
                                      "just that plan)", fixes)
                         : str_printf("no declared product contains the prerequisite");
        const AssignSpec *at = enabling_assign(p, g, s, req->plan);
        diag_add(c->diags, SEV_ERROR, at->product.loc, "C3", help,
                 "group \"%s\": the service %s requires %s to be enabled as well", g->name,
                 p->plans[req->plan].display, alt_text);
        free(help);
        free(fixes);
        free(alt_text);
    }
    int reported = 0;   /* one C4 a group: the first pair says what to fix */
    BITSET_FOREACH(q, all, p->nplans) {
        const PolicyPlan *pl = &p->plans[q];
        if (!pl->conflicts || reported) continue;
        BITSET_FOREACH(other, pl->conflicts, p->nplans) {
            if (other <= q || !bitset_test(all, other) || reported) continue;
            reported = 1;
            const AssignSpec *at = enabling_assign(p, g, s, other);
            char *help = str_printf("disable %s or %s with 'except' in one of the group's assignments",
                                    pl->name, p->plans[other].name);
            diag_add(c->diags, SEV_ERROR, at->product.loc, "C4", help,
                     "group \"%s\" enables %s and %s, which are mutually exclusive: no member could be licensed",
                     g->name, pl->name, p->plans[other].name);
            free(help);
        }
    }
    free(all);
}

static void check_group(Checker *c, const Stmt *s)
{
    Policy *p = c->p;
    int gi = policy_find_group(p, s->u.group.name.text);
    if (gi < 0 || c->group_decl[gi] != s) return;   /* duplicate, reported */
    PolicyGroup *g = &p->groups[gi];
    g->assigns = calloc(s->u.group.count ? s->u.group.count : 1, sizeof *g->assigns);
    if (!g->assigns) fatal_oom();
    int ok = 1;
    for (size_t i = 0; i < s->u.group.count; i++) {
        const AssignSpec *a = &s->u.group.assigns[i];
        bitword *enabled = policy_plan_set(p);
        if (!enabled) fatal_oom();
        int prod = resolve_assign(c, a, enabled);
        if (prod < 0) { free(enabled); ok = 0; continue; }
        int dup = 0;
        for (uint32_t k = 0; k < g->nassigns; k++)
            if (g->assigns[k].product == (uint32_t)prod) {
                duplicate(c, "C2", a->product.loc, g->assigns[k].loc, "group assigns product %s twice",
                          diag_name(p->products[prod].name));
                dup = 1;
            }
        if (dup) { free(enabled); ok = 0; continue; }
        PolicyAssign *pa = &g->assigns[g->nassigns++];
        pa->product = (uint32_t)prod;
        pa->mode = a->mode;
        pa->enabled = enabled;
        pa->loc = a->product.loc;
        if (!bitset_any(enabled, p->plan_words))
            diag_add(c->diags, SEV_WARNING, a->loc, "empty-assign", NULL,
                     "this assignment enables no plan of %s", diag_name(p->products[prod].name));
    }
    if (ok) check_group_plans(c, g, s);
}

static void check_change(Checker *c, const Change *ch)
{
    bitword *enabled;
    switch (ch->kind) {
    case CH_SET_LOCATION:
        if (ch->country.text) resolve_country(c, &ch->country);
        break;
    case CH_SET_SEATS:
        resolve_product(c, &ch->product);
        if (ch->seats < 0)
            diag_add(c->diags, SEV_ERROR, ch->seats_loc, "C7", NULL,
                     "seats must be a non-negative integer, not %lld", (long long)ch->seats);
        break;
    case CH_LICENSE:
    case CH_GROUP_ASSIGN:
        enabled = policy_plan_set(c->p);
        if (!enabled) fatal_oom();
        resolve_assign(c, &ch->assign, enabled);
        free(enabled);
        break;
    case CH_UNLICENSE:
    case CH_GROUP_UNASSIGN:
        resolve_product(c, &ch->product);
        break;
    default:
        break;
    }
}

/* Groups requirements by plan, keeping reading order within a plan (insertion sort:
 * stable, and rule sets hold few requirements). */
static void sort_requirements(Policy *p)
{
    for (uint32_t i = 1; i < p->nrequirements; i++) {
        PolicyRequirement r = p->requirements[i];
        uint32_t k = i;
        while (k > 0 && p->requirements[k - 1].plan > r.plan) {
            p->requirements[k] = p->requirements[k - 1];
            k--;
        }
        p->requirements[k] = r;
    }
    for (uint32_t i = 0; i < p->nplans; i++) p->plans[i].first_requirement = p->plans[i].nrequirements = 0;
    for (uint32_t r = p->nrequirements; r-- > 0;) {
        PolicyPlan *pl = &p->plans[p->requirements[r].plan];
        pl->first_requirement = r;
        pl->nrequirements++;
    }
}

Policy *check_rules(RuleSet *rs)
{
    Checker c;
    memset(&c, 0, sizeof c);
    c.rs = rs;
    c.diags = &rs->diags;
    c.p = calloc(1, sizeof *c.p);
    if (!c.p) fatal_oom();
    Policy *p = c.p;
    p->directory_country = -1;
    name_index_init(&p->plan_names, 0);
    name_index_init(&p->plan_guids, 1);
    name_index_init(&p->product_names, 0);
    name_index_init(&p->product_guids, 1);
    name_index_init(&p->group_names, 0);
    name_index_init(&c.scenario_names, 0);

    for (const Stmt *s = rs->stmts.head; s; s = s->next) {
        switch (s->kind) {
        case ST_PLAN: declare_plan(&c, s); break;
        case ST_PRODUCT: declare_product(&c, s); break;
        case ST_GROUP: declare_group(&c, s); break;
        case ST_SCENARIO: declare_scenario(&c, s); break;
        case ST_DIRECTORY: declare_directory(&c, s); break;
        default: break;
        }
    }
    p->plan_words = bitset_words(p->nplans ? p->nplans : 1);
    c.seats_count = calloc(p->nproducts + 1, sizeof *c.seats_count);
    c.seats_first = calloc(p->nproducts + 1, sizeof *c.seats_first);
    p->mailbox_plans = policy_plan_set(p);
    if (!c.seats_count || !c.seats_first || !p->mailbox_plans) fatal_oom();
    for (uint32_t i = 0; i < p->nplans; i++)
        if (p->plans[i].mailbox) bitset_set(p->mailbox_plans, i);

    for (const Stmt *s = rs->stmts.head; s; s = s->next)
        if (s->kind == ST_PRODUCT) fill_product_plans(&c, s);
    for (uint32_t i = 0; i < p->nproducts; i++) {
        /* a duplicate product's first definition always got its plans; be safe anyway */
        if (!p->products[i].plan_set && !(p->products[i].plan_set = policy_plan_set(p))) fatal_oom();
    }
    for (const Stmt *s = rs->stmts.head; s; s = s->next) {
        switch (s->kind) {
        case ST_SEATS: check_seats(&c, s); break;
        case ST_PRODUCT: product_block_seats(&c, s); break;
        case ST_CONFLICT: check_conflict(&c, s); break;
        case ST_REQUIRE: check_require(&c, s); break;
        case ST_RESTRICT: check_restrict(&c, s); break;
        default: break;
        }
    }
    sort_requirements(p);
    for (const Stmt *s = rs->stmts.head; s; s = s->next) {
        if (s->kind == ST_GROUP) check_group(&c, s);
        else if (s->kind == ST_SCENARIO)
            for (size_t i = 0; i < s->u.scenario.count; i++) check_change(&c, &s->u.scenario.changes[i]);
    }
    free(c.seats_count);
    free(c.seats_first);
    free(c.product_decl);
    free(c.group_decl);
    name_index_free(&c.scenario_names);
    if (rs->diags.errors) {
        policy_free(p);
        return NULL;
    }
    for (uint32_t g = 0; g < p->ngroups; g++)
        for (uint32_t k = 0; k < p->groups[g].nassigns; k++)
            if (!policy_derive_assign(p, &p->groups[g].assigns[k])) fatal_oom();
    if (!policy_order_groups(p)) fatal_oom();
    return p;
}
