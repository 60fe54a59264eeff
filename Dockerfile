# chartd image: build with the same setup script CI runs, ship only runtime libraries.
# Build: docker build -t chartd .   Run: docker run -p 8080:8080 -e OPENAI_API_KEY=… chartd

# ---- build: scripts/setup.sh installs the toolchain exactly as on a developer machine --------
FROM debian:bookworm-slim AS build
WORKDIR /src
COPY scripts/setup.sh scripts/setup.sh
# CHARTD_BROWSER=0: chromium, Node and npm serve only the browser test, which is not run here.
RUN CHARTD_BROWSER=0 ./scripts/setup.sh && rm -rf /var/lib/apt/lists/*
COPY . .
# The commit for chartd_build_info (the image has no .git): Railway passes its own variable as a
# build argument; elsewhere: docker build --build-arg RAILWAY_GIT_COMMIT_SHA=$(git rev-parse HEAD)
ARG RAILWAY_GIT_COMMIT_SHA=unknown
RUN cmake -S . -B build -DCMAKE_BUILD_TYPE=Release -DCHARTD_COMMIT="${RAILWAY_GIT_COMMIT_SHA}" \
 && cmake --build build -j"$(nproc)" \
 && build/chartd check

# ---- runtime: the binary, its shared libraries, fonts, and the Lua/data files ------------------
FROM debian:bookworm-slim
# hadolint ignore=DL3008
RUN apt-get update -qq \
 && apt-get install -y -qq --no-install-recommends \
      liblua5.4-0 lua-cjson libwebsockets17 libcap2 libcurl4 libhiredis0.14 ca-certificates \
      libcairo2 libpango-1.0-0 libpangocairo-1.0-0 libpng16-16 libssl3 \
      fonts-dejavu-core fonts-noto-cjk fonts-noto-color-emoji curl \
 && rm -rf /var/lib/apt/lists/* \
 && useradd --system --home /app --shell /usr/sbin/nologin chartd
WORKDIR /app
COPY --from=build /src/build/chartd /usr/local/bin/chartd
COPY lua lua
COPY prompts prompts
COPY themes themes
COPY examples examples
COPY web web
# production: no hot reload (CHARTD_RELOAD=1 turns it on); PORT, when set (Railway), wins.
ENV CHARTD_HOME=/app APP_ENV=production WEBSOCKET_PORT=8080
USER chartd
EXPOSE 8080
HEALTHCHECK --interval=15s --timeout=3s --start-period=10s --retries=3 \
  CMD curl -fsS "http://127.0.0.1:${PORT:-8080}/healthz" || exit 1
CMD ["chartd", "serve"]
