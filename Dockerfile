# One image, two commands: the app (`npm run serve`) and the worker (`npm run worker`).
FROM node:20-bookworm-slim AS build
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --no-audit --no-fund
COPY . .
# The build reads the config but never connects; these placeholders only satisfy the checks.
RUN PAYLOAD_SECRET=build-time-placeholder-not-used-at-runtime-000 DATABASE_URI=mongodb://build:27017/build npm run build

FROM node:20-bookworm-slim
WORKDIR /app
ENV NODE_ENV=production
COPY --from=build /app ./
EXPOSE 3000
CMD ["npm", "run", "serve"]
