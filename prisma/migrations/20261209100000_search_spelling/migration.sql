-- Searches for addresses and numbered names at a million rows (issue #16, part 1).
--
-- pg_trgm cuts text into words at every character that is not a letter or a digit, so
-- `jeanne.12@orange.fr` is the words `jeanne`, `12`, `orange`, `fr`, and a search for
-- `jeanne.12@` asks the index for trigrams shared by hundreds of thousands of rows (`  1`,
-- ` 12`, `12 `, the trigrams of `jeanne`): 17,000 candidates read and rechecked to find one
-- row. The search column now spells the punctuation found inside words (. @ - _ + ' ’ ° / : # & =)
-- as upper-case letters, which a folded text never contains otherwise (folding lower-cases
-- everything): the address stays one word, `jeanneD12AorangeDfr`, and its trigrams (`eD1`, `D12`,
-- `12A`) are as rare as the address. One character for one character, so `LIKE` on the spelled
-- text with the spelled pattern is the same test as on the plain text; `\` and `%` are never
-- spelled, so an escaped `\_` of a pattern becomes `\U`, a literal `U`, which is how `_` is spelled.
CREATE FUNCTION mailroom_spell(t TEXT) RETURNS TEXT LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE AS $f$
  SELECT translate(t, '.@-_+''’°/:#&=', 'DAHUPQROSCNEX')
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

DO $$
DECLARE trgm TEXT := (SELECT n.nspname FROM pg_extension e JOIN pg_namespace n ON n.oid = e.extnamespace WHERE e.extname = 'pg_trgm');
BEGIN
  EXECUTE format('CREATE INDEX "ReceivedMail_organizationId_searchText_idx" ON "ReceivedMail" USING GIN ("organizationId", "searchText" %I.gin_trgm_ops)', trgm);
  EXECUTE format('CREATE INDEX "SentEmail_organizationId_searchText_idx" ON "SentEmail" USING GIN ("organizationId", "searchText" %I.gin_trgm_ops)', trgm);
  EXECUTE format('CREATE INDEX "Member_organizationId_searchText_idx" ON "Member" USING GIN ("organizationId", "searchText" %I.gin_trgm_ops)', trgm);
END $$;
