/* SQLite's session extension (changesets), which the system library
 * exports but <sqlite3.h> declares only under SQLITE_ENABLE_SESSION.
 * Declared here by hand, with the connection and values left opaque, so
 * that this module does not redeclare the core API that GRDBSQLite
 * already brings (two copies would make every sqlite3_* call ambiguous).
 * The signatures are those of sqlite3.h 3.40. */
#ifndef KOMAR_SQLITE_SESSION_H
#define KOMAR_SQLITE_SESSION_H

struct sqlite3;
struct sqlite3_value;
typedef struct sqlite3_session sqlite3_session;
typedef struct sqlite3_changeset_iter sqlite3_changeset_iter;

int sqlite3session_create(struct sqlite3 *db, const char *zDb, sqlite3_session **ppSession);
void sqlite3session_delete(sqlite3_session *pSession);
int sqlite3session_attach(sqlite3_session *pSession, const char *zTab);
int sqlite3session_diff(sqlite3_session *pSession, const char *zFromDb, const char *zTbl, char **pzErrMsg);
int sqlite3session_changeset(sqlite3_session *pSession, int *pnChangeset, void **ppChangeset);

int sqlite3changeset_start(sqlite3_changeset_iter **pp, int nChangeset, void *pChangeset);
int sqlite3changeset_next(sqlite3_changeset_iter *pIter);
int sqlite3changeset_op(sqlite3_changeset_iter *pIter, const char **pzTab, int *pnCol, int *pOp, int *pbIndirect);
int sqlite3changeset_pk(sqlite3_changeset_iter *pIter, unsigned char **pabPK, int *pnCol);
int sqlite3changeset_old(sqlite3_changeset_iter *pIter, int iVal, struct sqlite3_value **ppValue);
int sqlite3changeset_new(sqlite3_changeset_iter *pIter, int iVal, struct sqlite3_value **ppValue);
int sqlite3changeset_conflict(sqlite3_changeset_iter *pIter, int iVal, struct sqlite3_value **ppValue);
int sqlite3changeset_finalize(sqlite3_changeset_iter *pIter);

int sqlite3changeset_apply_v2(
    struct sqlite3 *db, int nChangeset, void *pChangeset,
    int (*xFilter)(void *pCtx, const char *zTab),
    int (*xConflict)(void *pCtx, int eConflict, sqlite3_changeset_iter *p),
    void *pCtx, void **ppRebase, int *pnRebase, int flags);

#endif
