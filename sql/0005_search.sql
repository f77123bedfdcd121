-- Browse and search (issue 5). See README, "Search".

-- Whether a post has photos, kept by SearchIndex.index (called in the transaction of every
-- post or photo change) so the "has photos" filter needs no join.
ALTER TABLE posts
    ADD COLUMN has_photos TINYINT(1) NOT NULL DEFAULT 0,
    -- A city's newest (or oldest) posts with every filter column in the index, so filters are
    -- checked inside the index (index condition pushdown) and only shown rows are read.
    ADD KEY posts_city_browse (city_id, created_at, id, category_id, neighbourhood_id, price_minor, has_photos, deleted_at),
    -- The price orders: priced posts by (price, id), unpriced ones (price NULL) by id.
    ADD KEY posts_city_price (city_id, price_minor, id, created_at, category_id, neighbourhood_id, has_photos, deleted_at);

-- The inverted index: one row per (post, distinct term). The key lists a city's matches for a
-- term newest first, so a page of the newest matches reads one short key range; the filter
-- columns ride along in the row so filtering needs no lookup into posts. term is the 64-bit
-- FNV-1a hash of a normalized word, or of a 1- or 2-character piece of CJK text.
CREATE TABLE search_terms (
    city_id          INT         NOT NULL,
    term             BIGINT      NOT NULL,
    created_at       DATETIME(6) NOT NULL,
    post_id          BIGINT      NOT NULL,
    in_title         TINYINT(1)  NOT NULL,
    category_id      INT         NOT NULL,
    neighbourhood_id INT         NULL,
    price_minor      BIGINT      NULL,
    has_photos       TINYINT(1)  NOT NULL,
    PRIMARY KEY (city_id, term, created_at, post_id)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

-- The normalized text of each indexed post: phrase checks (LIKE on whole words) and the list of
-- terms to delete when the post changes. Binary collation: the text is already folded.
CREATE TABLE search_docs (
    post_id    BIGINT       NOT NULL,
    city_id    INT          NOT NULL,
    created_at DATETIME(6)  NOT NULL,
    title_norm VARCHAR(600) NOT NULL,
    text_norm  MEDIUMTEXT   NOT NULL,
    PRIMARY KEY (post_id),
    KEY search_docs_created (created_at)   -- pruning expired posts
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin;
