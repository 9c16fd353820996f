'use strict';
// Loaded by path (`DataConverter.failureConverterPath`): bundled into the workflow sandbox and
// `require`d by the worker and the client. CommonJS, so any Node loads it without a TypeScript loader.
const { DefaultFailureConverter } = require('@temporalio/common');

/**
 * Failure messages and stack traces travel as an encoded payload instead of clear text, so the
 * payload codec encrypts them like every other value (a department's error may quote the form).
 *
 * When a retried activity's budget (`scheduleToCloseTimeout`) runs out, the server reports a
 * timeout whose cause is the last attempt's failure (a broken answer, a gateway's 404); the SDK's
 * converter drops that cause (1.24). It is kept here, so the workflow can tell operators what the
 * department last did instead of only "timed out".
 */
class FailureConverter extends DefaultFailureConverter {
  failureToErrorInner(failure, payloadConverter, context) {
    const err = super.failureToErrorInner(failure, payloadConverter, context);
    if (failure.timeoutFailureInfo && failure.cause && err.cause === undefined) {
      err.cause = this.optionalFailureToOptionalError(failure.cause, payloadConverter, context);
    }
    return err;
  }
}

exports.failureConverter = new FailureConverter({ encodeCommonAttributes: true });
