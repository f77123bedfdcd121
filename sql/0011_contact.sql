-- Contact the poster (issue 9): the poster's switch per ad, the outbox's Reply-To, and the
-- spam limits every worker and host share. Applied by `corkboard migrate`; never edit once
-- applied anywhere.

-- The poster may turn contact off for an ad; on by default, as for every existing ad.
ALTER TABLE posts ADD COLUMN contact_enabled BOOLEAN NOT NULL DEFAULT TRUE AFTER location_text;

-- Where replies go (the viewer who wrote through the contact form); NULL = to the sender.
ALTER TABLE outbox ADD COLUMN reply_to VARCHAR(254) NULL AFTER recipient;

-- Fixed-window counters of accepted contact messages, one row per (scope, subject): the
-- sender's address, the client address nginx saw, or the post id. A request's counting
-- upsert locks its rows until its transaction (which also queues the mail) ends, so two
-- workers cannot both take the last message of a window; a refused request rolls back and
-- counts nothing.
CREATE TABLE contact_limits (
    scope        ENUM('sender', 'ip', 'post') NOT NULL,
    subject      VARCHAR(254)  NOT NULL,
    window_start DATETIME(6)   NOT NULL,
    hits         INT UNSIGNED  NOT NULL,
    PRIMARY KEY (scope, subject),
    KEY contact_limits_window (window_start)   -- clearing old windows
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;
