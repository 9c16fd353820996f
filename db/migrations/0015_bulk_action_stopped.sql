-- A bulk action whose workflow ended without finishing it (terminated or cancelled in the Temporal
-- UI, failed, timed out) is `stopped`, with why, instead of showing `running` for ever.
ALTER TABLE bulk_actions DROP CONSTRAINT bulk_actions_state_check;
ALTER TABLE bulk_actions ADD CONSTRAINT bulk_actions_state_check
  CHECK (state IN ('running', 'completed', 'cancelled', 'stopped'));
ALTER TABLE bulk_actions ADD COLUMN stopped_reason text;
