-- Attachments (issue 20): a sick note photo, a hospital certificate, a
-- scanned order, carried by a leave (or its extension), an absence's
-- explanation or a roster change.
--
-- The bytes live here, in bytea, not on disk: `zhucun backup` is pg_dump of
-- this database, so a backup and a restore carry the files with the
-- processes they belong to, with no second copy to take, move or forget;
-- at 5 MB a file and 5 an item they stay well inside what bytea (TOAST,
-- compressed out of line) handles.
CREATE TABLE attachments (
    id           uuid PRIMARY KEY,
    process_id   uuid NOT NULL REFERENCES processes (id) ON DELETE CASCADE,
    filename     text NOT NULL,
    -- The type read from the content, never the one the client sent.
    content_type text NOT NULL CHECK (content_type IN ('image/jpeg', 'image/png', 'application/pdf')),
    size         integer NOT NULL CHECK (size > 0),
    sha256       text NOT NULL,
    content      bytea NOT NULL,
    uploaded_by  uuid NOT NULL,
    uploader     text NOT NULL,
    role         text NOT NULL,
    uploaded_at  timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX attachments_process ON attachments (process_id, uploaded_at);
