-- AlterTable
ALTER TABLE "Organization" ADD COLUMN     "dkimDomain" TEXT,
ADD COLUMN     "dkimPrivateKeyEnc" TEXT,
ADD COLUMN     "dkimSelector" TEXT;

-- AlterTable
ALTER TABLE "SmtpAccount" ADD COLUMN     "oauthAccessExpiresAt" TIMESTAMP(3),
ADD COLUMN     "oauthAccessTokenEnc" TEXT,
ADD COLUMN     "oauthRefreshTokenEnc" TEXT;
