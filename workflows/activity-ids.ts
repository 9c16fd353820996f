/**
 * Activity ids of a step's department activities. Each names its step, so the pending
 * activities Temporal reports (`describe()`, which has no inputs) can be told apart by step:
 *
 * - `<step>`: the step's call; `<step>-retry-<n>`: the call an operator's nth retry or re-send
 *   made; either followed by `-resumed-<m>` when made again after the department's mth resume;
 * - `<call>-poll-<k>`: the kth poll for the decision the round's call was accepted for;
 * - `<call>-supplement-<n>`: the applicant's supplements sent to the call's case in round n (from
 *   2), `-resumed-<m>` again after a resume; `<call>-supplement-<n>-poll-<k>`: a poll after them;
 * - `<step>-undo`: the step's compensation, `-resumed-<m>` again after a resume;
 * - `<step>-cancel`: the cancellation of its accepted case on withdrawal, `-resumed-<m>` likewise.
 *
 * Ids are unique per workflow while pending: a new round never reuses an id, even while the
 * activity it abandoned is still closing. Step ids are `[a-z][A-Za-z0-9]*`, so never hold a `-`.
 */

/** The id of a step's call in `round` (0 first), made again after `pausedBefore` resumes. */
export function callActivityId(stepId: string, round = 0, pausedBefore = 0): string {
  const retryId = round === 0 ? stepId : `${stepId}-retry-${round}`;
  return pausedBefore === 0 ? retryId : `${retryId}-resumed-${pausedBefore}`;
}

/**
 * The id of the `poll`th poll (from 1) for the decision on the step's call in `round`; after the
 * applicant's supplements of `supplementRound`, for the decision on them.
 */
export function pollActivityId(stepId: string, round: number, poll: number, supplementRound = 1): string {
  const asked =
    supplementRound > 1
      ? supplementActivityId(stepId, round, supplementRound)
      : callActivityId(stepId, round);
  return `${asked}-poll-${poll}`;
}

/**
 * The id of the applicant's supplements of `supplementRound` (2 for the first answers) sent to
 * the case of the step's call in `round`, made again after `pausedBefore` resumes.
 */
export function supplementActivityId(
  stepId: string,
  round: number,
  supplementRound: number,
  pausedBefore = 0,
): string {
  const sent = `${callActivityId(stepId, round)}-supplement-${supplementRound}`;
  return pausedBefore === 0 ? sent : `${sent}-resumed-${pausedBefore}`;
}

/** The id of the step's compensation, made again after `pausedBefore` resumes of its department. */
export function undoActivityId(stepId: string, pausedBefore = 0): string {
  return pausedBefore === 0 ? `${stepId}-undo` : `${stepId}-undo-resumed-${pausedBefore}`;
}

/** The id of the cancellation of the step's accepted case, made again after `pausedBefore` resumes. */
export function cancelActivityId(stepId: string, pausedBefore = 0): string {
  return pausedBefore === 0 ? `${stepId}-cancel` : `${stepId}-cancel-resumed-${pausedBefore}`;
}

const stepActivityId =
  /^([a-z][A-Za-z0-9]*)(?:-retry-\d+)?(?:-resumed-\d+)?(?:-supplement-\d+(?:-resumed-\d+)?)?(?:-poll-\d+|-(?:undo|cancel)(?:-resumed-\d+)?)?$/;

/**
 * The step a department activity belongs to, from its id; null for an id that names no step:
 * another activity (a work-list task's), or a poll or undo the SDK numbered, as it did for
 * applications started before polls and undos had ids of their own.
 */
export function stepOfActivityId(activityId: string): string | null {
  return stepActivityId.exec(activityId)?.[1] ?? null;
}
