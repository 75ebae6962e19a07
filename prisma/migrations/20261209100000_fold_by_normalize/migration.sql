-- mailroom_fold by Unicode decomposition instead of translate(). translate() compares every
-- character of the text with every character of its 600-letter map: ~0.9 ms of CPU for one
-- sent message's subject and addresses on PGlite, which the SentEmail trigger paid on every
-- insert (0.9 of the 1.1 ms an insert cost; 10 s of a 10,000-booking import's confirmations).
-- normalize(NFD) and dropping the combining marks is what the application's searchable()
-- does (src/reception/classify.ts), at ~45 µs; IMMUTABLE in PostgreSQL 13+ (UTF8 databases).
-- Pure ASCII text still skips it.
CREATE OR REPLACE FUNCTION mailroom_fold(t TEXT) RETURNS TEXT LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE AS $f$
  SELECT CASE WHEN octet_length(t) = char_length(t) THEN lower(t) ELSE lower(regexp_replace(normalize(t, NFD), '[\u0300-\u036f]', '', 'g')) END
$f$;

-- Rows the old map left with non-ASCII letters (Greek, Cyrillic...) are folded again, so a
-- search (folded the new way) still finds them; folded Latin text is the same either way.
UPDATE "SentEmail" SET "searchText" = '' WHERE octet_length("searchText") <> char_length("searchText");
UPDATE "Member" SET "searchText" = '' WHERE octet_length("searchText") <> char_length("searchText");
