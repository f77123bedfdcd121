-- Photo-file deletion pauses while a backup runs (`corkboard backup`): from before its database
-- copy starts until its copy of the image files ends, so every photo a restored post references
-- is in the backup. A deleter (PhotoRegistry.removeIfUnused, the collector's sweep) reads this
-- table with a share lock inside its transaction and keeps the photo while a hold is live; the
-- backup's INSERT waits for deleters already under way. expires_at bounds a hold whose backup
-- died (the collector then catches up on what was kept).
CREATE TABLE photo_deletion_holds (
    id BIGINT UNSIGNED NOT NULL AUTO_INCREMENT PRIMARY KEY,
    holder VARCHAR(255) NOT NULL,
    started_at DATETIME(6) NOT NULL,
    expires_at DATETIME(6) NOT NULL
) ENGINE=InnoDB;
