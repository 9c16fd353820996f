-- Materials' data keys (issue 17) move into their rows, as applications' are in application_keys:
-- wrapped by the keyring key `kek_id`, so a keyring rotation re-wraps a row and never rewrites an
-- object in the store. NULL on a material stored before this migration: its key is still the one
-- in front of its sealed bytes (envelope OTM1) until the pass after the next keyring change moves
-- it here. Erasure clears both with `erased_at`.
ALTER TABLE materials ADD COLUMN kek_id text;
ALTER TABLE materials ADD COLUMN wrapped_key bytea;
ALTER TABLE materials ADD CONSTRAINT materials_data_key_whole CHECK ((kek_id IS NULL) = (wrapped_key IS NULL));
ALTER TABLE materials ADD CONSTRAINT materials_erased_key_gone CHECK (erased_at IS NULL OR wrapped_key IS NULL);
