#!/usr/bin/env node
// `npx onething-conformance`: the conformance kit from the command line. The kit is TypeScript,
// run through tsx's loader, so integrators need no build step.
import { register } from 'tsx/esm/api';

register();
await import('../scripts/conformance.ts');
