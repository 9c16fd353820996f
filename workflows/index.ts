/**
 * The workflow types the worker registers: one per bundle, all run by the same step-graph
 * runner. Export nothing else from here: every export becomes a workflow type.
 */
import { runBundle } from './run-bundle.js';

/** 新生儿出生一件事 — Newborn birth. */
export const newborn = runBundle;
