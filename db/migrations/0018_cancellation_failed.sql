-- Steps whose department could not be told to cancel the case it accepted (the application was
-- withdrawn): operators find them among the stuck, like steps a department could not undo.
CREATE INDEX application_steps_cancellation_failed ON application_steps (updated_at)
  WHERE error ->> 'code' = 'CancellationFailed';
