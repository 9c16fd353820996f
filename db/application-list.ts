import type { ApplicationStatus } from '../schemas/status.js';
import type { Queryable } from './pool.js';

/** An application as a portal's list shows it. */
export interface ApplicationListRow {
  id: string;
  bundle_id: string;
  status: ApplicationStatus;
  created_at: Date;
  updated_at: Date;
  due_at: Date | null;
  /** `created_at` in microseconds since the epoch, exact (a Date keeps milliseconds): the page cursor's. */
  created_us: string;
}

/** What a portal filters its applications by; every part is optional. */
export interface ApplicationListFilter {
  /** The applicant's ID number under each keyring key (`applicantHashes`): never the number. */
  applicantHashes?: readonly string[];
  bundleIds?: readonly string[];
  statuses?: readonly ApplicationStatus[];
  createdFrom?: Date;
  createdBefore?: Date;
}

const createdUs = '(extract(epoch FROM created_at) * 1000000)::bigint';

/**
 * One client's applications matching `filter`, newest first; `before` is the previous page's
 * last row. Another client's never match: the client is part of every plan's index condition.
 */
export async function listApplicationsOfClient(
  db: Queryable,
  clientId: string,
  filter: ApplicationListFilter,
  page: { limit: number; before?: { createdUs: string; id: string } },
): Promise<{ rows: ApplicationListRow[]; more: boolean }> {
  const { rows } = await db.query<ApplicationListRow>(
    `SELECT id, bundle_id, status, created_at, updated_at, due_at, ${createdUs}::text AS created_us
     FROM applications
     WHERE client_id = $1
       AND ($2::text[] IS NULL OR applicant_hash = ANY ($2::text[]))
       AND ($3::text[] IS NULL OR bundle_id = ANY ($3::text[]))
       AND ($4::text[] IS NULL OR status = ANY ($4::text[]))
       AND ($5::timestamptz IS NULL OR created_at >= $5)
       AND ($6::timestamptz IS NULL OR created_at < $6)
       AND ($7::bigint IS NULL
         OR (created_at, id) < (timestamptz 'epoch' + $7::bigint * interval '1 microsecond', $8::uuid))
     ORDER BY created_at DESC, id DESC
     LIMIT $9`,
    [
      clientId,
      filter.applicantHashes ? [...filter.applicantHashes] : null,
      filter.bundleIds ? [...filter.bundleIds] : null,
      filter.statuses ? [...filter.statuses] : null,
      filter.createdFrom ?? null,
      filter.createdBefore ?? null,
      page.before?.createdUs ?? null,
      page.before?.id ?? null,
      page.limit + 1,
    ],
  );
  return { rows: rows.slice(0, page.limit), more: rows.length > page.limit };
}
