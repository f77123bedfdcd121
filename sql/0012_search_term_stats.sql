-- What /metrics needs for its top search terms (corkboard_search_term_recent and _baseline),
-- held in MariaDB so every worker and host adds to the same figures. Bounded and pruned by
-- SearchTermStats: hits are kept per minute and per client (a keyed hash, never the address)
-- only for the recent window, then folded into per-term 10-minute buckets kept for 24 hours.
CREATE TABLE search_term_hits (
    minute    DATETIME      NOT NULL,
    term      VARCHAR(64)   NOT NULL,          -- SearchText.normalized, cut to 64 characters
    client    BINARY(8)     NOT NULL,
    searches  INT UNSIGNED  NOT NULL DEFAULT 1,
    PRIMARY KEY (minute, term, client)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

CREATE TABLE search_term_buckets (
    bucket    DATETIME      NOT NULL,          -- start of a 10-minute window (UTC)
    term      VARCHAR(64)   NOT NULL,
    searches  INT UNSIGNED  NOT NULL,
    PRIMARY KEY (term, bucket),
    KEY search_term_buckets_bucket (bucket)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;
