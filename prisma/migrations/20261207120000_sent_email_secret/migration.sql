-- AlterTable
ALTER TABLE "SentEmail" ADD COLUMN     "secretEnc" TEXT;
