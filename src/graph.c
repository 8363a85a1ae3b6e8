/* graph.c — Microsoft Graph exports in, Graph shapes out (see graph.h, docs/graph.md).
 * Reading uses jansson: the export is read once, whole, and every field is checked
 * for its type, so a wrong one is an error naming its JSON path. */
#include "graph.h"
#include "catalog_import.h"
#include "source.h"
#include "jsonw.h"
#include "util.h"

#include <jansson.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

typedef struct {
    const char *path;
    Policy *p;
    DiagList *diags;
    Tenant *t;
    NameIndex user_ids;         /* Graph user id -> user index */
    NameIndex rejected;         /* ids of users already reported as wrong */
    NameIndex group_ids;        /* Graph group id -> tenant group index */
    size_t errors_before;
} GraphLoad;

static void json_error(GraphLoad *g, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

static void json_error(GraphLoad *g, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    char *msg = NULL;
    if (vasprintf_portable(&msg, fmt, ap) < 0) msg = NULL;
    va_end(ap);
    diag_add_file(g->diags, SEV_ERROR, g->path, 0, 0, "tenant", NULL, "%s", msg ? msg : "invalid");
    free(msg);
}

/* A string member, or NULL: absent or null is allowed when optional, else an error;
 * another type is always an error. */
static const char *get_string(GraphLoad *g, json_t *obj, const char *key, const char *where, int optional)
{
    json_t *v = json_object_get(obj, key);
    if ((!v || json_is_null(v)) && optional) return NULL;
    if (!v || !json_is_string(v)) {
        json_error(g, "%s.%s: %s", where, key, !v ? "missing" : "not a string");
        return NULL;
    }
    return json_string_value(v);
}

/* An array member (NULL when absent or null and optional). */
static json_t *get_array(GraphLoad *g, json_t *obj, const char *key, const char *where, int optional)
{
    json_t *v = json_object_get(obj, key);
    if ((!v || json_is_null(v)) && optional) return NULL;
    if (!v || !json_is_array(v)) {
        json_error(g, "%s%s%s: %s", where, where[0] ? "." : "", key, !v ? "missing" : "not an array");
        return NULL;
    }
    return v;
}

static void load_users(GraphLoad *g, json_t *users)
{
    Tenant *t = g->t;
    size_t n = json_array_size(users), cap = n + 1;
    t->users = calloc(cap, sizeof *t->users);
    t->graph_user_ids = calloc(cap, sizeof *t->graph_user_ids);
    if (!t->users || !t->graph_user_ids) fatal_oom();
    NameIndex proxies;
    name_index_init(&proxies, 1);
    ProxyCtx pc = { t, &proxies, 0, 0, 0 };
    char where[64];
    for (size_t i = 0; i < n; i++) {
        json_t *u = json_array_get(users, i);
        snprintf(where, sizeof where, "users[%zu]", i);
        if (!json_is_object(u)) {
            json_error(g, "%s: not an object", where);
            continue;
        }
        const char *id = get_string(g, u, "id", where, 0);
        const char *upn = get_string(g, u, "userPrincipalName", where, 0);
        json_t *loc = json_object_get(u, "usageLocation");
        int country = -1, ok = id && upn;
        if (ok && loc && !json_is_null(loc)) {
            const char *c = json_is_string(loc) ? json_string_value(loc) : NULL;
            if (!c) {
                json_error(g, "%s.usageLocation: not a string", where);
                ok = 0;
            } else if (c[0] && (country = country_index(c, strlen(c))) < 0) {
                json_error(g, "%s.usageLocation: unknown country code '%.20s'", where, c);
                ok = 0;
            }
        }
        if (ok && name_index_find(&t->user_index, upn, strlen(upn)) >= 0) {
            json_error(g, "%s.userPrincipalName: duplicate user '%s'", where, upn);
            ok = 0;
        }
        if (ok && name_index_find(&g->user_ids, id, strlen(id)) >= 0) {
            json_error(g, "%s.id: duplicate id '%s'", where, id);
            continue;   /* the id is the first user's: not rejected */
        }
        if (!ok) {
            /* members naming this user are not reported again */
            if (id && name_index_put(&g->rejected, id, strlen(id), 0) == -2) fatal_oom();
            continue;
        }
        if (name_index_put(&t->user_index, upn, strlen(upn), t->nusers) == -2 ||
            name_index_put(&g->user_ids, id, strlen(id), t->nusers) == -2)
            fatal_oom();
        TenantUser *tu = &t->users[t->nusers];
        if (!(tu->id = strdup(upn)) || !(t->graph_user_ids[t->nusers] = strdup(id))) fatal_oom();
        tu->country = country;
        pc.first = t->nproxy_refs;
        json_t *addrs = get_array(g, u, "proxyAddresses", where, 1);
        for (size_t k = 0; addrs && k < json_array_size(addrs); k++) {
            json_t *a = json_array_get(addrs, k);
            if (!json_is_string(a)) {
                json_error(g, "%s.proxyAddresses[%zu]: not a string", where, k);
                continue;
            }
            tenant_add_proxy(&pc, json_string_value(a), strlen(json_string_value(a)));
        }
        tu->first_proxy = pc.first;
        tu->nproxies = t->nproxy_refs - pc.first;
        t->nusers++;
    }
    name_index_free(&proxies);
}

static void load_groups(GraphLoad *g, json_t *groups)
{
    Tenant *t = g->t;
    Policy *p = g->p;
    size_t n = json_array_size(groups);
    size_t cap = p->ngroups + n + 1;
    uint32_t ngroups = 0;
    for (uint32_t i = 0; i < p->ngroups; i++, ngroups++)
        name_index_put(&t->group_names, p->groups[i].name, strlen(p->groups[i].name), i);
    t->members = calloc(cap, sizeof *t->members);
    t->graph_group_ids = calloc(cap, sizeof *t->graph_group_ids);
    uint32_t *index_of = calloc(n + 1, sizeof *index_of);   /* groups[i] -> tenant group */
    if (!t->members || !t->graph_group_ids || !index_of) fatal_oom();
    char where[64];
    for (size_t i = 0; i < n; i++) {
        json_t *gr = json_array_get(groups, i);
        snprintf(where, sizeof where, "groups[%zu]", i);
        index_of[i] = UINT32_MAX;
        if (!json_is_object(gr)) {
            json_error(g, "%s: not an object", where);
            continue;
        }
        const char *id = get_string(g, gr, "id", where, 0);
        const char *name = get_string(g, gr, "displayName", where, 0);
        if (!id || !name) continue;
        int64_t tg = name_index_put(&t->group_names, name, strlen(name), ngroups);
        if (tg < 0) tg = ngroups++;
        if (t->graph_group_ids[tg]) {
            diag_add_file(g->diags, SEV_WARNING, g->path, 0, 0, "tenant-repeat", NULL,
                          "%s: a second group named '%s': its members join the first", where, name);
        } else if (!(t->graph_group_ids[tg] = strdup(id))) {
            fatal_oom();
        }
        if (name_index_put(&g->group_ids, id, strlen(id), tg) >= 0) json_error(g, "%s.id: duplicate id '%s'", where, id);
        index_of[i] = (uint32_t)tg;
    }
    t->ngroups = ngroups;
    uint32_t *seen = calloc((size_t)t->nusers + 1, sizeof *seen);   /* tenant group + 1 a user was last added to */
    if (!seen) fatal_oom();
    int other_types = 0;
    for (size_t i = 0; i < n; i++) {
        if (index_of[i] == UINT32_MAX) continue;
        json_t *gr = json_array_get(groups, i);
        snprintf(where, sizeof where, "groups[%zu]", i);
        json_t *members = get_array(g, gr, "members", where, 1);
        GroupMembers *gm = &t->members[index_of[i]];
        size_t m = json_array_size(members);
        if (m) {
            uint32_t *grown = realloc(gm->users, (gm->nusers + m) * sizeof *grown);
            if (!grown) fatal_oom();
            gm->users = grown;
        }
        for (size_t k = 0; k < m; k++) {
            json_t *mem = json_array_get(members, k);
            char mwhere[96];
            snprintf(mwhere, sizeof mwhere, "%s.members[%zu]", where, k);
            if (!json_is_object(mem)) {
                json_error(g, "%s: not an object", mwhere);
                continue;
            }
            const char *type = get_string(g, mem, "@odata.type", mwhere, 0);
            const char *id = get_string(g, mem, "id", mwhere, 0);
            if (!type || !id) continue;
            if (strcmp(type, "#microsoft.graph.user") == 0) {
                int64_t u = name_index_find(&g->user_ids, id, strlen(id));
                if (u < 0) {
                    if (name_index_find(&g->rejected, id, strlen(id)) < 0)
                        json_error(g, "%s.id: unknown user %s (not in users)", mwhere, id);
                    continue;
                }
                if (seen[u] == index_of[i] + 1) {
                    diag_add_file(g->diags, SEV_WARNING, g->path, 0, 0, "tenant-repeat", NULL,
                                  "%s: repeated member ignored (the first keeps its place)", mwhere);
                    continue;
                }
                seen[u] = index_of[i] + 1;
                gm->users[gm->nusers++] = (uint32_t)u;
            } else if (strcmp(type, "#microsoft.graph.group") == 0) {
                if (name_index_find(&g->group_ids, id, strlen(id)) < 0) {
                    json_error(g, "%s.id: unknown group %s (not in groups)", mwhere, id);
                    continue;
                }
                gm->nnested++;
            } else {
                other_types++;   /* devices, service principals, contacts: not licensed */
            }
        }
    }
    if (other_types)
        diag_add_file(g->diags, SEV_WARNING, g->path, 0, 0, "tenant-member-type", NULL,
                      "%d group member%s neither users nor groups (devices, service principals): ignored",
                      other_types, other_types == 1 ? " is" : "s are");
    free(seen);
    free(index_of);
}

/* A product by its skuId GUID, or -1 (reported at `where`). */
static int product_of(GraphLoad *g, const char *guid, const char *where)
{
    int k = policy_find_product(g->p, guid);
    if (k < 0) json_error(g, "%s: unknown product %s (no product of the rules has this id)", where, guid);
    return k;
}

static void load_licences(GraphLoad *g, json_t *users)
{
    Tenant *t = g->t;
    Policy *p = g->p;
    size_t cap_direct = 0, cap_inh = 0;
    char where[128];
    for (size_t i = 0; i < json_array_size(users); i++) {
        json_t *u = json_array_get(users, i);
        if (!json_is_object(u)) continue;
        const char *upn = json_string_value(json_object_get(u, "userPrincipalName"));
        int64_t user = upn ? name_index_find(&t->user_index, upn, strlen(upn)) : -1;
        if (user < 0) continue;   /* reported with the user */
        snprintf(where, sizeof where, "users[%zu]", i);
        json_t *states = get_array(g, u, "licenseAssignmentStates", where, 1);
        for (size_t k = 0; states && k < json_array_size(states); k++) {
            json_t *s = json_array_get(states, k);
            char swhere[256];
            snprintf(swhere, sizeof swhere, "%s.licenseAssignmentStates[%zu]", where, k);
            if (!json_is_object(s)) {
                json_error(g, "%s: not an object", swhere);
                continue;
            }
            const char *sku = get_string(g, s, "skuId", swhere, 0);
            const char *by = get_string(g, s, "assignedByGroup", swhere, 1);
            const char *error = get_string(g, s, "error", swhere, 1);
            json_t *disabled = get_array(g, s, "disabledPlans", swhere, 1);
            if (!sku) continue;
            char pwhere[320];
            snprintf(pwhere, sizeof pwhere, "%s.skuId", swhere);
            int product = product_of(g, sku, pwhere);
            if (product < 0) continue;
            bitword *enabled = policy_plan_set(p);
            if (!enabled) fatal_oom();
            memcpy(enabled, p->products[product].plan_set, p->plan_words * sizeof *enabled);
            int ok = 1;
            for (size_t d = 0; disabled && d < json_array_size(disabled); d++) {
                json_t *pl = json_array_get(disabled, d);
                snprintf(pwhere, sizeof pwhere, "%s.disabledPlans[%zu]", swhere, d);
                if (!json_is_string(pl)) {
                    json_error(g, "%s: not a string", pwhere);
                    ok = 0;
                    continue;
                }
                int plan = policy_find_plan(p, json_string_value(pl));
                if (plan < 0) {
                    json_error(g, "%s: unknown service plan %s (no plan of the rules has this id)", pwhere,
                               json_string_value(pl));
                    ok = 0;
                } else if (!bitset_test(p->products[product].plan_set, (size_t)plan)) {
                    json_error(g, "%s: plan %s is not part of product %s", pwhere, p->plans[plan].name,
                               p->products[product].name);
                    ok = 0;
                } else {
                    bitset_clear(enabled, (size_t)plan);
                }
            }
            if (error && strcmp(error, "None") != 0 && violation_code_parse(error) < 0) {
                json_error(g, "%s.error: unknown error code '%.60s'", swhere, error);
                ok = 0;
            }
            if (!ok) {
                free(enabled);
                continue;
            }
            if (!by) {
                for (uint32_t d = 0; d < t->ndirect; d++)
                    if (t->direct[d].user == (uint32_t)user && t->direct[d].product == (uint32_t)product) {
                        json_error(g, "%s: a second direct licence of %s for %s", swhere, p->products[product].name, upn);
                        ok = 0;
                    }
                if (!ok) {
                    free(enabled);
                    continue;
                }
                if (!grow_array((void **)&t->direct, &cap_direct, t->ndirect + 1, sizeof *t->direct)) fatal_oom();
                DirectLicense *dl = &t->direct[t->ndirect++];
                dl->user = (uint32_t)user;
                dl->product = (uint32_t)product;
                dl->enabled = enabled;
                dl->line = 0;
                continue;
            }
            int64_t tg = name_index_find(&g->group_ids, by, strlen(by));
            if (tg < 0) {
                json_error(g, "%s.assignedByGroup: unknown group %s (not in groups)", swhere, by);
                free(enabled);
                continue;
            }
            if (tg >= (int64_t)p->ngroups)
                diag_add_file(g->diags, SEV_WARNING, g->path, 0, 0, "tenant-unknown-group", NULL,
                              "%s.assignedByGroup: group '%s' is not in the rules: this inherited licence is ignored",
                              swhere, t->graph_group_ids[tg] ? by : by);
            if (!grow_array((void **)&t->inherited, &cap_inh, t->ninherited + 1, sizeof *t->inherited)) fatal_oom();
            InheritedLicense *h = &t->inherited[t->ninherited++];
            memset(h, 0, sizeof *h);
            h->user = (uint32_t)user;
            h->product = (uint32_t)product;
            h->policy_group = tg < (int64_t)p->ngroups ? (int)tg : -1;
            h->group = strdup(tg < (int64_t)p->ngroups ? p->groups[tg].name : by);
            h->enabled = enabled;
            h->error = error && strcmp(error, "None") != 0 ? strdup(error) : NULL;
            if (!h->group || (error && strcmp(error, "None") != 0 && !h->error)) fatal_oom();
        }
    }
}

static void load_skus(GraphLoad *g, json_t *skus)
{
    Policy *p = g->p;
    char where[128];
    uint8_t *seen = calloc((size_t)p->nproducts + 1, 1);
    if (!seen) fatal_oom();
    for (size_t i = 0; i < json_array_size(skus); i++) {
        json_t *s = json_array_get(skus, i);
        snprintf(where, sizeof where, "subscribedSkus[%zu]", i);
        if (!json_is_object(s)) {
            json_error(g, "%s: not an object", where);
            continue;
        }
        const char *sku = get_string(g, s, "skuId", where, 0);
        json_t *units = json_object_get(s, "prepaidUnits");
        json_t *enabled = units && json_is_object(units) ? json_object_get(units, "enabled") : NULL;
        if (!sku) continue;
        if (!enabled || !json_is_integer(enabled) || json_integer_value(enabled) < 0) {
            json_error(g, "%s.prepaidUnits.enabled: %s", where, !enabled ? "missing" : "not a non-negative integer");
            continue;
        }
        char swhere[256];
        snprintf(swhere, sizeof swhere, "%s.skuId", where);
        int product = product_of(g, sku, swhere);
        if (product < 0) continue;
        if (seen[product]) {
            diag_add_file(g->diags, SEV_WARNING, g->path, 0, 0, "tenant-repeat", NULL,
                          "%s: product %s is listed again: its seats add up", where, g->p->products[product].name);
        }
        if (!p->products[product].seats_from_rules)
            p->products[product].seats = (seen[product] ? p->products[product].seats : 0) +
                                         (int64_t)json_integer_value(enabled);
        seen[product] = 1;
    }
    free(seen);
}

/* Reads and parses a JSON file; a UTF-8 byte-order mark (as Windows PowerShell
 * writes) is skipped. NULL when unreadable or malformed (reported). */
static json_t *load_json(const char *path, DiagList *diags)
{
    char err[512];
    size_t len;
    char *buf = file_read_all(path, (size_t)4 << 30, &len, err, sizeof err);
    if (!buf) {
        diag_add_file(diags, SEV_ERROR, path, 0, 0, "tenant", NULL, "%s", err);
        return NULL;
    }
    size_t skip = len >= 3 && (unsigned char)buf[0] == 0xEF && (unsigned char)buf[1] == 0xBB &&
                  (unsigned char)buf[2] == 0xBF ? 3 : 0;
    json_error_t jerr;
    json_t *root = json_loadb(buf + skip, len - skip, JSON_REJECT_DUPLICATES, &jerr);
    free(buf);
    if (!root)
        diag_add_file(diags, SEV_ERROR, path, jerr.line > 0 ? jerr.line : 1, jerr.column > 0 ? jerr.column : 1,
                      "tenant", NULL, "malformed JSON: %s", jerr.text);
    return root;
}

Tenant *graph_load_tenant(const char *path, Policy *policy, DiagList *diags)
{
    json_t *root = load_json(path, diags);
    if (!root) return NULL;
    GraphLoad g = { path, policy, diags, tenant_new(path), { 0 }, { 0 }, { 0 }, diags->errors };
    name_index_init(&g.user_ids, 0);
    name_index_init(&g.group_ids, 0);
    name_index_init(&g.rejected, 0);
    if (!json_is_object(root)) {
        json_error(&g, "the top level is not an object with users, groups and subscribedSkus");
    } else {
        json_t *users = get_array(&g, root, "users", "", 0);
        json_t *groups = get_array(&g, root, "groups", "", 0);
        json_t *skus = get_array(&g, root, "subscribedSkus", "", 1);
        if (users && groups) {
            load_users(&g, users);
            load_groups(&g, groups);
            load_licences(&g, users);
            if (skus) load_skus(&g, skus);
        }
    }
    json_decref(root);
    name_index_free(&g.user_ids);
    name_index_free(&g.group_ids);
    name_index_free(&g.rejected);
    if (diags->errors > g.errors_before) {
        tenant_free(g.t);
        return NULL;
    }
    return g.t;
}

/* ---- import groups ------------------------------------------------------------ */


int graph_import_groups(const char *path, FILE *out, DiagList *diags)
{
    json_t *root = load_json(path, diags);
    if (!root) return -1;
    GraphLoad g = { path, NULL, diags, NULL, { 0 }, { 0 }, { 0 }, diags->errors };
    json_t *groups = json_is_object(root) ? get_array(&g, root, "groups", "", 0) : NULL;
    json_t *skus = json_is_object(root) ? json_object_get(root, "subscribedSkus") : NULL;
    if (!json_is_object(root)) json_error(&g, "the top level is not an object");
    StrBuf text = {0};
    size_t written = 0;
    for (size_t i = 0; groups && i < json_array_size(groups); i++) {
        json_t *gr = json_array_get(groups, i);
        char where[64];
        snprintf(where, sizeof where, "groups[%zu]", i);
        if (!json_is_object(gr)) {
            json_error(&g, "%s: not an object", where);
            continue;
        }
        const char *name = get_string(&g, gr, "displayName", where, 0);
        json_t *licences = get_array(&g, gr, "assignedLicenses", where, 1);
        if (!name || !json_array_size(licences)) continue;
        char *q = NULL;
        size_t qlen = 0;
        FILE *mem = open_memstream(&q, &qlen);
        if (!mem) fatal_oom();
        fprintf(mem, "\ngroup ");
        catalog_write_string(mem, name);
        fprintf(mem, " {\n");
        for (size_t k = 0; k < json_array_size(licences); k++) {
            json_t *l = json_array_get(licences, k);
            char lwhere[160];
            snprintf(lwhere, sizeof lwhere, "%s.assignedLicenses[%zu]", where, k);
            const char *sku = json_is_object(l) ? get_string(&g, l, "skuId", lwhere, 0) : NULL;
            if (!json_is_object(l)) json_error(&g, "%s: not an object", lwhere);
            if (!sku) continue;
            if (!is_guid(sku)) {
                json_error(&g, "%s.skuId: '%.60s' is not a GUID", lwhere, sku);
                continue;
            }
            json_t *disabled = get_array(&g, l, "disabledPlans", lwhere, 1);
            fprintf(mem, "    assign ");
            catalog_write_string(mem, sku);
            for (size_t d = 0; disabled && d < json_array_size(disabled); d++) {
                json_t *pl = json_array_get(disabled, d);
                if (!json_is_string(pl)) {
                    json_error(&g, "%s.disabledPlans[%zu]: not a string", lwhere, d);
                    continue;
                }
                fprintf(mem, "%s", d ? ", " : " except ");
                catalog_write_string(mem, json_string_value(pl));
            }
            fprintf(mem, ";");
            /* the product's part number, when the export has it, as a comment */
            for (size_t s = 0; skus && json_is_array(skus) && s < json_array_size(skus); s++) {
                json_t *sk = json_array_get(skus, s);
                const char *id = json_string_value(json_object_get(sk, "skuId"));
                const char *part = json_string_value(json_object_get(sk, "skuPartNumber"));
                if (id && part && str_ieq(id, sku)) {
                    fprintf(mem, "   # %s", part);
                    break;
                }
            }
            fprintf(mem, "\n");
        }
        fprintf(mem, "}\n");
        fclose(mem);
        sb_add(&text, q, qlen);
        free(q);
        written++;
    }
    json_decref(root);
    int status = -1;
    if (diags->errors == g.errors_before) {
        fprintf(out, "# Groups and what they assign, imported by `skuld import groups` from %s\n", path);
        fprintf(out, "# (%zu groups with licences). Products and plans are named by their GUIDs: check these\n", written);
        fprintf(out, "# together with a catalog that declares them (rules/microsoft365/).\n");
        if (text.len) fwrite(text.data, 1, text.len, out);
        status = ferror(out) ? -1 : 0;
    }
    sb_free(&text);
    return status;
}

/* ---- eval --format graph ------------------------------------------------------ */

/* One licenseAssignmentState. */
static void write_state(JsonWriter *w, const EvalState *st, uint32_t product, int32_t group, const bitword *enabled,
                        const char *error, const char *state)
{
    const Policy *p = st->p;
    const Tenant *t = st->t;
    const PolicyProduct *pr = &p->products[product];
    jw_object_begin(w);
    jw_key(w, "assignedByGroup");
    if (group < 0) jw_null(w);
    else jw_string(w, t->graph_group_ids && t->graph_group_ids[group] ? t->graph_group_ids[group] : p->groups[group].name);
    jw_key(w, "disabledPlans");
    jw_array_begin(w);
    for (uint32_t k = 0; enabled && k < pr->nplans; k++) {
        const PolicyPlan *pl = &p->plans[pr->plans[k]];
        if (!bitset_test(enabled, pr->plans[k])) jw_string(w, pl->guid ? pl->guid : pl->name);
    }
    jw_array_end(w);
    jw_key(w, "error");
    jw_string(w, error);
    jw_key(w, "skuId");
    jw_string(w, pr->guid ? pr->guid : pr->name);
    jw_key(w, "state");
    jw_string(w, state);
    jw_object_end(w);
}

/* The enabled plans group g's assignment of product gives now, or NULL. */
static const bitword *group_enables(const EvalState *st, int32_t g, uint32_t product)
{
    for (uint32_t k = 0; k < st->groups[g].nassigns; k++)
        if (st->groups[g].assigns[k].product == product) return st->groups[g].assigns[k].enabled;
    return NULL;
}

int report_eval_graph(const EvalState *st, FILE *out)
{
    const Policy *p = st->p;
    const Tenant *t = st->t;
    JsonWriter w;
    jw_init(&w, out);
    jw_array_begin(&w);
    for (uint32_t u = 0; u < t->nusers; u++) {
        jw_object_begin(&w);
        jw_key(&w, "id");
        jw_string(&w, t->graph_user_ids ? t->graph_user_ids[u] : t->users[u].id);
        jw_key(&w, "userPrincipalName");
        jw_string(&w, t->users[u].id);
        jw_key(&w, "licenseAssignmentStates");
        jw_array_begin(&w);
        for (uint32_t prod = 0; prod < p->nproducts; prod++) {
            uint32_t h = eval_find_holding(st, u, prod);
            if (h != EVAL_NONE && eval_holding(st, h)->direct) {
                const char *error = "None";
                for (uint32_t i = st->user_violations[u]; i != EVAL_NONE; i = st->violations[i].next_of_user) {
                    const Violation *v = &st->violations[i];
                    if (!v->dead && v->group < 0 && v->product == prod && v->kind != VK_REFUSED)
                        error = violation_code_name(v->code);
                }
                write_state(&w, st, prod, EVAL_DIRECT, eval_direct_enabled(st, h), error,
                            strcmp(error, "None") ? "ActiveWithError" : "Active");
            }
            for (uint32_t v = h == EVAL_NONE ? EVAL_NONE : eval_holding(st, h)->via_first; v != EVAL_NONE; v = st->via[v].next)
                write_state(&w, st, prod, (int32_t)st->via[v].group, eval_via_enabled(st, v),
                            st->via[v].kept ? "DependencyViolation" : "None", st->via[v].kept ? "ActiveWithError" : "Active");
            /* a (user, group, product) in error and not held through the group */
            for (uint32_t i = st->user_violations[u]; i != EVAL_NONE; i = st->violations[i].next_of_user) {
                const Violation *v = &st->violations[i];
                if (v->dead || v->product != prod || v->group < 0 || v->kind == VK_KEPT) continue;
                write_state(&w, st, prod, v->group, group_enables(st, v->group, prod), violation_code_name(v->code),
                            "Error");
            }
        }
        jw_array_end(&w);
        jw_object_end(&w);
    }
    jw_array_end(&w);
    return jw_finish(&w);
}
