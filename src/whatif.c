/* whatif.c — applying a scenario to a state, snapshots for the diff, and reprocess
 * hints (see whatif.h). The transitions themselves are in transition.c. */
#include "whatif.h"
#include "transition.h"
#include "util.h"

#include <stdlib.h>
#include <string.h>

/* ---- the current state as imported ------------------------------------------------ */

void whatif_baseline_current(EvalState *st)
{
    const Tenant *t = st->t;
    for (uint32_t i = 0; i < t->ndirect; i++)
        eval_hold_direct(st, t->direct[i].user, t->direct[i].product, t->direct[i].enabled);
    for (uint32_t i = 0; i < t->ninherited; i++) {
        const InheritedLicense *h = &t->inherited[i];
        if (h->policy_group < 0) continue;
        uint32_t g = (uint32_t)h->policy_group;
        int code = h->error ? violation_code_parse(h->error) : -1;
        if (code < 0) {
            eval_hold_via(st, h->user, h->product, g, h->enabled, 0);
        } else if (code == V_DEPENDENCY) {
            eval_hold_via(st, h->user, h->product, g, h->enabled, 1);
            eval_add_violation(st, h->user, (int32_t)g, h->product, V_DEPENDENCY, VK_KEPT,
                               str_printf("in error in the tenant's current state (DependencyViolation): the "
                                          "licence stays until its prerequisite is kept another way"),
                               str_printf("reprocess group \"%s\" once the dependency is resolved",
                                          st->p->groups[g].name));
        } else {
            eval_add_violation(st, h->user, (int32_t)g, h->product, (ViolationCode)code, VK_IMPORTED,
                               str_printf("in error in the tenant's current state (%s)", h->error),
                               str_printf("resolve the cause, then reprocess group \"%s\"", st->p->groups[g].name));
        }
    }
    eval_finish(st);
}

/* ---- W1: validation helpers --------------------------------------------------------- */

/* A membership change of a group the rules do not license: it licenses nothing, but
 * later changes must see it (W1). */
typedef struct {
    uint32_t group;             /* tenant group id */
    uint32_t user;
    int member;
} Overlay;

typedef struct {
    EvalState *st;
    DiagList *diags;
    int failed;
    Overlay *overlay;
    size_t noverlay, overlay_cap;
} Applier;

/* Whether the user is a member of a group only the tenant knows, after earlier changes. */
static int other_member(const Applier *ap, uint32_t g, uint32_t user)
{
    for (size_t i = ap->noverlay; i-- > 0;)
        if (ap->overlay[i].group == g && ap->overlay[i].user == user) return ap->overlay[i].member;
    const GroupMembers *gm = &ap->st->t->members[g];
    for (uint32_t i = 0; i < gm->nusers; i++)
        if (gm->users[i] == user) return 1;
    return 0;
}

static void invalid(Applier *ap, SkLoc at, const char *help, const char *fmt, const char *arg1, const char *arg2)
{
    char *msg = str_printf(fmt, arg1, arg2 ? arg2 : "");
    diag_add(ap->diags, SEV_ERROR, at, "W1", help, "%s", msg ? msg : "invalid change");
    free(msg);
    ap->failed = 1;
}

static int64_t find_user(Applier *ap, const Name *n)
{
    int64_t u = tenant_find_user(ap->st->t, n->text);
    if (u < 0) invalid(ap, n->loc, "users are the rows of users.csv", "unknown user %s%s", diag_name(n->text), NULL);
    return u;
}

/* A group of the rules (>= 0), a group only the tenant knows (-2), or unknown (-1,
 * reported). */
static int find_group(Applier *ap, const Name *n)
{
    int g = policy_find_group(ap->st->p, n->text);
    if (g >= 0) return g;
    if (name_index_find(&ap->st->t->group_names, n->text, strlen(n->text)) >= 0) return -2;
    invalid(ap, n->loc, "groups are those of the rules and of members.csv", "unknown group %s%s",
            diag_name(n->text), NULL);
    return -1;
}

static int find_product(Applier *ap, const Name *n)
{
    int p = policy_find_product(ap->st->p, n->text);
    if (p < 0) invalid(ap, n->loc, NULL, "unknown product %s%s", diag_name(n->text), NULL);
    return p;
}

/* The plans an assignment spec enables (S2), as a bitset the state owns; NULL when a
 * plan is unknown or not in the product (reported). */
static bitword *spec_enabled(Applier *ap, const AssignSpec *spec, int product)
{
    const Policy *p = ap->st->p;
    bitword *listed = policy_plan_set(p), *enabled = policy_plan_set(p);
    if (!listed || !enabled) fatal_oom();
    int ok = 1;
    for (size_t i = 0; i < spec->plans.count; i++) {
        const Name *n = &spec->plans.items[i];
        int plan = policy_find_plan(p, n->text);
        if (plan < 0) {
            invalid(ap, n->loc, NULL, "unknown plan %s%s", diag_name(n->text), NULL);
            ok = 0;
        } else if (!bitset_test(p->products[product].plan_set, (size_t)plan)) {
            invalid(ap, n->loc, NULL, "plan %s is not part of product %s", diag_name(n->text),
                    p->products[product].name);
            ok = 0;
        } else {
            bitset_set(listed, (size_t)plan);
        }
    }
    if (!ok) {
        free(listed);
        free(enabled);
        return NULL;
    }
    memcpy(enabled, p->products[product].plan_set, p->plan_words * sizeof *enabled);
    if (spec->mode == ASSIGN_EXCEPT) bitset_andnot(enabled, listed, p->plan_words);
    else if (spec->mode == ASSIGN_ONLY) memcpy(enabled, listed, p->plan_words * sizeof *enabled);
    free(listed);
    eval_own(ap->st, enabled);
    return enabled;
}

/* The group's member list, made the state's own copy so it can change. */
static GroupView *own_members(EvalState *st, uint32_t g)
{
    GroupView *gv = &st->groups[g];
    if (gv->owns_members) return gv;
    uint32_t *copy = malloc(((size_t)gv->nmembers + 8) * sizeof *copy);
    if (!copy) fatal_oom();
    if (gv->nmembers) memcpy(copy, gv->members, gv->nmembers * sizeof *copy);
    gv->members = copy;
    gv->members_cap = gv->nmembers + 8;
    gv->owns_members = 1;
    return gv;
}

/* ---- changes ------------------------------------------------------------------- */

static void change_membership(Applier *ap, const Change *ch)
{
    EvalState *st = ap->st;
    int64_t u = find_user(ap, &ch->user);
    int g = find_group(ap, &ch->group);
    if (u < 0 || g == -1) return;
    uint32_t tg = g == -2 ? (uint32_t)name_index_find(&st->t->group_names, ch->group.text, strlen(ch->group.text)) : 0;
    int member = g == -2 ? other_member(ap, tg, (uint32_t)u) : eval_is_member(st, (uint32_t)u, (uint32_t)g);
    if (ch->kind == CH_ADD && member) {
        invalid(ap, ch->user.loc, NULL, "%s is already a direct member of %s", diag_name(ch->user.text),
                diag_name(ch->group.text));
        return;
    }
    if (ch->kind == CH_REMOVE && !member) {
        invalid(ap, ch->user.loc, NULL, "%s is not a direct member of %s", diag_name(ch->user.text),
                diag_name(ch->group.text));
        return;
    }
    if (g == -2) {
        diag_add(ap->diags, SEV_WARNING, ch->group.loc, "W2", NULL,
                 "group %s is not licensed by the rules: this change licenses nothing", diag_name(ch->group.text));
        if (!grow_array((void **)&ap->overlay, &ap->overlay_cap, ap->noverlay + 1, sizeof *ap->overlay)) fatal_oom();
        ap->overlay[ap->noverlay++] = (Overlay){ tg, (uint32_t)u, ch->kind == CH_ADD };
        return;
    }
    GroupView *gv = own_members(st, (uint32_t)g);
    if (ch->kind == CH_ADD) {
        /* W2: the user goes to the end of the group's membership order */
        if (gv->nmembers + 1 > gv->members_cap) {
            uint32_t *grown = realloc(gv->members, ((size_t)gv->nmembers * 2 + 8) * sizeof *grown);
            if (!grown) fatal_oom();
            gv->members = grown;
            gv->members_cap = gv->nmembers * 2 + 8;
        }
        gv->members[gv->nmembers++] = (uint32_t)u;
    } else {
        uint32_t k = 0;
        for (uint32_t i = 0; i < gv->nmembers; i++)
            if (gv->members[i] != (uint32_t)u) gv->members[k++] = gv->members[i];
        gv->nmembers = k;
    }
    eval_reprocess_user(st, (uint32_t)u);
}

static void change_location(Applier *ap, const Change *ch)
{
    EvalState *st = ap->st;
    int64_t u = find_user(ap, &ch->user);
    if (u < 0) return;
    int c = -1;
    if (ch->country.text) {
        c = country_index(ch->country.text, strlen(ch->country.text));
        if (c < 0) {
            invalid(ap, ch->country.loc, NULL, "%s is not a country code%s", diag_name(ch->country.text), NULL);
            return;
        }
    }
    if (st->user_state[u].country == c) return;   /* not a new value: nothing to reprocess */
    st->user_state[u].country = (int16_t)c;
    eval_reprocess_user(st, (uint32_t)u);
}

static void change_license(Applier *ap, const Change *ch)
{
    EvalState *st = ap->st;
    int64_t u = find_user(ap, &ch->user);
    int product = find_product(ap, ch->kind == CH_LICENSE ? &ch->assign.product : &ch->product);
    if (u < 0 || product < 0) return;
    if (ch->kind == CH_UNLICENSE) {
        uint32_t h = eval_find_holding(st, (uint32_t)u, (uint32_t)product);
        if (h == EVAL_NONE || !eval_holding(st, h)->direct) {
            invalid(ap, ch->product.loc, NULL, "%s has no direct licence of %s", diag_name(ch->user.text),
                    st->p->products[product].name);
            return;
        }
        eval_unlicense(st, (uint32_t)u, (uint32_t)product);
        return;
    }
    bitword *enabled = spec_enabled(ap, &ch->assign, product);
    if (enabled) eval_license(st, (uint32_t)u, (uint32_t)product, enabled);
}

/* C3 and C4 on a group's assignments after an edit (W1). */
static int group_still_valid(Applier *ap, const PolicyAssign *assigns, uint32_t n, const char *group, SkLoc at)
{
    const Policy *p = ap->st->p;
    bitword *all = policy_plan_set(p);
    if (!all) fatal_oom();
    for (uint32_t k = 0; k < n; k++) bitset_or(all, assigns[k].enabled, p->plan_words);
    int ok = 1;
    BITSET_FOREACH(q, all, p->nplans) {
        const PolicyPlan *pl = &p->plans[q];
        for (uint32_t r = pl->first_requirement; r < pl->first_requirement + pl->nrequirements && ok; r++) {
            const PolicyRequirement *req = &p->requirements[r];
            if (bitset_intersects(all, req->any_of, p->plan_words)) continue;
            StrBuf alts = {0};
            for (uint32_t i = 0; i < req->nalternatives; i++)
                sb_printf(&alts, "%s%s", i ? " or " : "", p->plans[req->alternatives[i]].display);
            char *alt_text = sb_take(&alts);
            diag_add(ap->diags, SEV_ERROR, at, "C3", NULL,
                     "group \"%s\": the service %s requires %s to be enabled as well", group, pl->display, alt_text);
            free(alt_text);
            ok = 0;
        }
        size_t other = 0;
        if (ok && policy_conflicts_within(p, (uint32_t)q, all, &other)) {
            diag_add(ap->diags, SEV_ERROR, at, "C4", NULL,
                     "group \"%s\" would enable %s and %s, which are mutually exclusive", group, pl->name,
                     p->plans[other].name);
            ok = 0;
        }
        if (!ok) break;
    }
    free(all);
    if (!ok) ap->failed = 1;
    return ok;
}

/* W2: a run of consecutive edits of one group is one assignment change. Returns how
 * many changes it took. */
static size_t change_group(Applier *ap, const Change *changes, size_t count)
{
    EvalState *st = ap->st;
    const Policy *p = st->p;
    const Change *first = &changes[0];
    int g = policy_find_group(p, first->group.text);
    size_t run = 1;
    while (run < count && (changes[run].kind == CH_GROUP_ASSIGN || changes[run].kind == CH_GROUP_UNASSIGN) &&
           strcmp(changes[run].group.text, first->group.text) == 0)
        run++;
    if (g < 0) {
        invalid(ap, first->group.loc, "a group edit names a group of the rules", "group %s is not in the rules%s",
                diag_name(first->group.text), NULL);
        return run;
    }
    GroupView *gv = &st->groups[g];
    PolicyAssign *assigns = calloc((size_t)gv->nassigns + run + 1, sizeof *assigns);
    if (!assigns) fatal_oom();
    uint32_t n = gv->nassigns;
    if (n) memcpy(assigns, gv->assigns, n * sizeof *assigns);
    for (uint32_t k = 0; k < n; k++) assigns[k].conflict_mask = NULL;   /* derived again below */
    for (size_t i = 0; i < run && !ap->failed; i++) {
        const Change *ch = &changes[i];
        int product = find_product(ap, ch->kind == CH_GROUP_ASSIGN ? &ch->assign.product : &ch->product);
        if (product < 0) break;
        uint32_t at = n;
        for (uint32_t k = 0; k < n; k++)
            if (assigns[k].product == (uint32_t)product) at = k;
        if (ch->kind == CH_GROUP_UNASSIGN) {
            if (at == n) {
                invalid(ap, ch->product.loc, NULL, "group %s does not assign %s", diag_name(first->group.text),
                        p->products[product].name);
                break;
            }
            memmove(&assigns[at], &assigns[at + 1], (n - at - 1) * sizeof *assigns);
            n--;
            continue;
        }
        bitword *enabled = spec_enabled(ap, &ch->assign, product);
        if (!enabled) break;
        /* replacing keeps the assignment's place; a new product goes last */
        assigns[at].product = (uint32_t)product;
        assigns[at].mode = ch->assign.mode;
        assigns[at].enabled = enabled;
        assigns[at].loc = ch->assign.loc;
        if (at == n) n++;
    }
    if (!ap->failed) group_still_valid(ap, assigns, n, p->groups[g].name, first->group.loc);
    if (ap->failed) {
        free(assigns);
        return run;
    }
    for (uint32_t k = 0; k < n; k++) {
        if (!policy_derive_assign(p, &assigns[k])) fatal_oom();
        if (assigns[k].conflict_mask) eval_own(st, assigns[k].conflict_mask);
    }
    eval_own(st, assigns);
    gv->assigns = assigns;
    gv->nassigns = n;
    eval_reprocess_group(st, (uint32_t)g);
    return run;
}

int whatif_apply(EvalState *st, const Stmt *scenario, DiagList *diags)
{
    Applier ap = { st, diags, 0, NULL, 0, 0 };
    const Change *changes = scenario->u.scenario.changes;
    size_t count = scenario->u.scenario.count;
    for (size_t i = 0; i < count && !ap.failed;) {
        const Change *ch = &changes[i];
        switch (ch->kind) {
        case CH_ADD:
        case CH_REMOVE:
            change_membership(&ap, ch);
            break;
        case CH_SET_LOCATION:
            change_location(&ap, ch);
            break;
        case CH_SET_SEATS: {
            int product = find_product(&ap, &ch->product);
            if (product < 0) break;
            if (ch->seats < 0) {
                diag_add(diags, SEV_ERROR, ch->seats_loc, "C7", NULL, "seats must be a non-negative integer");
                ap.failed = 1;
                break;
            }
            st->seats[product] = ch->seats;   /* reprocesses nothing: errors stay (sticky) */
            break;
        }
        case CH_LICENSE:
        case CH_UNLICENSE:
            change_license(&ap, ch);
            break;
        case CH_GROUP_ASSIGN:
        case CH_GROUP_UNASSIGN:
            i += change_group(&ap, &changes[i], count - i);
            continue;
        case CH_REPROCESS_GROUP: {
            int g = find_group(&ap, &ch->group);
            if (g >= 0) eval_reprocess_group(st, (uint32_t)g);
            break;
        }
        case CH_REPROCESS_USER: {
            int64_t u = find_user(&ap, &ch->user);
            if (u >= 0) eval_reprocess_user(st, (uint32_t)u);
            break;
        }
        }
        i++;
    }
    free(ap.overlay);
    if (ap.failed) return -1;
    eval_finish(st);
    return 0;
}

/* ---- snapshots ------------------------------------------------------------------- */

/* A snapshot is built a user at a time: everything but the assignments at the start
 * (violations, seats), then any users' assignments, then the plan-set and source
 * pointers at the end (the arrays move while they grow). */
typedef struct {
    Snapshot *s;
    size_t assigns_cap, via_cap;
    uint32_t *set_index;        /* per assignment: its plan set (a pointer at the end) */
    uint32_t nvia;              /* entries of s->via_pool used */
} SnapBuild;

static void build_begin(SnapBuild *b, const EvalState *st, int borrow)
{
    const Policy *p = st->p;
    memset(b, 0, sizeof *b);
    Snapshot *s = calloc(1, sizeof *s);
    if (!s) fatal_oom();
    s->borrowed = borrow;
    s->violations = calloc((size_t)st->nviolations + 1, sizeof *s->violations);
    if (!s->violations) fatal_oom();
    for (uint32_t i = 0; i < st->nviolations; i++) {
        const Violation *v = &st->violations[i];
        if (v->dead) continue;
        SnapViolation *sv = &s->violations[s->nviolations++];
        sv->user = v->user;
        sv->group = v->group;
        sv->product = v->product;
        sv->code = v->code;
        sv->detail = borrow || !v->detail ? v->detail : strdup(v->detail);
        sv->hint = borrow || !v->hint ? v->hint : strdup(v->hint);
        if ((v->detail && !sv->detail) || (v->hint && !sv->hint)) fatal_oom();
    }
    s->consumed = malloc(((size_t)p->nproducts + 1) * sizeof(int64_t));
    s->seats = malloc(((size_t)p->nproducts + 1) * sizeof(int64_t));
    s->conflict = malloc(((size_t)p->nproducts + 1) * sizeof(int64_t));
    if (!s->consumed || !s->seats || !s->conflict) fatal_oom();
    for (uint32_t i = 0; i < p->nproducts; i++) {
        s->consumed[i] = st->consumed[i];
        s->seats[i] = st->seats[i];
        s->conflict[i] = eval_conflict(st, i);
    }
    b->s = s;
}

/* Room for n assignments and nvia sources in all. */
static void build_reserve(SnapBuild *b, size_t n, size_t nvia)
{
    Snapshot *s = b->s;
    if (n > b->assigns_cap) {
        size_t cap = b->assigns_cap ? b->assigns_cap : 64;
        while (cap < n) cap *= 2;
        SnapAssign *grown = realloc(s->assigns, cap * sizeof *grown);
        uint32_t *ix = realloc(b->set_index, cap * sizeof *ix);
        if (!grown || !ix) fatal_oom();
        s->assigns = mem_huge(grown, cap * sizeof *grown);
        b->set_index = ix;
        b->assigns_cap = cap;
    }
    if (nvia > b->via_cap) {
        size_t cap = b->via_cap ? b->via_cap : 64;
        while (cap < nvia) cap *= 2;
        uint32_t *grown = realloc(s->via_pool, cap * sizeof *grown);
        if (!grown) fatal_oom();
        s->via_pool = grown;
        b->via_cap = cap;
    }
}

/* Appends the user's assignments, by product. */
static void build_user(SnapBuild *b, const EvalState *st, uint32_t u)
{
    Snapshot *s = b->s;
    uint32_t held[64], *mine = held, cap = 64, n = 0;
    /* the user's holdings by product (insertion sort: a user holds few) */
    for (uint32_t h = st->user_state[u].first; h != EVAL_NONE; h = eval_holding(st, h)->next) {
        if (n == cap) {
            cap *= 2;
            uint32_t *grown = mine == held ? malloc(cap * sizeof *grown) : realloc(mine, cap * sizeof *grown);
            if (!grown) fatal_oom();
            if (mine == held) memcpy(grown, held, sizeof held);
            mine = grown;
        }
        uint32_t k = n++;
        while (k > 0 && eval_holding(st, mine[k - 1])->product > eval_holding(st, h)->product) {
            mine[k] = mine[k - 1];
            k--;
        }
        mine[k] = h;
    }
    for (uint32_t i = 0; i < n; i++) {
        const Holding *hd = eval_holding(st, mine[i]);
        uint32_t nvia = 0;
        for (uint32_t v = hd->via_first; v != EVAL_NONE; v = st->via[v].next) nvia++;
        build_reserve(b, (size_t)s->nassigns + 1, (size_t)b->nvia + nvia);
        b->set_index[s->nassigns] = hd->plans;
        SnapAssign *a = &s->assigns[s->nassigns++];
        a->user = u;
        a->product = hd->product;
        a->plans = NULL;
        a->via = NULL;
        a->direct = hd->direct;
        a->nvia = nvia;
        for (uint32_t v = hd->via_first; v != EVAL_NONE; v = st->via[v].next) s->via_pool[b->nvia++] = st->via[v].group;
    }
    if (mine != held) free(mine);
}

/* The plan sets as they are now (a set, once made, keeps its index and bits), and
 * each assignment's pointers into them and into the sources. */
static Snapshot *build_end(SnapBuild *b, const EvalState *st)
{
    Snapshot *s = b->s;
    build_reserve(b, 1, 1);   /* no empty arrays: pointers below are never NULL + 0 */
    size_t words = st->sets.words, set_words = (size_t)st->sets.count * words;
    s->plan_sets = malloc((set_words + 1) * sizeof *s->plan_sets);
    if (!s->plan_sets) fatal_oom();
    memcpy(s->plan_sets, st->sets.bits, set_words * sizeof *s->plan_sets);
    uint32_t at = 0;
    for (uint32_t j = 0; j < s->nassigns; j++) {
        s->assigns[j].plans = s->plan_sets + (size_t)b->set_index[j] * words;
        s->assigns[j].via = s->via_pool + at;
        at += s->assigns[j].nvia;
    }
    free(b->set_index);
    b->s = NULL;
    return s;
}

static Snapshot *take(const EvalState *st, int borrow)
{
    SnapBuild b;
    build_begin(&b, st, borrow);
    uint32_t live = 0, nvia = 0;
    for (uint32_t h = 0; h < st->nholdings; h++) {
        if (eval_holding(st, h)->product == EVAL_NONE) continue;
        live++;
        for (uint32_t v = eval_holding(st, h)->via_first; v != EVAL_NONE; v = st->via[v].next) nvia++;
    }
    build_reserve(&b, live, nvia);
    for (uint32_t u = 0; u < st->t->nusers; u++) build_user(&b, st, u);
    return build_end(&b, st);
}

Snapshot *snapshot_take(const EvalState *st)
{
    return take(st, 0);
}

Snapshot *snapshot_borrow(const EvalState *st)
{
    return take(st, 1);
}

void snapshot_free(Snapshot *s)
{
    if (!s) return;
    for (uint32_t i = 0; i < s->nviolations && !s->borrowed; i++) {
        free((char *)s->violations[i].detail);
        free((char *)s->violations[i].hint);
    }
    free(s->assigns);
    free(s->via_pool);
    free(s->plan_sets);
    free(s->violations);
    free(s->consumed);
    free(s->seats);
    free(s->conflict);
    free(s);
}

/* ---- reprocess hints ------------------------------------------------------------ */

/* A quick, read-only look: could reprocessing group g clear any of its users in
 * error? Yes when one is a former member (the target is nothing), or when a member in
 * error passes the S5 checks against the other sources now (members before it in
 * error failed theirs, and a reprocess never takes a seat away from the others, so no
 * seat can be gone before its turn). Only groups where it says yes get the exact (and
 * costly) trial on a copy of the state. */
static int might_clear(EvalState *st, uint32_t g, const uint8_t *in_error, const uint32_t *users, uint32_t nusers,
                       uint32_t *member_of)
{
    const GroupView *gv = &st->groups[g];
    /* former members in error: a reprocess takes their state to nothing */
    for (uint32_t m = 0; m < gv->nmembers; m++) member_of[gv->members[m]] = g + 1;
    for (uint32_t k = 0; k < nusers; k++)
        if (member_of[users[k]] != g + 1) return 1;
    for (uint32_t m = 0; m < gv->nmembers; m++) {
        uint32_t u = gv->members[m];
        if (!in_error[u]) continue;
        int pass = 1;
        for (uint32_t k = 0; k < gv->nassigns && pass; k++) {
            const PolicyAssign *a = &gv->assigns[k];
            pass = eval_check_assign(st, u, a, (int)g, NULL, NULL, NULL) < 0;
        }
        if (pass) return 1;   /* the first member in error who passes now would clear */
    }
    return 0;
}

ReprocessHint *whatif_reprocess_hints(const EvalState *st, uint32_t *count)
{
    const Policy *p = st->p;
    const Tenant *t = st->t;
    ReprocessHint *hints = calloc((size_t)p->ngroups + 1, sizeof *hints);
    uint8_t *in_error = calloc((size_t)t->nusers + 1, 1);
    uint32_t *member_of = calloc((size_t)t->nusers + 1, sizeof *member_of);   /* g + 1: a member of g */
    /* users in error through each group (counting sort of the violations by group) */
    uint32_t *start = calloc((size_t)p->ngroups + 2, sizeof *start);
    uint32_t *users = malloc(((size_t)st->nviolations + 1) * sizeof *users);
    if (!hints || !in_error || !member_of || !start || !users) fatal_oom();
    for (uint32_t k = 0; k < st->nviolations; k++)
        if (!st->violations[k].dead && st->violations[k].group >= 0) start[st->violations[k].group + 2]++;
    for (uint32_t g = 0; g < p->ngroups; g++) start[g + 2] += start[g + 1];
    for (uint32_t k = 0; k < st->nviolations; k++)
        if (!st->violations[k].dead && st->violations[k].group >= 0)
            users[start[st->violations[k].group + 1]++] = st->violations[k].user;
    *count = 0;
    for (uint32_t i = 0; i < p->ngroups; i++) {
        uint32_t g = p->order[i];
        if (start[g + 1] == start[g]) continue;
        for (uint32_t k = start[g]; k < start[g + 1]; k++) in_error[users[k]] = 1;
        /* the quick look works on the state as it is: it changes nothing */
        if (might_clear((EvalState *)st, g, in_error, users + start[g], start[g + 1] - start[g], member_of)) {
            EvalState *trial = eval_clone(st);
            eval_reprocess_group(trial, g);
            uint32_t cleared = 0;
            for (uint32_t k = start[g]; k < start[g + 1]; k++) {
                uint32_t u = users[k];
                if (!in_error[u]) continue;   /* counted already */
                in_error[u] = 0;
                int still = 0;
                for (uint32_t v = trial->user_violations[u]; v != EVAL_NONE && !still; v = trial->violations[v].next_of_user)
                    still = !trial->violations[v].dead && trial->violations[v].group == (int32_t)g;
                cleared += !still;
            }
            eval_free(trial);
            if (cleared) {
                hints[*count].group = g;
                hints[*count].would_clear = cleared;
                (*count)++;
            }
        }
        for (uint32_t k = start[g]; k < start[g + 1]; k++) in_error[users[k]] = 0;
    }
    free(start);
    free(users);
    free(in_error);
    free(member_of);
    return hints;
}

/* The users a scenario touches, each with its assignments from before its first change. */
typedef struct {
    SnapBuild before;
    uint8_t *seen;              /* per user */
    uint32_t *users;
    size_t nusers, cap;
} ChangeLog;

static void note_change(EvalState *st, uint32_t user, void *ctx)
{
    ChangeLog *log = ctx;
    if (log->seen[user]) return;
    log->seen[user] = 1;
    if (!grow_array((void **)&log->users, &log->cap, log->nusers + 1, sizeof *log->users)) fatal_oom();
    log->users[log->nusers++] = user;
    build_user(&log->before, st, user);
}

int snapshot_cmp_assign(const void *x, const void *y)
{
    const SnapAssign *a = x, *b = y;
    if (a->user != b->user) return a->user < b->user ? -1 : 1;
    return a->product < b->product ? -1 : a->product > b->product;
}

/* The diff compares assignments of the users the scenario touched only: the others
 * hold what they held (before and after would be equal, and W6 lists nothing for
 * them), and copying every assignment twice was most of a what-if's time. */
int whatif_run(EvalState *st, const Stmt *scenario, DiagList *diags, WhatifRun *run)
{
    memset(run, 0, sizeof *run);
    ChangeLog log = {0};
    build_begin(&log.before, st, 1);
    log.seen = calloc((size_t)st->t->nusers + 1, 1);
    if (!log.seen) fatal_oom();
    st->on_change = note_change;
    st->on_change_ctx = &log;
    int rc = whatif_apply(st, scenario, diags);
    st->on_change = NULL;
    st->on_change_ctx = NULL;
    run->before = build_end(&log.before, st);
    free(log.seen);
    if (rc != 0) {
        free(log.users);
        return -1;
    }
    if (run->before->nassigns > 1)
        qsort(run->before->assigns, run->before->nassigns, sizeof *run->before->assigns, snapshot_cmp_assign);
    if (log.nusers > 1) qsort(log.users, log.nusers, sizeof *log.users, cmp_u32);
    SnapBuild after;
    build_begin(&after, st, 1);
    for (size_t i = 0; i < log.nusers; i++) build_user(&after, st, log.users[i]);
    run->after = build_end(&after, st);
    free(log.users);
    run->hints = whatif_reprocess_hints(st, &run->nhints);
    WhatifDiff d = { scenario->u.scenario.name.text, run->before, run->after, st, run->hints, run->nhints };
    run->diff = d;
    return 0;
}

void whatif_run_free(WhatifRun *run)
{
    snapshot_free(run->before);
    snapshot_free(run->after);
    free(run->hints);
    memset(run, 0, sizeof *run);
}
