# Mailroom: one image for the API and the workers (`npm run api` / `npm run worker`).
FROM node:20-bookworm-slim AS deps
WORKDIR /app
COPY package.json package-lock.json ./
COPY scripts ./scripts
COPY prisma ./prisma
COPY prisma.config.ts ./
RUN npm ci --omit=dev --ignore-scripts && npm install --no-save tsx && node --import tsx scripts/prisma-generate.ts

# The staff console (web/), built once into static files the API serves at /.
FROM node:20-bookworm-slim AS web
WORKDIR /app/web
COPY web/package.json web/package-lock.json ./
RUN npm ci --no-audit --no-fund
COPY web ./
RUN npm run build

FROM node:20-bookworm-slim
ENV NODE_ENV=production
WORKDIR /app
COPY --from=deps /app/node_modules ./node_modules
COPY --from=deps /app/src/generated ./src/generated
COPY . .
COPY --from=web /app/web/dist ./web/dist
# Bundle the workflow code once at build time so workers start fast.
RUN node --import tsx scripts/build-workflow-bundle.ts /app/workflow-bundle.js
ENV MAILROOM_WORKFLOW_BUNDLE=/app/workflow-bundle.js
USER node
EXPOSE 3000
CMD ["npm", "run", "api"]
