# chartd image: build with the same setup script CI runs, ship only runtime libraries.
FROM debian:bookworm-slim AS build
WORKDIR /src
COPY scripts/setup.sh scripts/setup.sh
RUN ./scripts/setup.sh && rm -rf /var/lib/apt/lists/*
COPY . .
RUN cmake -S . -B build -DCMAKE_BUILD_TYPE=Release && cmake --build build -j"$(nproc)" \
 && build/chartd check

FROM debian:bookworm-slim
RUN apt-get update -qq \
 && apt-get install -y -qq --no-install-recommends \
      liblua5.4-0 lua-cjson libwebsockets17 libcurl4 ca-certificates \
      libcairo2 libpango-1.0-0 libpangocairo-1.0-0 libpng16-16 curl \
      fonts-dejavu-core fonts-noto-cjk fonts-noto-color-emoji \
 && rm -rf /var/lib/apt/lists/* \
 && useradd --system --home /app --shell /usr/sbin/nologin chartd
WORKDIR /app
COPY --from=build /src/build/chartd /usr/local/bin/chartd
COPY lua lua
COPY prompts prompts
COPY themes themes
COPY web web
ENV CHARTD_HOME=/app APP_ENV=production WEBSOCKET_PORT=8080
USER chartd
EXPOSE 8080
HEALTHCHECK --interval=15s --timeout=3s --start-period=10s \
  CMD curl -fsS "http://127.0.0.1:${PORT:-8080}/healthz" || exit 1
CMD ["chartd", "serve"]
