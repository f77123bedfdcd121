-- Reports, auto-hide and moderation (issue 9). Applied by `corkboard migrate`; never edit once
-- applied anywhere.

-- A post hidden from viewers (by reports, or because its poster was banned) keeps its row:
-- the poster and moderators still open it. `removed` is a moderator's final word and goes with
-- `deleted_at`. The poster may ask once for a review, with a note.
ALTER TABLE posts
    ADD COLUMN hidden_at           DATETIME(6) NULL AFTER deleted_at,
    ADD COLUMN hidden_reason       ENUM('reports', 'banned', 'removed') NULL AFTER hidden_at,
    ADD COLUMN review_requested_at DATETIME(6) NULL AFTER hidden_reason,
    ADD COLUMN review_note         VARCHAR(1000) NULL AFTER review_requested_at,
    ADD KEY posts_hidden (hidden_reason, hidden_at),
    -- The browse orders check visibility inside the index, hidden posts included.
    DROP KEY posts_city_browse,
    ADD KEY posts_city_browse (city_id, created_at, id, category_id, neighbourhood_id, price_minor, has_photos, deleted_at, hidden_at),
    DROP KEY posts_city_price,
    ADD KEY posts_city_price (city_id, price_minor, id, created_at, category_id, neighbourhood_id, has_photos, deleted_at, hidden_at);

-- A banned account: log-in says "suspended" after a correct password, sessions never work.
ALTER TABLE users ADD COLUMN banned_at DATETIME(6) NULL AFTER deleted_at;

-- Addresses that cannot sign up again, normalised (`BannedAddress`).
CREATE TABLE banned_addresses (
    address    VARCHAR(254) NOT NULL,
    user_id    BIGINT       NULL,
    created_at DATETIME(6)  NOT NULL DEFAULT CURRENT_TIMESTAMP(6),
    PRIMARY KEY (address)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

-- One row per report. A logged-in reporter is known by account; every report also keeps the
-- client address (IPv4, or the IPv6 /64) and the hash of the reporter cookie, which is how
-- anonymous repeats are found. `weight` is fixed when filed (config: report_weight_*).
-- A restore marks the post's reports resolved and keeps them: the same reporters cannot
-- report it again, and only later reports count towards the threshold.
CREATE TABLE post_reports (
    id               BIGINT           NOT NULL AUTO_INCREMENT,
    post_id          BIGINT           NOT NULL,
    reporter_user_id BIGINT           NULL,
    reporter_address VARCHAR(64)      NOT NULL,
    reporter_cookie  BINARY(32)       NULL,
    reason           ENUM('prohibited', 'spam', 'wrong_category', 'scam', 'other') NOT NULL,
    details          VARCHAR(500)     NULL,
    weight           TINYINT UNSIGNED NOT NULL,
    created_at       DATETIME(6)      NOT NULL DEFAULT CURRENT_TIMESTAMP(6),
    resolved_at      DATETIME(6)      NULL,
    PRIMARY KEY (id),
    UNIQUE KEY post_reports_account (post_id, reporter_user_id),
    KEY post_reports_address (post_id, reporter_address),
    KEY post_reports_cookie (post_id, reporter_cookie),
    KEY post_reports_open (resolved_at, post_id),
    CONSTRAINT post_reports_post_fk FOREIGN KEY (post_id) REFERENCES posts (id) ON DELETE CASCADE,
    CONSTRAINT post_reports_user_fk FOREIGN KEY (reporter_user_id) REFERENCES users (id) ON DELETE SET NULL
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

-- Every moderation action: who (a moderator, the poster asking for a review, or NULL: the site
-- itself, an auto-hide), when, what, why. No foreign keys: the record outlives purged posts and
-- deleted accounts.
CREATE TABLE moderation_actions (
    id             BIGINT       NOT NULL AUTO_INCREMENT,
    actor_id       BIGINT       NULL,          -- the moderator, the poster (review), NULL: the site
    action         ENUM('auto_hide', 'restore', 'remove', 'ban', 'review_request') NOT NULL,
    post_id        BIGINT       NULL,
    target_user_id BIGINT       NULL,
    reason         VARCHAR(1000) NOT NULL DEFAULT '',
    created_at     DATETIME(6)  NOT NULL DEFAULT CURRENT_TIMESTAMP(6),
    PRIMARY KEY (id),
    KEY moderation_actions_created (created_at),
    KEY moderation_actions_post (post_id)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

-- A photo whose every use is a hidden post is withdrawn: its files move out of the served tree
-- (and back on a restore). The release after each change and the collector keep this in step.
ALTER TABLE photos ADD COLUMN withdrawn_at DATETIME(6) NULL AFTER last_used_at;
