/* ast.c — freeing and appending syntax-tree nodes (see ast.h). */
#include "ast.h"
#include "util.h"

#include <stdlib.h>
#include <string.h>

void name_free(Name *n)
{
    free(n->text);
    n->text = NULL;
}

void name_list_free(NameList *l)
{
    for (size_t i = 0; i < l->count; i++) name_free(&l->items[i]);
    free(l->items);
    l->items = NULL;
    l->count = l->cap = 0;
}

int name_list_push(NameList *l, Name n)
{
    if (!grow_array((void **)&l->items, &l->cap, l->count + 1, sizeof *l->items)) {
        name_free(&n);
        return 0;
    }
    l->items[l->count++] = n;
    return 1;
}

void assign_spec_free(AssignSpec *a)
{
    name_free(&a->product);
    name_list_free(&a->plans);
}

void change_free(Change *c)
{
    name_free(&c->user);
    name_free(&c->group);
    name_free(&c->country);
    name_free(&c->product);
    assign_spec_free(&c->assign);
}

void ast_stmt_free(Stmt *s)
{
    if (!s) return;
    switch (s->kind) {
    case ST_INCLUDE: name_free(&s->u.include.path); break;
    case ST_DIRECTORY: name_free(&s->u.directory.country); break;
    case ST_PLAN:
        name_free(&s->u.plan.name);
        name_free(&s->u.plan.display);
        name_free(&s->u.plan.guid);
        break;
    case ST_PRODUCT:
        name_free(&s->u.product.name);
        name_free(&s->u.product.display);
        name_free(&s->u.product.guid);
        name_list_free(&s->u.product.plans);
        break;
    case ST_SEATS: name_free(&s->u.seats.product); break;
    case ST_CONFLICT: name_list_free(&s->u.conflict.plans); break;
    case ST_REQUIRE:
        name_free(&s->u.require.plan);
        name_list_free(&s->u.require.any_of);
        break;
    case ST_RESTRICT:
        name_free(&s->u.restrict_.plan);
        name_list_free(&s->u.restrict_.countries);
        break;
    case ST_GROUP:
        name_free(&s->u.group.name);
        for (size_t i = 0; i < s->u.group.count; i++) assign_spec_free(&s->u.group.assigns[i]);
        free(s->u.group.assigns);
        break;
    case ST_SCENARIO:
        name_free(&s->u.scenario.name);
        for (size_t i = 0; i < s->u.scenario.count; i++) change_free(&s->u.scenario.changes[i]);
        free(s->u.scenario.changes);
        break;
    }
    free(s);
}

void stmt_list_append(StmtList *list, Stmt *s)
{
    s->next = NULL;
    if (list->tail) list->tail->next = s;
    else list->head = s;
    list->tail = s;
    list->count++;
}

void stmt_list_free(StmtList *list)
{
    Stmt *s = list->head;
    while (s) {
        Stmt *next = s->next;
        ast_stmt_free(s);
        s = next;
    }
    list->head = list->tail = NULL;
    list->count = 0;
}
