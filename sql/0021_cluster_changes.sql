-- Changes every application host must act on (issue 14), written in the same transaction as
-- the change itself, so a row exists exactly when the change committed and reaches each
-- replica together with it. Every pool master follows this table a few times a second
-- (ChangeFollower):
-- - post_id: a post whose visibility or content changed (PostVisibility.change): the host bumps
--   the post's generation in its shared table, so it stops serving the old page;
-- - city_id: a city one of whose existing posts changed: the host bumps the city's generation,
--   which empties its workers' cached lists of that city (ListingCache);
-- - photo_sha256 + photo_action: a photo file removed, withdrawn or reinstated under its row
--   lock (PhotoRegistry): the host does the same to its own copy.
-- Rows older than an hour are pruned by the followers. Expand-only: a release without the
-- follower never reads it.
CREATE TABLE cluster_changes (
    id BIGINT UNSIGNED NOT NULL AUTO_INCREMENT PRIMARY KEY,
    post_id BIGINT NULL,
    city_id BIGINT NULL,
    photo_sha256 BINARY(32) NULL,
    photo_action ENUM('remove', 'withdraw', 'reinstate') NULL,
    changed_at DATETIME(6) NOT NULL,
    KEY cluster_changes_changed_at (changed_at)
) ENGINE=InnoDB;
