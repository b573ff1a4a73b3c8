-- What the api processes keep in memory (issue 16): token → user lookups,
-- policies in force and the holiday calendar. Each process listens on
-- zhucun_changes and drops the cache a change names. The notice is sent by
-- a trigger, so it leaves in the very transaction of the change, whoever
-- writes it (a logout, a password change, an import, a city office's new
-- policy, psql by hand) and reaches every process when it commits; a
-- transaction that rolls back sends nothing.
CREATE FUNCTION zhucun_changed() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    PERFORM pg_notify('zhucun_changes', TG_ARGV[0]);
    RETURN NULL;
END $$;

-- Any change to an account (role, place, disabled, password) or a token
-- (revoked, expiry moved) may end what a cached token stands for. New
-- tokens are not cached until used, so their insert needs no notice.
CREATE TRIGGER users_changed AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON users
    FOR EACH STATEMENT EXECUTE FUNCTION zhucun_changed('auth');
CREATE TRIGGER tokens_changed AFTER UPDATE OR DELETE OR TRUNCATE ON tokens
    FOR EACH STATEMENT EXECUTE FUNCTION zhucun_changed('auth');

CREATE TRIGGER policies_changed AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON policies
    FOR EACH STATEMENT EXECUTE FUNCTION zhucun_changed('policy');

CREATE TRIGGER holidays_changed AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON holidays
    FOR EACH STATEMENT EXECUTE FUNCTION zhucun_changed('holidays');
CREATE TRIGGER holiday_years_changed AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON holiday_years
    FOR EACH STATEMENT EXECUTE FUNCTION zhucun_changed('holidays');
