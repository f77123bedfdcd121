-- Each city's currency (ISO 4217 code, e.g. EUR, KRW, USD): posts.price_minor counts its minor
-- unit (cents for EUR and USD; KRW has none, so 300000 is ₩300,000). The application knows the
-- symbol and minor digits of each code it accepts (Currency.swift) and refuses a code it does
-- not know. Applied by `corkboard migrate`; never edit once applied anywhere.
--
-- Cities that exist before this migration get USD: every price was shown, and typed, as
-- dollars and cents until now, so USD keeps each stored price meaning what it showed. To give
-- such a city its real currency, set it, and for a currency without minor units (KRW, JPY)
-- also turn the stored hundredths into whole units in the same transaction, e.g.
--   UPDATE cities SET currency = 'KRW' WHERE slug = 'seoul';
--   UPDATE posts p JOIN cities c ON c.id = p.city_id SET p.price_minor = p.price_minor DIV 100
--     WHERE c.slug = 'seoul';  -- and the same on search_terms.price_minor
-- `corkboard seed` sets the sample cities' currencies itself (Lisbon EUR, Seoul KRW, Chicago USD).
ALTER TABLE cities
    ADD COLUMN currency CHAR(3) CHARACTER SET ascii COLLATE ascii_bin NOT NULL DEFAULT 'USD' AFTER time_zone,
    ADD CONSTRAINT cities_currency_format CHECK (currency REGEXP '^[A-Z]{3}$');

-- From now on a city is created with its currency or not at all: no default to fall back on
-- (an INSERT without one fails with "Field 'currency' doesn't have a default value").
ALTER TABLE cities ALTER COLUMN currency DROP DEFAULT;
