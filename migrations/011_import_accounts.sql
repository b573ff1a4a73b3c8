-- Importing an organisation from its 台账 workbook, and handing out the
-- accounts it creates.
--
-- must_change_password: the account's password is a one-time one (issued
-- or reset by an administrator); until its holder sets their own, every
-- route but the password change refuses them.
-- issue_pending: the import created the account and no password has been
-- handed out yet; its password_hash matches nothing until then.
ALTER TABLE users ADD COLUMN must_change_password boolean NOT NULL DEFAULT false;
ALTER TABLE users ADD COLUMN issue_pending boolean NOT NULL DEFAULT false;
CREATE INDEX users_issue_pending ON users (role) WHERE issue_pending;
CREATE INDEX users_member ON users (member_id) WHERE member_id IS NOT NULL;

-- The unit head's phone (一把手电话), kept with head_name.
ALTER TABLE units ADD COLUMN head_phone text NOT NULL DEFAULT '';

-- An uploaded workbook between its dry run and its confirmation: the file
-- itself (at most 20 MB, checked as xlsx before it is stored) and the
-- report shown, so the confirmation applies exactly what was seen.
CREATE TABLE org_imports (
    id          uuid PRIMARY KEY,
    user_id     uuid NOT NULL REFERENCES users(id),
    filename    text NOT NULL,
    content     bytea NOT NULL,
    report      jsonb NOT NULL,
    state       text NOT NULL DEFAULT 'checked' CHECK (state IN ('checked','applied')),
    created_at  timestamptz NOT NULL DEFAULT now(),
    applied_at  timestamptz
);
