/* graph.h — Microsoft Graph shapes in and out (CLI.md "Tenant data from Microsoft
 * Graph"; docs/graph.md says which field is used how):
 *   - a tenant exported from Graph (users, groups with members, subscribedSkus) as
 *     `--tenant FILE.json`, read with jansson;
 *   - the groups' assignedLicenses of such an export as `group` blocks;
 *   - an evaluation as Graph-shaped licenseAssignmentStates per user.
 * Errors name the file and the JSON path (tenant.json: users[12].skuId: ...).
 */
#ifndef SKULD_GRAPH_H
#define SKULD_GRAPH_H

#include <stdio.h>
#include "diag.h"
#include "eval.h"
#include "policy.h"
#include "tenant.h"

/* The tenant of a Graph export; NULL when anything is wrong (see diags). */
Tenant *graph_load_tenant(const char *path, Policy *policy, DiagList *diags);

/* `group` blocks for the groups' assignedLicenses; 0, or -1 (see diags). */
int graph_import_groups(const char *path, FILE *out, DiagList *diags);

/* The evaluation as [{id, userPrincipalName, licenseAssignmentStates}] per user. */
int report_eval_graph(const EvalState *st, FILE *out);

#endif
