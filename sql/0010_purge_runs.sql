-- Every run of the old-post purge (`corkboard purge-old-posts`, its timer, or an admin's
-- DELETE /api/old_posts): when it ran, what it removed and how it ended, for admins and alerts.
-- status: queued (asked for through the API, not started yet), running, succeeded, failed,
-- skipped (another run held the lock). A run whose process died stays `running` until the
-- next run finds it and marks it failed.
CREATE TABLE purge_runs (
    id             BIGINT          NOT NULL AUTO_INCREMENT,
    trigger_source ENUM('cli', 'api') NOT NULL,
    requested_by   BIGINT          NULL,      -- the admin, for API runs
    host           VARCHAR(255)    NOT NULL,
    pid            INT             NULL,
    status         ENUM('queued', 'running', 'succeeded', 'failed', 'skipped') NOT NULL,
    created_at     DATETIME(6)     NOT NULL DEFAULT CURRENT_TIMESTAMP(6),
    started_at     DATETIME(6)     NULL,
    finished_at    DATETIME(6)     NULL,
    cutoff         DATETIME(6)     NULL,      -- posts created before this were due
    posts          BIGINT UNSIGNED NOT NULL DEFAULT 0,
    batches        INT UNSIGNED    NOT NULL DEFAULT 0,
    files          BIGINT UNSIGNED NOT NULL DEFAULT 0,
    sessions       BIGINT UNSIGNED NOT NULL DEFAULT 0,
    tokens         BIGINT UNSIGNED NOT NULL DEFAULT 0,
    login_failures BIGINT UNSIGNED NOT NULL DEFAULT 0,
    search_rows    BIGINT UNSIGNED NOT NULL DEFAULT 0,
    lag_wait_ms    BIGINT UNSIGNED NOT NULL DEFAULT 0,  -- time spent waiting for replicas
    error          VARCHAR(1000)   NULL,
    PRIMARY KEY (id),
    KEY purge_runs_status (status, finished_at)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;
