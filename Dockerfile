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
USER node
EXPOSE 4000
CMD ["npm", "run", "start:server"]
