-- Replica lag that stays measurable when a replica's SQL thread is stopped (Seconds_Behind_Master
-- is then NULL): the primary stamps this row every second, and a replica's lag is its own
-- UTC_TIMESTAMP(6) minus the stamp it has applied. Needs event_scheduler=ON on the primary
-- (the event is created disabled on replicas, SLAVESIDE_DISABLED, and arrives there as row
-- changes). Without the scheduler the stamp ages, every replica counts as lagging, and reads
-- go to the primary: safe, only slower.
CREATE TABLE replication_heartbeat (
    id TINYINT UNSIGNED NOT NULL PRIMARY KEY,
    ts DATETIME(6) NOT NULL
) ENGINE=InnoDB;

INSERT INTO replication_heartbeat (id, ts) VALUES (1, UTC_TIMESTAMP(6));

CREATE EVENT replication_heartbeat_tick
    ON SCHEDULE EVERY 1 SECOND
    DO UPDATE replication_heartbeat SET ts = UTC_TIMESTAMP(6) WHERE id = 1;
