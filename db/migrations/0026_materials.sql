-- Materials (issue 17): scans and photos a portal uploads for its applications. Only their
-- metadata is here; the bytes, sealed with a data key of their own, are in the object store
-- (a directory under DATA_DIR, or an S3-compatible bucket) under `storage_key`.
CREATE TABLE materials (
  id           text        PRIMARY KEY CHECK (id ~ '^mat_[0-9a-f]{32}$'),
  -- The portal (API key client id) that uploaded it: only it may name the material in a form.
  portal       text        NOT NULL,
  size         integer     NOT NULL CHECK (size > 0),
  -- Sniffed from the bytes, never taken from the upload's header.
  content_type text        NOT NULL CHECK (content_type IN ('application/pdf', 'image/jpeg', 'image/png')),
  -- SHA-256 of the bytes as uploaded, hex: a department checks what it fetched against it.
  sha256       text        NOT NULL CHECK (sha256 ~ '^[0-9a-f]{64}$'),
  storage_key  text        NOT NULL UNIQUE,
  created_at   timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX materials_portal ON materials (portal, created_at);
