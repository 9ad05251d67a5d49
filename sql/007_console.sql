-- The staff console: the customer's consent to dearer substitutes, and the
-- notifications that keep the console and the customer's order page live.

-- Asked at checkout. Without it a substitute is charged at most the ordered
-- item's unit price (Picking reads it from here, never from the picker's form).
ALTER TABLE orders ADD COLUMN allow_dearer_substitutes boolean NOT NULL DEFAULT false;

-- Live updates. The database says what changed, at commit, whoever wrote it
-- (any server instance, the CLI, a job), so every instance's listeners stay
-- in step. Two channels, payloads are ids only:
--   creneau_store  '<store_id>'             the store's queue, handover screen or manager view changed
--   creneau_order  '<store_id>:<order_id>'  that order's page changed
-- PostgreSQL folds identical notifications of one transaction into one, so a
-- statement touching many rows of one store sends one store notification.
CREATE FUNCTION notify_store_change() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    PERFORM pg_notify('creneau_store', NEW.store_id::text);
    RETURN NULL;
END
$$;

CREATE FUNCTION notify_order_change() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    PERFORM pg_notify('creneau_store', NEW.store_id::text);
    PERFORM pg_notify('creneau_order', NEW.store_id::text || ':' || NEW.order_id::text);
    RETURN NULL;
END
$$;

-- Claims, picks, staging: the queue and the manager view.
CREATE TRIGGER picking_tasks_notify AFTER INSERT OR UPDATE ON picking_tasks
    FOR EACH ROW EXECUTE FUNCTION notify_store_change();
-- Every step the customer sees is a timeline event (picking started, substituted,
-- missing, ready, arrived, handed over, slot changed, cancelled, at risk).
CREATE TRIGGER order_events_notify AFTER INSERT ON order_events
    FOR EACH ROW EXECUTE FUNCTION notify_order_change();
-- Arrivals (a parking bay given later is not a timeline event) and status changes
-- without an event of their own (enqueued for picking).
CREATE TRIGGER arrivals_notify AFTER INSERT OR UPDATE ON arrivals
    FOR EACH ROW EXECUTE FUNCTION notify_order_change();
CREATE TRIGGER orders_status_notify AFTER UPDATE OF status ON orders
    FOR EACH ROW WHEN (OLD.status IS DISTINCT FROM NEW.status) EXECUTE FUNCTION notify_order_change();
