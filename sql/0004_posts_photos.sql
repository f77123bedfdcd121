-- Posts with photos: the stored photo files, uploads waiting for a post, and the repost
-- fingerprint. Applied by `corkboard migrate`; never edit once applied anywhere.

-- One row per stored photo (display file, keyed by the SHA-256 of its bytes, plus its
-- thumbnail). It is the registry `corkboard gc-photos` works from: a writer upserts the row
-- (last_used_at = now) before it writes the files and locks it again in the transaction that
-- references it; the collector deletes a file only while holding this row's lock, when no live
-- post and no unexpired upload references it and last_used_at is older than the grace period.
CREATE TABLE photos (
    sha256       BINARY(32)        NOT NULL,
    thumb_sha256 BINARY(32)        NOT NULL,
    width        SMALLINT UNSIGNED NOT NULL,
    height       SMALLINT UNSIGNED NOT NULL,
    bytes        INT UNSIGNED      NOT NULL,
    created_at   DATETIME(6)       NOT NULL DEFAULT CURRENT_TIMESTAMP(6),
    last_used_at DATETIME(6)       NOT NULL DEFAULT CURRENT_TIMESTAMP(6),
    PRIMARY KEY (sha256),
    KEY photos_thumb (thumb_sha256),
    KEY photos_last_used (last_used_at)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

-- Photos uploaded one by one (POST /api/photos) that no post has claimed yet. A post claims
-- one by its id (the photo's hash) in the transaction that creates or edits it, which deletes
-- the row; unclaimed rows expire and are deleted by the collector, and their files follow.
CREATE TABLE uploads (
    id         BIGINT      NOT NULL AUTO_INCREMENT,
    user_id    BIGINT      NOT NULL,
    sha256     BINARY(32)  NOT NULL,
    created_at DATETIME(6) NOT NULL DEFAULT CURRENT_TIMESTAMP(6),
    expires_at DATETIME(6) NOT NULL,
    PRIMARY KEY (id),
    KEY uploads_user_photo (user_id, sha256),
    KEY uploads_photo (sha256),
    KEY uploads_expires (expires_at),
    CONSTRAINT uploads_user_fk FOREIGN KEY (user_id) REFERENCES users (id) ON DELETE CASCADE
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

-- SHA-256 of the normalised title and description: "the same ad in the same city within 48
-- hours" is one index range instead of comparing TEXT columns.
ALTER TABLE posts
    ADD COLUMN content_sha256 BINARY(32) NULL AFTER location_text,
    ADD KEY posts_city_content (city_id, content_sha256, created_at);
