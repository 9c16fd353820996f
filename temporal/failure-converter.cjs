'use strict';
// Loaded by path (`DataConverter.failureConverterPath`): bundled into the workflow sandbox and
// `require`d by the worker and the client. CommonJS, so any Node loads it without a TypeScript loader.
const { DefaultFailureConverter } = require('@temporalio/common');

/**
 * Failure messages and stack traces travel as an encoded payload instead of clear text, so the
 * payload codec encrypts them like every other value (a department's error may quote the form).
 */
exports.failureConverter = new DefaultFailureConverter({ encodeCommonAttributes: true });
