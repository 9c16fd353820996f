import type { z } from 'zod';
import type { StuckFacts } from '../db/ops-queries.js';
import { maskText } from '../privacy/mask.js';
import type { stuckReasonSchema } from '../schemas/ops.js';

/** A reason as operators read it. */
export type StuckReason = z.infer<typeof stuckReasonSchema>;

const units: Array<[string, number]> = [
  ['d', 86_400_000],
  ['h', 3_600_000],
  ['m', 60_000],
  ['s', 1000],
];

/** A duration as people say it, in its largest unit and the next one: `3d 4h`, `12m`, `45s`, `0s`. */
export function humanDuration(ms: number): string {
  const total = Math.max(0, Math.floor(ms));
  const i = units.findIndex(([, size]) => total >= size);
  const first = units[i];
  if (!first) return '0s';
  const count = Math.floor(total / first[1]);
  const next = units[i + 1];
  const more = next ? Math.floor((total - count * first[1]) / next[1]) : 0;
  return next && more > 0 ? `${count}${first[0]} ${more}${next[0]}` : `${count}${first[0]}`;
}

const lastError = (message: string | null) =>
  message === null ? '' : `; last error: ${maskText(message).slice(0, 300)}`;

/** Why the application is stuck at this step, in one sentence (error texts masked). */
export function stuckMessage(facts: StuckFacts, now: Date): string {
  const age = humanDuration(now.getTime() - facts.since.getTime());
  const step = `step ${facts.stepId} (${facts.department})`;
  switch (facts.code) {
    case 'retrying':
      return `${step}: the ${facts.department} call has been retried for ${age}, ${facts.attempts} attempts so far${lastError(facts.errorMessage)}`;
    case 'overdue':
      return `${step} is ${age} past its due time and still ${facts.stepStatus}`;
    case 'waiting-department':
      return `${step} has waited ${age} for the ${facts.department} decision${
        facts.receiptNumber ? ` (receipt ${facts.receiptNumber})` : ''
      }`;
    case 'task-overdue': {
      // Round 0 is no round of the step's decision: the follow-up of a 差评 after the end.
      const task =
        facts.taskRound === 0
          ? 'rectification of a 差评 (rated 1 or 2)'
          : `${facts.taskKind ?? 'work-list'} task${facts.taskRound ? ` (round ${facts.taskRound})` : ''}`;
      const holder = facts.taskAssignee ? `claimed by ${facts.taskAssignee}` : 'not claimed by anyone';
      return `${step}: the ${task} is ${age} overdue, ${holder}`;
    }
    case 'step-failed':
      return `${step}: the ${facts.department} call failed ${age} ago${lastError(facts.errorMessage)}; held for an operator to retry or skip it`;
    case 'department-paused':
      // The query puts the operator's reason for the pause where an error message would be.
      return `${step}: paused: ${facts.department} outage, waiting ${age}${
        facts.errorMessage ? ` (${maskText(facts.errorMessage).slice(0, 300)})` : ''
      }`;
    case 'compensation-failed':
      return `${step}: ${facts.department} could not undo the step or cancel its case (${age} ago)${lastError(facts.errorMessage)}; an operator must repair it`;
  }
}

export function stuckReason(facts: StuckFacts, now: Date): StuckReason {
  return {
    code: facts.code,
    message: stuckMessage(facts, now),
    stepId: facts.stepId,
    since: facts.since.toISOString(),
  };
}
