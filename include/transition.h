/* transition.h — what-if transitions (SEMANTICS.md, What-if W2–W4) on an evaluation
 * state: reprocessing pairs, users and groups; direct licences added and removed; and
 * S8, the removals that fail because another plan still needs what they take away.
 */
#ifndef SKULD_TRANSITION_H
#define SKULD_TRANSITION_H

#include "eval.h"

/* W3: reprocesses the (user, group) pair against the user's other sources. A user who
 * is no longer a member loses what the group gave (subject to S8). */
void eval_reprocess_pair(EvalState *st, uint32_t user, uint32_t g);

/* W3: reprocesses a user: each licensed group the user is a member of, holds a product
 * through or has a violation through, in processing order. */
void eval_reprocess_user(EvalState *st, uint32_t user);

/* W3: reprocesses a group: its members in membership order, then former members who
 * still hold something through it or have a violation through it, in user order. */
void eval_reprocess_group(EvalState *st, uint32_t g);

/* Sets a direct licence as the service would (W2 `license`): checked at once; refused
 * with a VK_REFUSED violation, or applied (replacing an existing one's plans, S8 for
 * the plans it drops). enabled must outlive the state (see eval_own). */
void eval_license(EvalState *st, uint32_t user, uint32_t product, const bitword *enabled);

/* Removes a direct licence (W2 `unlicense`), subject to S8. */
void eval_unlicense(EvalState *st, uint32_t user, uint32_t product);

/* Hands a malloc'd block to the state, freed with it. */
void eval_own(EvalState *st, void *block);

/* Holds product through group g with `enabled` (no checks): for imported state. */
void eval_hold_via(EvalState *st, uint32_t user, uint32_t product, uint32_t g, const bitword *enabled, int kept);
/* Holds product directly with `enabled` (no checks). */
void eval_hold_direct(EvalState *st, uint32_t user, uint32_t product, const bitword *enabled);

#endif
