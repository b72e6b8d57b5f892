import type { QueryResult, QueryResultRow } from "pg";

/** The one method the request runner needs; a pg.Client or PoolClient fits, and so does a recording wrapper. */
export interface SqlClient {
  query<R extends QueryResultRow = QueryResultRow>(text: string, values?: unknown[]): Promise<QueryResult<R>>;
}
