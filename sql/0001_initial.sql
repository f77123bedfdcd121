-- Corkboard initial schema. InnoDB, utf8mb4 (utf8mb4_unicode_ci), all times UTC (every
-- connection runs with time_zone = '+00:00'). Applied by `corkboard migrate`; never edit once
-- applied anywhere: add a new NNNN_name.sql instead.

-- Accounts. The email is unique case-insensitively (collation); a soft-deleted account keeps
-- its row (and email) until the purge job anonymises it.
CREATE TABLE users (
    id                BIGINT       NOT NULL AUTO_INCREMENT,
    email             VARCHAR(254) NOT NULL,
    password_hash     VARCHAR(255) NOT NULL,
    role              ENUM('user', 'moderator', 'admin') NOT NULL DEFAULT 'user',
    email_verified_at DATETIME(6)  NULL,
    created_at        DATETIME(6)  NOT NULL DEFAULT CURRENT_TIMESTAMP(6),
    updated_at        DATETIME(6)  NOT NULL DEFAULT CURRENT_TIMESTAMP(6),
    deleted_at        DATETIME(6)  NULL,
    PRIMARY KEY (id),
    UNIQUE KEY users_email (email)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

-- Login sessions. Only the SHA-256 of the cookie token is stored, so a database leak does
-- not hand out sessions. csrf_secret signs the forms of this session.
CREATE TABLE sessions (
    token_hash   BINARY(32)  NOT NULL,
    user_id      BIGINT      NOT NULL,
    csrf_secret  BINARY(32)  NOT NULL,
    created_at   DATETIME(6) NOT NULL DEFAULT CURRENT_TIMESTAMP(6),
    last_seen_at DATETIME(6) NOT NULL DEFAULT CURRENT_TIMESTAMP(6),
    expires_at   DATETIME(6) NOT NULL,
    PRIMARY KEY (token_hash),
    KEY sessions_user (user_id),          -- "log out everywhere"
    KEY sessions_expires (expires_at),    -- purge of expired sessions
    CONSTRAINT sessions_user_fk FOREIGN KEY (user_id) REFERENCES users (id) ON DELETE CASCADE
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

-- Cities are the first path segment (/seoul/...), so a slug must not shadow a route.
-- The application checks the same list; this constraint is the backstop.
CREATE TABLE cities (
    id         INT          NOT NULL AUTO_INCREMENT,
    slug       VARCHAR(64)  NOT NULL,
    name       VARCHAR(100) NOT NULL,
    time_zone  VARCHAR(64)  NOT NULL,
    created_at DATETIME(6)  NOT NULL DEFAULT CURRENT_TIMESTAMP(6),
    PRIMARY KEY (id),
    UNIQUE KEY cities_slug (slug),
    CONSTRAINT cities_slug_format CHECK (CAST(slug AS BINARY) REGEXP '^[a-z0-9]+(-[a-z0-9]+)*$'),
    CONSTRAINT cities_slug_not_reserved CHECK (slug NOT IN (
        'api', 'post', 'posts', 'login', 'logout', 'signup', 'account', 'static', 'images',
        'healthz', 'metrics', 'status', 'search', 'admin', 'user', 'users', 'verify', 'reset'))
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

CREATE TABLE neighbourhoods (
    id      INT          NOT NULL AUTO_INCREMENT,
    city_id INT          NOT NULL,
    slug    VARCHAR(64)  NOT NULL,
    name    VARCHAR(100) NOT NULL,
    PRIMARY KEY (id),
    UNIQUE KEY neighbourhoods_city_slug (city_id, slug),
    CONSTRAINT neighbourhoods_city_fk FOREIGN KEY (city_id) REFERENCES cities (id) ON DELETE CASCADE
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

CREATE TABLE categories (
    id   INT          NOT NULL AUTO_INCREMENT,
    slug VARCHAR(64)  NOT NULL,
    name VARCHAR(100) NOT NULL,
    sort INT          NOT NULL DEFAULT 0,
    PRIMARY KEY (id),
    UNIQUE KEY categories_slug (slug)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

-- Posts. Lists are keyset-paginated on (created_at, id), newest first.
-- version: optimistic concurrency for edits (UPDATE ... WHERE id = ? AND version = ?).
CREATE TABLE posts (
    id               BIGINT       NOT NULL AUTO_INCREMENT,
    user_id          BIGINT       NOT NULL,
    city_id          INT          NOT NULL,
    neighbourhood_id INT          NULL,
    category_id      INT          NOT NULL,
    title            VARCHAR(120) NOT NULL,
    description      TEXT         NOT NULL,
    price_minor      BIGINT       NULL,      -- in the city's currency's minor unit; NULL = no price
    location_text    VARCHAR(200) NULL,
    created_at       DATETIME(6)  NOT NULL DEFAULT CURRENT_TIMESTAMP(6),
    updated_at       DATETIME(6)  NOT NULL DEFAULT CURRENT_TIMESTAMP(6),
    deleted_at       DATETIME(6)  NULL,
    version          INT UNSIGNED NOT NULL DEFAULT 1,
    PRIMARY KEY (id),
    KEY posts_city_newest (city_id, created_at, id),                      -- a city's newest first
    KEY posts_city_category_newest (city_id, category_id, created_at, id), -- a city's category page
    KEY posts_user_newest (user_id, created_at),                          -- "my posts"
    KEY posts_created (created_at),                                       -- purge of old posts
    KEY posts_neighbourhood (neighbourhood_id),
    KEY posts_category (category_id),
    CONSTRAINT posts_price_not_negative CHECK (price_minor IS NULL OR price_minor >= 0),
    CONSTRAINT posts_user_fk FOREIGN KEY (user_id) REFERENCES users (id),
    CONSTRAINT posts_city_fk FOREIGN KEY (city_id) REFERENCES cities (id),
    CONSTRAINT posts_neighbourhood_fk FOREIGN KEY (neighbourhood_id) REFERENCES neighbourhoods (id) ON DELETE SET NULL,
    CONSTRAINT posts_category_fk FOREIGN KEY (category_id) REFERENCES categories (id)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

-- Up to ten images per post. Files are content-addressed by the SHA-256 of the stored
-- (re-encoded) display and thumbnail files; the hash indexes answer "is this file still
-- used?" before a file is removed.
CREATE TABLE post_images (
    post_id      BIGINT            NOT NULL,
    position     TINYINT UNSIGNED  NOT NULL,
    image_sha256 BINARY(32)        NOT NULL,
    thumb_sha256 BINARY(32)        NOT NULL,
    width        SMALLINT UNSIGNED NOT NULL,
    height       SMALLINT UNSIGNED NOT NULL,
    PRIMARY KEY (post_id, position),
    KEY post_images_image (image_sha256),
    KEY post_images_thumb (thumb_sha256),
    CONSTRAINT post_images_position CHECK (position < 10),
    CONSTRAINT post_images_post_fk FOREIGN KEY (post_id) REFERENCES posts (id) ON DELETE CASCADE
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

-- Abuse reports. The reporter is kept only as a keyed hash of the client address; one
-- report per reporter and post (the unique key also serves lookups by post_id).
CREATE TABLE reports (
    id            BIGINT       NOT NULL AUTO_INCREMENT,
    post_id       BIGINT       NOT NULL,
    reporter_hash BINARY(32)   NOT NULL,
    reason        VARCHAR(500) NOT NULL,
    created_at    DATETIME(6)  NOT NULL DEFAULT CURRENT_TIMESTAMP(6),
    PRIMARY KEY (id),
    UNIQUE KEY reports_post_reporter (post_id, reporter_hash),
    CONSTRAINT reports_post_fk FOREIGN KEY (post_id) REFERENCES posts (id) ON DELETE CASCADE
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

-- Mail to send, written in the same transaction as what caused it; the mailer sends due
-- pending rows and retries with backoff until attempts run out ('dead').
CREATE TABLE outbox (
    id              BIGINT        NOT NULL AUTO_INCREMENT,
    kind            VARCHAR(40)   NOT NULL,
    recipient       VARCHAR(254)  NOT NULL,
    subject         VARCHAR(255)  NOT NULL,
    body            MEDIUMTEXT    NOT NULL,
    message_id      VARCHAR(255)  NOT NULL,
    status          ENUM('pending', 'sent', 'dead') NOT NULL DEFAULT 'pending',
    attempts        INT UNSIGNED  NOT NULL DEFAULT 0,
    next_attempt_at DATETIME(6)   NOT NULL DEFAULT CURRENT_TIMESTAMP(6),
    last_error      VARCHAR(1000) NULL,
    created_at      DATETIME(6)   NOT NULL DEFAULT CURRENT_TIMESTAMP(6),
    sent_at         DATETIME(6)   NULL,
    PRIMARY KEY (id),
    UNIQUE KEY outbox_message_id (message_id),
    KEY outbox_due (status, next_attempt_at)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;
