import pg from 'pg';

/** One statement's share of an end-to-end round, per application. */
export interface StatementFigures {
  query: string;
  callsPerApplication: number;
  /** Execution time only (pg_stat_statements): parsing, planning and the round trip come on top. */
  msPerApplication: number;
}

/**
 * pg_stat_statements over the end-to-end database (BENCH_PG_STATEMENTS=1, which preloads it):
 * which statements each application costs PostgreSQL, by calls and execution time.
 */
export function statementsOf(databaseUrl: string) {
  const admin = async <T extends pg.QueryResultRow>(sql: string) => {
    const client = new pg.Client({ connectionString: databaseUrl });
    await client.connect();
    try {
      return (await client.query<T>(sql)).rows;
    } finally {
      await client.end();
    }
  };
  return {
    async reset() {
      await admin('CREATE EXTENSION IF NOT EXISTS pg_stat_statements');
      await admin('SELECT pg_stat_statements_reset()');
    },
    async top(applications: number, limit = 25): Promise<StatementFigures[]> {
      const rows = await admin<{ query: string; calls: string; total: number }>(
        `SELECT query, calls, total_exec_time AS total FROM pg_stat_statements
         WHERE dbid = (SELECT oid FROM pg_database WHERE datname = current_database())
         ORDER BY calls DESC LIMIT ${limit}`,
      );
      return rows.map((r) => ({
        query: r.query.replace(/\s+/g, ' ').slice(0, 160),
        callsPerApplication: Number(r.calls) / applications,
        msPerApplication: r.total / applications,
      }));
    },
  };
}
