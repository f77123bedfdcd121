-- The host that made each change-log row (its `host_id`), so that host's own follower skips
-- it: the host already bumped its own generations and acted on its own photo files, and a
-- replay cost every worker a second cache miss. NULL: a change made where no generation table
-- was bumped (the command line), which every host replays, its own included. Expand-only: a
-- release without it writes NULL and its followers replay everything, as before.
ALTER TABLE cluster_changes ADD COLUMN IF NOT EXISTS origin VARCHAR(32) NULL;
