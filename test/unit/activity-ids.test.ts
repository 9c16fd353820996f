import { describe, expect, it } from 'vitest';
import {
  callActivityId,
  cancelActivityId,
  pollActivityId,
  stepOfActivityId,
  undoActivityId,
} from '../../workflows/activity-ids.js';

describe("the activity ids of a step's department activities", () => {
  it.each([
    ['the first call', callActivityId('householdRegistration'), 'householdRegistration'],
    ["an operator's retry", callActivityId('householdRegistration', 2), 'householdRegistration-retry-2'],
    [
      'a call made again after a resume',
      callActivityId('householdRegistration', 0, 3),
      'householdRegistration-resumed-3',
    ],
    [
      'a retry made again after a resume',
      callActivityId('householdRegistration', 1, 1),
      'householdRegistration-retry-1-resumed-1',
    ],
    ['a poll', pollActivityId('householdRegistration', 0, 4), 'householdRegistration-poll-4'],
    [
      'a poll after a re-send',
      pollActivityId('householdRegistration', 1, 1),
      'householdRegistration-retry-1-poll-1',
    ],
    ['an undo', undoActivityId('seal'), 'seal-undo'],
    ['an undo after a resume', undoActivityId('seal', 2), 'seal-undo-resumed-2'],
    ['a cancellation', cancelActivityId('householdRegistration'), 'householdRegistration-cancel'],
    [
      'a cancellation after a resume',
      cancelActivityId('householdRegistration', 1),
      'householdRegistration-cancel-resumed-1',
    ],
  ])('names the step of %s', (_what, id, expected) => {
    expect(id).toBe(expected);
    expect(stepOfActivityId(id)).toBe(expected.split('-')[0]);
  });

  it.each([
    ['a poll or undo the SDK numbered (applications started before they had ids)', '7'],
    ["a work-list task's activity", '12'],
    ['an id of another shape', 'householdRegistration-retry-'],
    ['a suffix that is not ours', 'householdRegistration-escalate-1'],
    ['nothing', ''],
  ])('names no step for %s', (_what, id) => {
    expect(stepOfActivityId(id)).toBeNull();
  });

  it('never gives two rounds, polls or resumes of a step the same id', () => {
    const ids = [0, 1, 2].flatMap((round) => [
      ...[0, 1, 2].map((resumed) => callActivityId('tax', round, resumed)),
      ...[1, 2, 3].map((poll) => pollActivityId('tax', round, poll)),
    ]);
    ids.push(undoActivityId('tax'), undoActivityId('tax', 1));
    expect(new Set(ids).size).toBe(ids.length);
  });
});
