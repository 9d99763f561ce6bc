# otaship's container image.
#
#   docker build -t otaship .
#   docker run -d -p 8080:8080 -v otaship-data:/data -e OTASHIP_PUBLIC_URL=https://ota.example.com otaship
#
# BASE is any Debian-based image with Node 22+ and npm on PATH (the official node image by default;
# docs/deploy/container.md shows how to build on your own). Both stages start from it, so the native
# addons compiled in the first run on exactly the Node and C library of the second.
ARG BASE=node:24-bookworm-slim

FROM ${BASE} AS build
# better-sqlite3 is compiled from source whenever no prebuilt binary can be downloaded for this
# Node: that needs a C++ compiler, make and python3 (node-gyp). Installed only where missing, so a
# base that already has them builds without a package mirror.
RUN if ! command -v g++ >/dev/null || ! command -v make >/dev/null || ! command -v python3 >/dev/null; then \
      apt-get update \
      && apt-get install -y --no-install-recommends g++ make python3 \
      && rm -rf /var/lib/apt/lists/*; \
    fi
WORKDIR /src
# Dependencies first, so this layer is reused until the lockfile changes. `npm ci` runs no scripts
# here (the package's own `prepare` would build sources not copied yet); `npm rebuild` then runs the
# dependencies' install scripts, compiling against the headers of the Node in this image
# (npm_config_nodedir: node-gyp would otherwise download them from nodejs.org).
COPY package.json package-lock.json ./
RUN export npm_config_nodedir="$(dirname "$(dirname "$(command -v node)")")" \
    && npm ci --ignore-scripts --no-audit --no-fund \
    && npm rebuild \
    && node -e "new (require('better-sqlite3'))(':memory:').close()"
COPY . .
RUN npm run build && npm prune --omit=dev --no-audit --no-fund

FROM ${BASE}
# Its own unprivileged user; the data folder is the only place it can write. A named volume starts
# out owned by it; a bind-mounted host folder must be owned by uid 10001 (see the docs).
RUN groupadd --system --gid 10001 otaship \
    && useradd --system --uid 10001 --gid otaship --home-dir /data --no-create-home --shell /usr/sbin/nologin otaship \
    && mkdir -p /data \
    && chown otaship:otaship /data \
    && chmod 0700 /data
WORKDIR /app
# The application is owned by root and read-only to the server: a compromised process cannot
# rewrite its own code.
COPY --from=build /src/package.json ./
COPY --from=build /src/node_modules ./node_modules
COPY --from=build /src/bin ./bin
COPY --from=build /src/dist ./dist
COPY --from=build /src/public ./public
COPY --from=build /src/deploy/container/healthcheck.cjs ./healthcheck.cjs
RUN ln -s /app/bin/otaship /usr/local/bin/otaship
ENV NODE_ENV=production \
    OTASHIP_DATA_DIR=/data \
    OTASHIP_HOST=0.0.0.0 \
    OTASHIP_PORT=8080
USER otaship:otaship
VOLUME /data
EXPOSE 8080
# Readiness, not mere liveness: compose's `depends_on: condition: service_healthy` and a load
# balancer should only send traffic once the database and storage answer.
HEALTHCHECK --interval=30s --timeout=10s --start-period=30s --retries=3 CMD ["node", "/app/healthcheck.cjs"]
# Node itself is PID 1 (exec form, no shell in between): it installs handlers for SIGTERM and SIGINT,
# so `docker stop` reaches the server, which stops accepting, lets in-flight requests finish (up to
# 30 s) and writes its install counters before exiting. Give `docker stop` that long (-t 40).
STOPSIGNAL SIGTERM
ENTRYPOINT ["node", "/app/bin/otaship"]
CMD ["serve"]
