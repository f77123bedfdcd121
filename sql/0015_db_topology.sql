-- The topology epoch (fencing for switchover and failover). One row, written by each promotion
-- (`corkboard db switchover|failover`) on the server it promotes: a higher epoch and that
-- server's @@server_id. Replication carries it to the others. A pool writes only to a server
-- that is read_only=OFF and holds the newest epoch it can see naming itself, so an old primary
-- (older epoch) cannot take writes when it comes back or is partitioned away.
-- fork_gtid: the promoted server's @@gtid_current_pos at promotion; a server whose own binlog
-- goes past it has transactions the new primary never saw (diverged: rebuild, do not rejoin).
CREATE TABLE db_topology (
    id TINYINT UNSIGNED NOT NULL PRIMARY KEY,
    epoch BIGINT UNSIGNED NOT NULL,
    server_id INT UNSIGNED NOT NULL,
    fork_gtid VARCHAR(255) NOT NULL DEFAULT '',
    promoted_at DATETIME(6) NOT NULL
) ENGINE=InnoDB;

-- Epoch 0 names the server the schema was created on: the primary.
INSERT INTO db_topology (id, epoch, server_id, promoted_at) VALUES (1, 0, @@server_id, UTC_TIMESTAMP(6));
