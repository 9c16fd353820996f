import type { FastifyRequest } from 'fastify';
import { recordAccess } from '../db/access-log.js';
import { findApplication } from '../db/applications.js';
import { findRating } from '../db/ratings.js';
import type { ApplicationRow, StepRow } from '../db/applications.js';
import type { Queryable } from '../db/pool.js';
import { maskDeep } from '../privacy/mask.js';
import type { ApplicationView } from '../schemas/api.js';
import type { RatingView } from '../schemas/ratings.js';
import { problemCodes } from '../schemas/error-codes.js';
import { principalOf } from './auth/authenticate.js';
import { roleLabel } from './auth/principal.js';
import { departmentScope, stepsInScope } from './auth/scope.js';
import { ProblemError } from './problem.js';
import { ratingView } from './ratings.js';
import { applicationView } from './views.js';

/**
 * The application if the caller may see it: a portal only its own (another's is answered
 * exactly like one that does not exist), an operator any, a scoped operator only one with a
 * step of its department (others answered as not existing too).
 */
export async function readableApplication(
  db: Queryable,
  request: FastifyRequest,
  id: string,
): Promise<{ application: ApplicationRow; steps: StepRow[] }> {
  const found = await findApplication(db, id);
  const principal = principalOf(request);
  if (
    !found ||
    (principal.role === 'portal' && principal.scope !== found.application.client_id) ||
    (departmentScope(principal) !== undefined && stepsInScope(principal, found.steps).length === 0)
  ) {
    throw new ProblemError(404, problemCodes.applicationNotFound, `No application ${id}`);
  }
  return found;
}

/**
 * The view a caller gets. The applicant's own portal sees the application in clear; anyone
 * else sees personal data masked, and the read goes to the applicant's access log, with
 * `alsoRead`: other fields the same answer shows (an operator's view of the steps' inputs).
 */
export async function viewFor(
  db: Queryable,
  request: FastifyRequest,
  found: { application: ApplicationRow; steps: StepRow[] },
  alsoRead: readonly string[] = [],
): Promise<ApplicationView> {
  const principal = principalOf(request);
  const rated = await findRating(db, found.application.id);
  const rating = rated ? ratingView(rated) : null;
  if (principal.role === 'portal') return applicationView(found.application, found.steps, rating);
  // A scoped operator sees only its department's steps (and items and follow-ups): the others
  // are not its business.
  const view = applicationView(
    found.application,
    stepsInScope(principal, found.steps),
    rating && {
      ...rating,
      items: stepsInScope(principal, rating.items),
      rectifications: stepsInScope(principal, rating.rectifications),
    },
  );
  await recordRead(db, request, view.id, [
    ...view.steps.flatMap((s) => Object.keys(s.outputs ?? {}).map((field) => `${s.id}.${field}`)),
    ...(view.rating ? ratingCommentFields(view.rating) : []),
    ...alsoRead,
  ]);
  return {
    ...view,
    steps: view.steps.map((s) => ({ ...s, outputs: maskDeep(s.outputs) })),
    rating: maskDeep(view.rating),
  };
}

/** The rating's comments a reader other than the applicant's portal sees (masked). */
const ratingCommentFields = (rating: RatingView) => [
  ...(rating.overall.comment === null ? [] : ['rating.overall.comment']),
  ...rating.items.filter((i) => i.comment !== null).map((i) => `rating.${i.stepId}.comment`),
];

/** Records in the applicant's access log that the caller (not the applicant's portal) read these fields. */
async function recordRead(
  db: Queryable,
  request: FastifyRequest,
  applicationId: string,
  fields: string[],
): Promise<void> {
  const principal = principalOf(request);
  await recordAccess(db, {
    applicationId,
    actorType: principal.role === 'admin' ? 'admin' : principal.role === 'clerk' ? 'clerk' : 'operator',
    actor: `${roleLabel(principal)} ${principal.name} (${principal.keyId})`,
    action: 'read',
    fields,
    purpose: `${request.method} ${request.routeOptions.url ?? request.url}`,
  });
}
