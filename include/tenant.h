/* tenant.h — a tenant's users, group memberships, direct licences and seats, loaded
 * from the CSV directory format of CLI.md and turned into dense indices once.
 *
 * Users are indexed in users.csv order (the order of every report). Each group of the
 * policy gets its direct user members in membership order (S4), repeats dropped with a
 * warning (the first keeps its place). Nested groups are kept apart: they are not
 * licensed (S4) but lint counts them. Direct licences keep input order (S3); rows of
 * licenses.csv with a `group` are the tenant's current inherited state (what-if
 * baseline), kept apart and not used by eval.
 *
 * Errors (unknown names, duplicates, malformed rows, missing columns) go to the
 * diagnostics as path:line:column; tenant_load then returns NULL and nothing may be
 * evaluated.
 *
 * Ownership: the Tenant owns everything it holds; tenant_free. It refers to the
 * policy by index only, and fills in seats the rules left unset (skus.csv).
 */
#ifndef SKULD_TENANT_H
#define SKULD_TENANT_H

#include <stdint.h>
#include "bitset.h"
#include "diag.h"
#include "policy.h"
#include "symtab.h"

typedef struct {
    char *id;
    int country;                    /* own usage location, -1 none */
    uint32_t first_proxy, nproxies; /* into Tenant.user_proxies */
} TenantUser;

typedef struct {
    uint32_t user;
    uint32_t product;
    bitword *enabled;               /* the product's plans minus disabled_plans */
    unsigned line;                  /* in licenses.csv */
} DirectLicense;

typedef struct {
    uint32_t user;
    uint32_t product;
    char *group;                    /* the group it is inherited from, as written */
    int policy_group;               /* that group in the policy, or -1 */
    bitword *enabled;
    char *error;                    /* the error code column, or NULL */
    unsigned line;
} InheritedLicense;

typedef struct {
    uint32_t *users;                /* direct user members, membership order, no repeats */
    uint32_t nusers;
    uint32_t nnested;               /* groups nested in it (not licensed, S4) */
} GroupMembers;

typedef struct {
    TenantUser *users;
    uint32_t nusers;
    uint32_t *user_proxies;         /* proxy address ids, per user ranges (users.csv: only the
                                       addresses another user lists too; no other can clash) */
    uint32_t nproxy_refs;
    uint32_t nproxies;              /* distinct addresses (case-insensitive) */
    char **proxy_text;              /* address id -> the address as first written */
    GroupMembers *members;          /* per group: the policy's groups first (same index), then
                                       the groups only members.csv names (group_names ids) */
    uint32_t ngroups;               /* all of them */
    DirectLicense *direct;
    uint32_t ndirect;
    InheritedLicense *inherited;
    uint32_t ninherited;
    NameIndex user_index;           /* user id (case-insensitive) -> index */
    NameIndex group_names;          /* every group of members.csv and the rules */
    int ids_in_index;               /* users' ids are user_index's copies (CSV), not allocations
                                       of their own (Graph) */
    char *dir;                      /* the directory (or Graph JSON file) it came from */
    char **graph_user_ids;          /* Graph: per user, its object id (else NULL) */
    char **graph_group_ids;         /* Graph: per group (members' index), its object id (else NULL) */
} Tenant;

/* Loads DIR/users.csv, DIR/members.csv, DIR/licenses.csv (optional) and DIR/skus.csv
 * (optional) against the policy. NULL when anything is wrong (see diags). */
Tenant *tenant_load(const char *dir, Policy *policy, DiagList *diags);
/* A path ending in .json (any case) is a Microsoft Graph export instead (graph.h). */
/* The same, reading direct and inherited licences from state_path (a state file of
 * `eval --save-state`, in the licenses.csv format) instead of DIR/licenses.csv. */
Tenant *tenant_load_with(const char *dir, Policy *policy, DiagList *diags, const char *state_path);
void tenant_free(Tenant *t);

/* ---- building a tenant from another format (graph.c) ---- */

Tenant *tenant_new(const char *source);

/* Interning a user's proxy addresses: set first = t->nproxy_refs before the user's
 * first address, then call tenant_add_proxy for each (an address listed twice on one
 * user counts once). */
typedef struct {
    Tenant *t;
    NameIndex *proxies;             /* address (case-insensitive) -> id */
    size_t cap_refs, cap_text;
    uint32_t first;                 /* this user's first ref */
} ProxyCtx;
void tenant_add_proxy(void *ctx, const char *item, size_t n);

/* Gives back the memory of the user-id lookup table once the tenant is loaded (the
 * ids stay): a million users' table is 32 MB that evaluation can use instead of
 * fresh memory. tenant_find_user makes it again if it is ever needed. */
void tenant_release_lookup(Tenant *t);

/* The index of a user id, or -1. */
int64_t tenant_find_user(const Tenant *t, const char *id);

#endif
