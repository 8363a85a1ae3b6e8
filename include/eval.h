/* eval.h — one full processing pass of group-based licensing (SEMANTICS.md S1–S11).
 *
 * The state holds, for every user, the products held (one holding per product, S6)
 * with the union of enabled plans and every source (`via`), seats consumed per
 * product, and the violations found. Holdings live in pools indexed by integers;
 * nothing in the pass hashes a string.
 *
 * Ownership: the state borrows the policy and tenant (they must outlive it) and owns
 * its pools and violations; eval_free.
 */
#ifndef SKULD_EVAL_H
#define SKULD_EVAL_H

#include <stdint.h>
#include "policy.h"
#include "tenant.h"

#define EVAL_NONE UINT32_MAX
#define EVAL_DIRECT (-1)

typedef enum {
    V_COUNT, V_MUTUALLY_EXCLUSIVE, V_DEPENDENCY, V_LOCATION, V_UNIQUENESS, V_OTHER
} ViolationCode;

typedef struct {
    uint32_t user;
    int32_t group;              /* policy group, or EVAL_DIRECT */
    uint32_t product;
    ViolationCode code;
    char *detail;
    char *hint;                 /* how to resolve it */
} Violation;

typedef struct {
    uint32_t product;
    uint32_t next;              /* the user's next holding, or EVAL_NONE */
    uint32_t via_first, via_last;   /* groups giving it, in processing order (ViaNode list) */
    uint8_t direct;             /* a direct licence gives it */
} Holding;

typedef struct {
    uint32_t group;
    uint32_t next;
} ViaNode;

typedef struct {
    const Policy *p;
    const Tenant *t;
    Holding *holdings;
    uint32_t nholdings, holdings_cap;
    bitword *plan_pool;         /* plan_words words per holding: its enabled plans */
    ViaNode *via;
    uint32_t nvia, via_cap;
    uint32_t *user_first;       /* per user: first holding, or EVAL_NONE */
    uint8_t *user_mailbox;      /* per user: holds an enabled mailbox plan */
    uint32_t *proxy_holders;    /* per proxy address: users holding a mailbox plan */
    uint32_t *proxy_users_start, *proxy_users;  /* address -> users, built on first need */
    int64_t *consumed;          /* per product */
    uint32_t *group_rank;       /* per group: position in processing order */
    Violation *violations;
    uint32_t nviolations, violations_cap;
} EvalState;

const char *violation_code_name(ViolationCode code);

EvalState *eval_new(const Policy *p, const Tenant *t);
void eval_free(EvalState *st);

/* The full pass: direct licences (S3), groups in order (S4, S5), direct-licence
 * findings (S3), then hints; violations sorted in report order (CLI.md). */
void eval_run(EvalState *st);

/* The user's effective usage location (S1), or -1. */
int eval_user_country(const EvalState *st, uint32_t user);

/* The enabled plans of holding h. */
static inline bitword *eval_holding_plans(const EvalState *st, uint32_t h)
{
    return st->plan_pool + (size_t)h * st->p->plan_words;
}

/* The user's holding of product, or EVAL_NONE. */
uint32_t eval_find_holding(const EvalState *st, uint32_t user, uint32_t product);

/* Licence conflict of a product (S9): max(0, consumed - seats). */
int64_t eval_conflict(const EvalState *st, uint32_t product);

#endif
