-- Servers keep the sessions they have just read for a few seconds (Staff's
-- SessionCache), so that each console request does not read its session again.
-- Whatever changes what a session may do notifies creneau_staff_access at
-- commit, whoever wrote it (another instance, the CLI), and every server then
-- forgets the sessions it kept. Row triggers: PostgreSQL folds a transaction's
-- identical notifications into one. Marking a session seen (last_seen_at)
-- changes nothing a server keeps, and notifies nothing.
CREATE FUNCTION notify_staff_access_change() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    PERFORM pg_notify('creneau_staff_access', '');
    RETURN NULL;
END
$$;

-- Signed out, password changed, account disabled, sessions purged.
CREATE TRIGGER staff_sessions_access_notify AFTER DELETE OR UPDATE OF staff_id, csrf_token, expires_at ON staff_sessions
    FOR EACH ROW EXECUTE FUNCTION notify_staff_access_change();
-- Disabled, made admin or not, renamed, deleted.
CREATE TRIGGER staff_access_notify AFTER UPDATE OR DELETE ON staff
    FOR EACH ROW EXECUTE FUNCTION notify_staff_access_change();
-- Roles granted or taken away.
CREATE TRIGGER staff_store_roles_access_notify AFTER INSERT OR UPDATE OR DELETE ON staff_store_roles
    FOR EACH ROW EXECUTE FUNCTION notify_staff_access_change();
-- A session's answer names the store (id, slug, name, time zone), or says there is none.
CREATE TRIGGER stores_access_notify AFTER INSERT OR DELETE OR UPDATE OF slug, name, time_zone ON stores
    FOR EACH ROW EXECUTE FUNCTION notify_staff_access_change();
