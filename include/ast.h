/* ast.h — the syntax tree of rule files, as the parser builds it.
 *
 * Every node carries the location of its source text. Nothing here is resolved: names
 * are as written (an identifier or a quoted string, which may be a GUID); the checker
 * resolves them and builds the policy.
 *
 * Ownership: a StmtList owns its statements, which own everything below them (names,
 * strings, arrays). ast_stmt_free frees one statement and all it holds.
 */
#ifndef SKULD_AST_H
#define SKULD_AST_H

#include <stddef.h>
#include <stdint.h>
#include "loc.h"

typedef struct {
    char *text;         /* NUL-terminated, decoded (escapes applied) */
    SkLoc loc;
    int quoted;         /* written in double quotes */
} Name;

typedef struct {
    Name *items;
    size_t count, cap;
    SkLoc loc;          /* the whole list */
} NameList;

typedef enum { ASSIGN_ALL, ASSIGN_EXCEPT, ASSIGN_ONLY } AssignMode;

/* "PRODUCT [except|only PLAN, ...]" — in a group, a scenario's license or group edit. */
typedef struct {
    Name product;
    AssignMode mode;
    NameList plans;     /* the except/only plans */
    SkLoc loc;          /* the whole assignment */
} AssignSpec;

typedef enum {
    CH_ADD, CH_REMOVE, CH_SET_LOCATION, CH_SET_SEATS, CH_LICENSE, CH_UNLICENSE,
    CH_GROUP_ASSIGN, CH_GROUP_UNASSIGN, CH_REPROCESS_GROUP, CH_REPROCESS_USER
} ChangeKind;

typedef struct {
    ChangeKind kind;
    SkLoc loc;
    Name user;          /* add, remove, set location, license, unlicense, reprocess user */
    Name group;         /* add, remove, group edits, reprocess group */
    Name country;       /* set location; text NULL for `none` */
    Name product;       /* set seats, unlicense, group unassign */
    int64_t seats;      /* set seats */
    SkLoc seats_loc;
    AssignSpec assign;  /* license, group assign */
} Change;

typedef enum {
    ST_INCLUDE, ST_DIRECTORY, ST_PLAN, ST_PRODUCT, ST_SEATS, ST_CONFLICT, ST_REQUIRE,
    ST_RESTRICT, ST_GROUP, ST_SCENARIO
} StmtKind;

typedef struct Stmt {
    StmtKind kind;
    SkLoc loc;          /* the keyword that starts the statement */
    int file;           /* index of its file in the SourceSet */
    struct Stmt *next;
    union {
        struct { Name path; } include;
        struct { Name country; } directory;
        struct {
            Name name;
            Name display;   /* text NULL when absent */
            Name guid;      /* text NULL when absent */
            int mailbox;
        } plan;
        struct {
            Name name;
            Name display;
            Name guid;      /* text NULL when absent */
            int guid_count; /* `id` lines seen (C2: at most one) */
            SkLoc second_guid_loc;
            NameList plans;
            int has_plans;
            int64_t seats;
            int seats_count;
            SkLoc seats_loc;     /* the first seats value */
            SkLoc second_seats_loc;
        } product;
        struct { Name product; int64_t seats; SkLoc seats_loc; } seats;
        struct { NameList plans; } conflict;
        struct { Name plan; NameList any_of; } require;
        struct { Name plan; int allow; NameList countries; SkLoc mode_loc; } restrict_;
        struct {
            Name name;
            int64_t priority;
            AssignSpec *assigns;
            size_t count, cap;
        } group;
        struct {
            Name name;
            Change *changes;
            size_t count, cap;
        } scenario;
    } u;
} Stmt;

typedef struct {
    Stmt *head, *tail;
    size_t count;
} StmtList;

void name_free(Name *n);
void name_list_free(NameList *l);
/* Appends n to l (taking ownership of n's text); 0 on no memory (n is then freed). */
int name_list_push(NameList *l, Name n);
void assign_spec_free(AssignSpec *a);
void change_free(Change *c);
void ast_stmt_free(Stmt *s);
void stmt_list_append(StmtList *list, Stmt *s);
void stmt_list_free(StmtList *list);

#endif
