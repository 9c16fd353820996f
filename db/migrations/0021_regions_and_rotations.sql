-- Region scope (issue 15). Each application belongs to an administrative division, by its code
-- (行政区划代码, 6 digits: province 330000, city 330100, county or district 330106; never finer,
-- so the code names thousands of people, never one). `000000`: the portal did not say; only an
-- operator without a region scope sees such an application.
ALTER TABLE applications ADD COLUMN region text NOT NULL DEFAULT '000000'
  CHECK (region ~ '^[0-9]{6}$');
CREATE INDEX applications_region ON applications (region);

-- An operator key may also be confined to a region (and what lies under it): beside the
-- department of `scope`, so `operator:police` + 330106 is the police of Xihu district.
ALTER TABLE api_keys ADD COLUMN region text CHECK (region ~ '^[1-9][0-9]{5}$');
ALTER TABLE api_keys ADD CONSTRAINT api_keys_region_operator CHECK (region IS NULL OR role = 'operator');

-- The applicant's ID number, sealed with the application's data key (a `sealed:v1:` token): only
-- so that `applicant_hash` can be computed again under a new keyring key (a rotation, a key
-- dropped), keeping "my applications" lookups working. Erased with the data key.
ALTER TABLE applications ADD COLUMN applicant_id_sealed text;

-- Work done once per keyring change (issue 15): re-wrapping data keys, sealing cells stored in
-- clear, recomputing keyed hashes. `keyring` names the state it brought the data to (the current
-- key and every listed key); a process starting with that keyring finds the row and scans nothing.
CREATE TABLE keyring_migrations (
  keyring     text        PRIMARY KEY,
  started_at  timestamptz NOT NULL DEFAULT now(),
  done_at     timestamptz,
  -- What the pass changed (counts only).
  summary     jsonb
);
