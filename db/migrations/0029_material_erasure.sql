-- Materials follow the applications that name them into erasure (retention): which application
-- named which material, when a material's data was erased (it is then never handed out), and
-- when its sealed bytes, with the data key stored in front of them, left the object store.
CREATE TABLE application_materials (
  application_id uuid NOT NULL REFERENCES applications (id) ON DELETE CASCADE,
  material_id    text NOT NULL REFERENCES materials (id),
  PRIMARY KEY (application_id, material_id)
);
CREATE INDEX application_materials_material ON application_materials (material_id);
ALTER TABLE materials ADD COLUMN erased_at timestamptz;
ALTER TABLE materials ADD COLUMN bytes_deleted_at timestamptz;
CREATE INDEX materials_bytes_to_delete ON materials (erased_at) WHERE erased_at IS NOT NULL AND bytes_deleted_at IS NULL;
