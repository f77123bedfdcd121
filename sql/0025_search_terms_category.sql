-- Search with a category filter (issue 12): a term's matches within one category, newest
-- first, so "good" in bikes reads about as many index entries as it shows instead of walking
-- every "good" post (at 1 M posts a page read ~1,500 entries to find 21). post_id is named so
-- the order (created_at, post_id) is the index's own, and price_minor rides along so a price
-- filter is checked inside the index and the page query never leaves it.
--
-- Expand-only: the previous release does not ask for this index and its inserts and deletes
-- simply maintain it. Built in place without locking writes (ALGORITHM=INPLACE, LOCK=NONE);
-- on the bench corpus (1.2 M posts, 27.7 M search_terms rows, a shared 2-core box) it took 78 s
-- on the primary, then about as long on the replica, which lags meanwhile (reads go to the
-- primary until it catches up). About 1.1 GB more on disk at that size (the table is 2.4 GB).
-- IF NOT EXISTS: it may run again after a failure part-way.
ALTER TABLE search_terms
    ADD KEY IF NOT EXISTS search_terms_category (city_id, term, category_id, created_at, post_id, price_minor),
    ALGORITHM=INPLACE, LOCK=NONE;
