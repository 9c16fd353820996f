import type { Pool, Queryable } from './pool.js';
import { withTransaction } from './pool.js';
import { sealerOf } from './sealing.js';
import { insertTask, isRectification, listTasksOfApplication } from './work-list.js';
import type { NewTask, TaskRow } from './work-list.js';

/** A rating of one department's item. */
export interface ItemRating {
  stepId: string;
  department: string;
  stars: number;
  comment: string | null;
}

export interface NewRating {
  applicationId: string;
  stars: number;
  comment: string | null;
  items: ItemRating[];
  /** The rectification tasks its 差评 open, in the same transaction. */
  rectifications: NewTask[];
}

/** A rating as read: comments opened (null once the application's data was erased). */
export interface RatingRecord {
  stars: number;
  comment: string | null;
  created_at: Date;
  items: ItemRating[];
  /** Its rectification tasks (round 0), in the order they were opened. */
  rectifications: TaskRow[];
}

/**
 * Stores the application's rating, its items and the rectifications its 差评 open, all or
 * nothing. False when the application was rated already (also by a concurrent request: the
 * second waits on the primary key and changes nothing).
 */
export async function insertRating(pool: Pool, rating: NewRating): Promise<boolean> {
  return withTransaction(pool, async (client) => {
    const sealer = sealerOf(client);
    const seal = (comment: string | null) =>
      comment === null ? null : sealer.seal(rating.applicationId, comment);
    const inserted = await client.query(
      `INSERT INTO application_ratings (application_id, stars, comment) VALUES ($1, $2, $3)
       ON CONFLICT (application_id) DO NOTHING`,
      [rating.applicationId, rating.stars, await seal(rating.comment)],
    );
    if (inserted.rowCount !== 1) return false;
    const items = await Promise.all(
      rating.items.map(async (item) => ({ ...item, comment: await seal(item.comment) })),
    );
    await client.query(
      `INSERT INTO application_item_ratings (application_id, step_id, department, stars, comment)
       SELECT $1, i."stepId", i.department, i.stars, i.comment
       FROM jsonb_to_recordset($2::jsonb) AS i("stepId" text, department text, stars smallint, comment text)`,
      [rating.applicationId, JSON.stringify(items)],
    );
    for (const task of rating.rectifications) await insertTask(client, task);
    return true;
  });
}

/** The application's rating, if it was rated. */
export async function findRating(db: Queryable, applicationId: string): Promise<RatingRecord | undefined> {
  const { rows } = await db.query<{
    stars: number;
    comment: string | null;
    created_at: Date;
    items: Array<{ step_id: string; department: string; stars: number; comment: string | null }>;
  }>(
    `SELECT r.stars, r.comment, r.created_at,
            COALESCE((SELECT jsonb_agg(to_jsonb(i) ORDER BY i.step_id)
                      FROM application_item_ratings i WHERE i.application_id = r.application_id), '[]') AS items
     FROM application_ratings r WHERE r.application_id = $1`,
    [applicationId],
  );
  const row = rows[0];
  if (!row) return undefined;
  const sealer = sealerOf(db);
  const open = async (comment: string | null) => {
    const opened = await sealer.open(comment);
    return typeof opened === 'string' ? opened : null;
  };
  const tasks = await listTasksOfApplication(db, applicationId);
  return {
    stars: row.stars,
    comment: await open(row.comment),
    created_at: row.created_at,
    items: await Promise.all(
      row.items.map(async (i) => ({
        stepId: i.step_id,
        department: i.department,
        stars: i.stars,
        comment: await open(i.comment),
      })),
    ),
    rectifications: tasks.filter(isRectification),
  };
}

/** What the operators' figures add up: a period, and optionally one department or bundle. */
export interface RatingFilter {
  from: Date;
  to: Date;
  department?: string;
  bundleId?: string;
}

interface Figures {
  ratings: number;
  /** numeric as text, two decimals; null without ratings. */
  average: string | null;
  bad: number;
}

export type BundleFiguresRow = Figures & { bundle_id: string };
export type DepartmentFiguresRow = Figures & {
  department: string;
  bundle_id: string;
  open: number;
  overdue: number;
  replied: number;
};

// Ratings given in the period; with a department, only of applications it took part in.
const ratedSql = `
  SELECT r.application_id, a.bundle_id, r.stars
  FROM application_ratings r JOIN applications a ON a.id = r.application_id
  WHERE r.created_at >= $1 AND r.created_at < $2
    AND ($4::text IS NULL OR a.bundle_id = $4)
    AND ($3::text IS NULL OR EXISTS (
      SELECT 1 FROM application_steps s WHERE s.application_id = r.application_id AND s.department = $3))`;

const figuresSql = (stars: string) => `
  count(${stars})::int AS ratings,
  round(avg(${stars}), 2)::text AS average,
  (count(*) FILTER (WHERE ${stars} <= 2))::int AS bad`;

/** The whole service's ratings per bundle over the period. */
export async function bundleRatingFigures(db: Queryable, filter: RatingFilter): Promise<BundleFiguresRow[]> {
  const { rows } = await db.query<BundleFiguresRow>(
    `WITH rated AS (${ratedSql})
     SELECT bundle_id, ${figuresSql('stars')} FROM rated GROUP BY bundle_id ORDER BY bundle_id`,
    params(filter),
  );
  return rows;
}

/**
 * The departments' items per department and bundle over the period, with the rectifications of
 * those ratings: open (overdue ones included), overdue, replied. A department followed up for a
 * 差评 of the whole service alone has a row with no item ratings.
 */
export async function departmentRatingFigures(
  db: Queryable,
  filter: RatingFilter,
): Promise<DepartmentFiguresRow[]> {
  const { rows } = await db.query<DepartmentFiguresRow>(
    `WITH rated AS (${ratedSql}),
     items AS (
       SELECT i.department, rated.bundle_id, ${figuresSql('i.stars')}
       FROM application_item_ratings i JOIN rated USING (application_id)
       WHERE $3::text IS NULL OR i.department = $3
       GROUP BY 1, 2),
     tasks AS (
       SELECT t.department, rated.bundle_id,
              (count(*) FILTER (WHERE t.status <> 'completed'))::int AS open,
              (count(*) FILTER (WHERE t.status <> 'completed' AND t.due_at < now()))::int AS overdue,
              (count(*) FILTER (WHERE t.status = 'completed'))::int AS replied
       FROM human_tasks t JOIN rated USING (application_id)
       WHERE t.round = 0 AND ($3::text IS NULL OR t.department = $3)
       GROUP BY 1, 2)
     SELECT department, bundle_id, COALESCE(items.ratings, 0) AS ratings, items.average,
            COALESCE(items.bad, 0) AS bad, COALESCE(tasks.open, 0) AS open,
            COALESCE(tasks.overdue, 0) AS overdue, COALESCE(tasks.replied, 0) AS replied
     FROM items FULL JOIN tasks USING (department, bundle_id)
     ORDER BY department, bundle_id`,
    params(filter),
  );
  return rows;
}

const params = (filter: RatingFilter) => [
  filter.from,
  filter.to,
  filter.department ?? null,
  filter.bundleId ?? null,
];
