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
import { departmentScope, hiddenOutOfScope, regionInScope, stepsInScope } from './auth/scope.js';
import { ProblemError } from './problem.js';
import { ratingView } from './ratings.js';
import { applicationView } from './views.js';

/**
 * The application if the caller may see it: a portal only its own (another's is answered
 * exactly like one that does not exist), an operator any, a scoped operator only one with a
 * step of its department and in its region (others answered as not existing too, and the
 * refusal audited).
 */
export async function readableApplication(
  db: Queryable,
  request: FastifyRequest,
  id: string,
): Promise<{ application: ApplicationRow; steps: StepRow[] }> {
  const found = await findApplication(db, id);
  const principal = principalOf(request);
  if (!found || (principal.role === 'portal' && principal.scope !== found.application.client_id)) {
    throw new ProblemError(404, problemCodes.applicationNotFound, `No application ${id}`);
  }
  if (departmentScope(principal) !== undefined && stepsInScope(principal, found.steps).length === 0)
    throw hiddenOutOfScope(
      problemCodes.applicationNotFound,
      `No application ${id}`,
      'an application without its steps',
    );
  if (!regionInScope(principal, found.application.region))
    throw hiddenOutOfScope(
      problemCodes.applicationNotFound,
      `No application ${id}`,
      `an application of region ${found.application.region}`,
    );
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
  const dates = request.server.viewDates;
  const rated = await findRating(db, found.application.id);
  const rating = rated ? ratingView(rated) : null;
  if (principal.role === 'portal') return applicationView(found.application, found.steps, dates, rating);
  // A scoped operator sees only its department's steps (and rated items and follow-ups): the
  // others are not its business. Their dates are counted over all the steps, since a step in
  // scope may wait for one out of it.
  const all = applicationView(
    found.application,
    found.steps,
    dates,
    rating && {
      ...rating,
      items: stepsInScope(principal, rating.items),
      rectifications: stepsInScope(principal, rating.rectifications),
    },
  );
  const inScope = new Set(stepsInScope(principal, found.steps).map((s) => s.step_id));
  const view = {
    ...all,
    statutoryLimits: all.statutoryLimits.filter((l) => inScope.has(l.stepId)),
    steps: all.steps.filter((s) => inScope.has(s.id)),
  };
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
