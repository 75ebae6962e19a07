-- Lists and search at a million rows (issue #16): indexes that match each list's order
-- (organisation, sort key, id) so the first page and every keyset page read ten index entries,
-- and trigram GIN indexes (pg_trgm; btree_gin puts the organisation in the same index) over
-- an accent- and case-folded search column, so LIKE '%word%' is answered from the index.

-- Extensions live in "public" so that dropping an application schema never drops them
-- (and every schema of the same database shares them); trusted extensions since PostgreSQL 13.
DO $$ BEGIN
  CREATE EXTENSION IF NOT EXISTS pg_trgm WITH SCHEMA public;
EXCEPTION WHEN unique_violation OR duplicate_object THEN NULL; END $$;
DO $$ BEGIN
  CREATE EXTENSION IF NOT EXISTS btree_gin WITH SCHEMA public;
EXCEPTION WHEN unique_violation OR duplicate_object THEN NULL; END $$;

-- Same folding as the application's searchable(): Latin letters lose their accents
-- (what NFD + dropping combining marks gives), then lower-case. IMMUTABLE (unlike unaccent()).
-- translate() scans its map for every character, so pure ASCII text skips it.
CREATE FUNCTION mailroom_fold(t TEXT) RETURNS TEXT LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE AS $f$
  SELECT CASE WHEN octet_length(t) = char_length(t) THEN lower(t) ELSE lower(translate(t, 'ÀÁÂÃÄÅÇÈÉÊËÌÍÎÏÑÒÓÔÕÖÙÚÛÜÝàáâãäåçèéêëìíîïñòóôõöùúûüýÿĀāĂăĄąĆćĈĉĊċČčĎďĒēĔĕĖėĘęĚěĜĝĞğĠġĢģĤĥĨĩĪīĬĭĮįİĴĵĶķĹĺĻļĽľŃńŅņŇňŌōŎŏŐőŔŕŖŗŘřŚśŜŝŞşŠšŢţŤťŨũŪūŬŭŮůŰűŲųŴŵŶŷŸŹźŻżŽžƠơƯưǍǎǏǐǑǒǓǔǕǖǗǘǙǚǛǜǞǟǠǡǢǣǦǧǨǩǪǫǬǭǮǯǰǴǵǸǹǺǻǼǽǾǿȀȁȂȃȄȅȆȇȈȉȊȋȌȍȎȏȐȑȒȓȔȕȖȗȘșȚțȞȟȦȧȨȩȪȫȬȭȮȯȰȱȲȳḀḁḂḃḄḅḆḇḈḉḊḋḌḍḎḏḐḑḒḓḔḕḖḗḘḙḚḛḜḝḞḟḠḡḢḣḤḥḦḧḨḩḪḫḬḭḮḯḰḱḲḳḴḵḶḷḸḹḺḻḼḽḾḿṀṁṂṃṄṅṆṇṈṉṊṋṌṍṎṏṐṑṒṓṔṕṖṗṘṙṚṛṜṝṞṟṠṡṢṣṤṥṦṧṨṩṪṫṬṭṮṯṰṱṲṳṴṵṶṷṸṹṺṻṼṽṾṿẀẁẂẃẄẅẆẇẈẉẊẋẌẍẎẏẐẑẒẓẔẕẖẗẘẙẛẠạẢảẤấẦầẨẩẪẫẬậẮắẰằẲẳẴẵẶặẸẹẺẻẼẽẾếỀềỂểỄễỆệỈỉỊịỌọỎỏỐốỒồỔổỖỗỘộỚớỜờỞởỠỡỢợỤụỦủỨứỪừỬửỮữỰựỲỳỴỵỶỷỸỹ', 'AAAAAACEEEEIIIINOOOOOUUUUYaaaaaaceeeeiiiinooooouuuuyyAaAaAaCcCcCcCcDdEeEeEeEeEeGgGgGgGgHhIiIiIiIiIJjKkLlLlLlNnNnNnOoOoOoRrRrRrSsSsSsSsTtTtUuUuUuUuUuUuWwYyYZzZzZzOoUuAaIiOoUuUuUuUuUuAaAaÆæGgKkOoOoƷʒjGgNnAaÆæØøAaAaEeEeIiIiOoOoRrRrUuUuSsTtHhAaEeOoOoOoOoYyAaBbBbBbCcDdDdDdDdDdEeEeEeEeEeFfGgHhHhHhHhHhIiIiKkKkKkLlLlLlLlMmMmMmNnNnNnNnOoOoOoOoPpPpRrRrRrRrSsSsSsSsSsTtTtTtTtUuUuUuUuUuVvVvWwWwWwWwWwXxXxYyZzZzZzhtwyſAaAaAaAaAaAaAaAaAaAaAaAaEeEeEeEeEeEeEeEeIiIiOoOoOoOoOoOoOoOoOoOoOoOoUuUuUuUuUuUuUuYyYyYyYy')) END
$f$;

-- SentEmail: folded subject, sender and recipients, kept by a trigger so every writer
-- (Prisma, bulk JSON inserts) fills it.
ALTER TABLE "SentEmail" ADD COLUMN "searchText" TEXT NOT NULL DEFAULT '';
CREATE FUNCTION mailroom_sent_email_search() RETURNS trigger LANGUAGE plpgsql SET search_path FROM CURRENT AS $f$
BEGIN
  NEW."searchText" := mailroom_fold(concat_ws(' ', NEW."subject", NEW."fromAddress", array_to_string(NEW."to", ' '), array_to_string(NEW."cc", ' ')));
  RETURN NEW;
END $f$;
CREATE TRIGGER "SentEmail_searchText" BEFORE INSERT OR UPDATE OF "subject", "fromAddress", "to", "cc", "searchText" ON "SentEmail"
  FOR EACH ROW EXECUTE FUNCTION mailroom_sent_email_search();
UPDATE "SentEmail" SET "searchText" = '';

-- Member: folded names, licence number and every address.
ALTER TABLE "Member" ADD COLUMN "searchText" TEXT NOT NULL DEFAULT '';
CREATE FUNCTION mailroom_member_search() RETURNS trigger LANGUAGE plpgsql SET search_path FROM CURRENT AS $f$
BEGIN
  NEW."searchText" := mailroom_fold(concat_ws(' ', NEW."firstName", NEW."lastName", NEW."licenceNumber",
    (SELECT string_agg(e."address", ' ' ORDER BY e."position") FROM "MemberEmail" e WHERE e."memberId" = NEW."id")));
  RETURN NEW;
END $f$;
CREATE TRIGGER "Member_searchText" BEFORE INSERT OR UPDATE OF "firstName", "lastName", "licenceNumber", "searchText" ON "Member"
  FOR EACH ROW EXECUTE FUNCTION mailroom_member_search();
CREATE FUNCTION mailroom_member_email_search() RETURNS trigger LANGUAGE plpgsql SET search_path FROM CURRENT AS $f$
BEGIN
  IF TG_OP <> 'INSERT' THEN UPDATE "Member" SET "searchText" = '' WHERE "id" = OLD."memberId"; END IF;
  IF TG_OP <> 'DELETE' THEN UPDATE "Member" SET "searchText" = '' WHERE "id" = NEW."memberId"; END IF;
  RETURN NULL;
END $f$;
CREATE TRIGGER "MemberEmail_searchText" AFTER INSERT OR DELETE OR UPDATE OF "address", "memberId" ON "MemberEmail"
  FOR EACH ROW EXECUTE FUNCTION mailroom_member_email_search();
UPDATE "Member" SET "searchText" = '';

-- Orders of the lists: (organisation[, filter], sort key, id) so keyset pages are index ranges.
DROP INDEX "ReceivedMail_organizationId_category_receivedAt_idx";
DROP INDEX "ReceivedMail_organizationId_memberId_idx";
CREATE INDEX "ReceivedMail_organizationId_receivedAt_id_idx" ON "ReceivedMail"("organizationId", "receivedAt", "id");
CREATE INDEX "ReceivedMail_organizationId_category_receivedAt_id_idx" ON "ReceivedMail"("organizationId", "category", "receivedAt", "id");
CREATE INDEX "ReceivedMail_organizationId_memberId_receivedAt_id_idx" ON "ReceivedMail"("organizationId", "memberId", "receivedAt", "id");

DROP INDEX "SentEmail_organizationId_status_createdAt_idx";
DROP INDEX "SentEmail_organizationId_createdAt_idx";
CREATE INDEX "SentEmail_organizationId_queuedAt_id_idx" ON "SentEmail"("organizationId", "queuedAt", "id");
CREATE INDEX "SentEmail_organizationId_status_queuedAt_id_idx" ON "SentEmail"("organizationId", "status", "queuedAt", "id");
CREATE INDEX "SentEmail_organizationId_templateKey_queuedAt_id_idx" ON "SentEmail"("organizationId", "templateKey", "queuedAt", "id");
CREATE INDEX "SentEmail_organizationId_memberId_queuedAt_id_idx" ON "SentEmail"("organizationId", "memberId", "queuedAt", "id");

DROP INDEX "Member_organizationId_lastName_idx";
DROP INDEX "Member_structureId_idx";
CREATE INDEX "Member_organizationId_lastName_firstName_id_idx" ON "Member"("organizationId", "lastName", "firstName", "id");
CREATE INDEX "Member_structureId_lastName_firstName_id_idx" ON "Member"("structureId", "lastName", "firstName", "id");

DROP INDEX "Document_organizationId_memberId_idx";
CREATE INDEX "Document_organizationId_memberId_createdAt_id_idx" ON "Document"("organizationId", "memberId", "createdAt", "id");

-- The opclass is named with the extension's schema, wherever an operator installed it.
DO $$
DECLARE trgm TEXT := (SELECT n.nspname FROM pg_extension e JOIN pg_namespace n ON n.oid = e.extnamespace WHERE e.extname = 'pg_trgm');
BEGIN
  EXECUTE format('CREATE INDEX "ReceivedMail_organizationId_searchText_idx" ON "ReceivedMail" USING GIN ("organizationId", "searchText" %I.gin_trgm_ops)', trgm);
  EXECUTE format('CREATE INDEX "SentEmail_organizationId_searchText_idx" ON "SentEmail" USING GIN ("organizationId", "searchText" %I.gin_trgm_ops)', trgm);
  EXECUTE format('CREATE INDEX "Member_organizationId_searchText_idx" ON "Member" USING GIN ("organizationId", "searchText" %I.gin_trgm_ops)', trgm);
END $$;
