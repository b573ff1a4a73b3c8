-- The api processes keep each deputy's delegations in force in memory
-- (issue 16): every decision by an office or a unit head reads them. A
-- delegation given or ended, by any writer, drops them in every process
-- when it commits (as migration 020 does for tokens and policies); an
-- account's change (its name, its principal flag, disabled) already
-- announces 'auth', which drops them too.
CREATE TRIGGER delegations_changed AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON delegations
    FOR EACH STATEMENT EXECUTE FUNCTION zhucun_changed('delegations');
