-- Searches for addresses and numbered names at a million rows (issue #16, part 1).
--
-- pg_trgm cuts text into words at every character that is not a letter or a digit, so
-- `jeanne.12@orange.fr` is the words `jeanne`, `12`, `orange`, `fr`, and a search for
-- `jeanne.12@` asks the index for trigrams shared by hundreds of thousands of rows (`  1`,
-- ` 12`, `12 `, the trigrams of `jeanne`), and every row holding them all is read and rechecked
-- (`bréhat-7`: 17,000 candidates at a million members for 9,000 matches). The search column now spells the punctuation found inside words (. @ - _ + ' ’ ° / : # & =)
-- as upper-case letters, which a folded text never contains otherwise (folding lower-cases
-- everything): the address stays one word, `jeanneD12AorangeDfr`, and its trigrams (`eD1`, `D12`,
-- `12A`) are as rare as the address. One character for one character, so `LIKE` on the spelled
-- text with the spelled pattern is the same test as on the plain text; `\` and `%` are never
-- spelled, so an escaped `\_` of a pattern becomes `\U`, a literal `U`, which is how `_` is spelled.
CREATE FUNCTION mailroom_spell(t TEXT) RETURNS TEXT LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE AS $f$
  SELECT translate(t, '.@-_+''’°/:#&=', 'DAHUPQROSCNEX')
$f$;

-- The search condition. The trigram index costs what its posting lists of the pattern's trigrams
-- weigh, whatever the number of matches: `jeanneD12A` reads the lists of `jea`, `ean`, `ann`,
-- `nne`, shared by a twelfth of the rows, for one match. When a search holds digits, the run of
-- digits and spelled punctuation around them, with a character either side (`eD12A`), is what
-- makes it rare: the index is asked for that part only, and the whole search is checked on the
-- candidates with strpos (a plain "contains"). Not when another word of three letters or more
-- goes with it (`brevet theorique 12`): its letters narrow the candidates better than the digits,
-- and the whole search goes to the index as before. The wrapper is an SQL function that the
-- planner inlines and folds for the given words, so it sees `LIKE '%eD12A%' AND strpos(...)`, or
-- the plain `LIKE` with no extra condition to misjudge.
CREATE FUNCTION mailroom_like_contains(w TEXT) RETURNS TEXT LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE AS $f$
  SELECT '%' || regexp_replace(w, '([\\%_])', '\\\1', 'g') || '%'
$f$;
-- PL/pgSQL, whose statements are planned once per session: the planner calls this for each place
-- the condition appears in a list's statement, and an SQL function with a query in it was planned
-- again on every call (1 ms of planning per page).
CREATE FUNCTION mailroom_search_key(w TEXT) RETURNS TEXT LANGUAGE plpgsql IMMUTABLE STRICT PARALLEL SAFE AS $f$
DECLARE part TEXT;
BEGIN
  IF w !~ '[0-9]' OR w ~ '(^|[[:space:]])[^[:space:][:digit:]]{3,}([[:space:]]|$)' THEN
    RETURN mailroom_like_contains(w);
  END IF;
  SELECT r.m[1] INTO part FROM regexp_matches(w, '[^0-9A-Z]?[0-9A-Z]*[0-9][0-9A-Z]*[^0-9A-Z]?', 'g') AS r(m)
   ORDER BY char_length(r.m[1]) DESC LIMIT 1;
  RETURN mailroom_like_contains(CASE WHEN char_length(part) >= 3 THEN part ELSE w END);
END $f$;
-- A search with no trigram (no three letters or digits in a row, no word boundary inside it, as
-- `zq`; `n° 0` has one, ` 0`) could only read the index whole: a second at a million mails, against
-- a third of that for reading the rows. Such a search is the plain `strpos`, which no index serves.
CREATE FUNCTION mailroom_search_matches(t TEXT, w TEXT) RETURNS BOOLEAN LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $f$
  SELECT CASE
    WHEN w !~ '[[:alnum:]]{3}|[^[:alnum:]][[:alnum:]]|[[:alnum:]]{2}[^[:alnum:]]' THEN strpos(t, w) > 0
    WHEN mailroom_search_key(w) = mailroom_like_contains(w) THEN t LIKE mailroom_search_key(w)
    ELSE t LIKE mailroom_search_key(w) AND strpos(t, w) > 0
  END
$f$;

-- Rewriting every row's search text: the trigram indexes are built again afterwards, which is far
-- cheaper than maintaining them row by row.
DROP INDEX "ReceivedMail_organizationId_searchText_idx";
DROP INDEX "SentEmail_organizationId_searchText_idx";
DROP INDEX "Member_organizationId_searchText_idx";

-- SentEmail and Member: the triggers fold, then spell.
CREATE OR REPLACE FUNCTION mailroom_sent_email_search() RETURNS trigger LANGUAGE plpgsql SET search_path FROM CURRENT AS $f$
BEGIN
  NEW."searchText" := mailroom_spell(mailroom_fold(concat_ws(' ', NEW."subject", NEW."fromAddress", array_to_string(NEW."to", ' '), array_to_string(NEW."cc", ' '))));
  RETURN NEW;
END $f$;
UPDATE "SentEmail" SET "searchText" = '';

CREATE OR REPLACE FUNCTION mailroom_member_search() RETURNS trigger LANGUAGE plpgsql SET search_path FROM CURRENT AS $f$
BEGIN
  NEW."searchText" := mailroom_spell(mailroom_fold(concat_ws(' ', NEW."firstName", NEW."lastName", NEW."licenceNumber",
    (SELECT string_agg(e."address", ' ' ORDER BY e."position") FROM "MemberEmail" e WHERE e."memberId" = NEW."id"))));
  RETURN NEW;
END $f$;
UPDATE "Member" SET "searchText" = '';

-- ReceivedMail: the application folds (searchable(), every script's accents), the database spells,
-- so the spelling has one definition, this function.
CREATE FUNCTION mailroom_received_mail_search() RETURNS trigger LANGUAGE plpgsql SET search_path FROM CURRENT AS $f$
BEGIN
  NEW."searchText" := mailroom_spell(NEW."searchText");
  RETURN NEW;
END $f$;
CREATE TRIGGER "ReceivedMail_searchText" BEFORE INSERT OR UPDATE OF "searchText" ON "ReceivedMail"
  FOR EACH ROW EXECUTE FUNCTION mailroom_received_mail_search();
UPDATE "ReceivedMail" SET "searchText" = "searchText" WHERE "searchText" <> mailroom_spell("searchText");

-- The trigram indexes no longer hold the organisation (btree_gin): for every candidate row the
-- scan looked the row up in the organisation's posting tree, a million entries long for a big
-- organisation: 40% of a rare search's time (measured at a million rows: 5.3 ms -> 3.0 ms for
-- an address). The organisation is checked on the candidates instead; a small organisation's
-- searches walk its own (organisation, order) index, which the planner prefers as soon as the
-- organisation has fewer rows than a search would find in the whole table.
DO $$
DECLARE trgm TEXT := (SELECT n.nspname FROM pg_extension e JOIN pg_namespace n ON n.oid = e.extnamespace WHERE e.extname = 'pg_trgm');
BEGIN
  EXECUTE format('CREATE INDEX "ReceivedMail_searchText_idx" ON "ReceivedMail" USING GIN ("searchText" %I.gin_trgm_ops)', trgm);
  EXECUTE format('CREATE INDEX "SentEmail_searchText_idx" ON "SentEmail" USING GIN ("searchText" %I.gin_trgm_ops)', trgm);
  EXECUTE format('CREATE INDEX "Member_searchText_idx" ON "Member" USING GIN ("searchText" %I.gin_trgm_ops)', trgm);
END $$;

