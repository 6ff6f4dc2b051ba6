# One image for every Plaudit process; the compose file picks the command (serve, worker).
FROM node:20-bookworm-slim
WORKDIR /app
RUN apt-get update && apt-get install -y --no-install-recommends python3 make g++ && rm -rf /var/lib/apt/lists/*
COPY package.json package-lock.json ./
RUN npm ci --omit=dev --no-audit --no-fund
COPY bin ./bin
COPY src ./src
COPY drizzle ./drizzle
COPY samples ./samples
COPY fixtures ./fixtures
COPY tsconfig.json ./
ENV NODE_ENV=production PLAUDIT_DATABASE_FILE=/data/plaudit.db
VOLUME ["/data"]
USER node
ENTRYPOINT ["node", "bin/plaudit.js"]
CMD ["serve"]
