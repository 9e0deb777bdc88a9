# One image for every role; docker-compose.yml picks the command.
FROM node:20-bookworm-slim
WORKDIR /app
ENV NODE_ENV=production
COPY package.json package-lock.json ./
RUN npm ci --no-audit --no-fund
COPY tsconfig.json ./
COPY shared ./shared
COPY simulator ./simulator
COPY server ./server
COPY workers ./workers
COPY bin ./bin
COPY scripts ./scripts
# Compiled once here; each role's npm script compiles again at start (under a second), as the node user.
RUN npm run build && chown -R node:node dist
USER node
EXPOSE 4000
CMD ["npm", "run", "start:server"]
