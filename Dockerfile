# syntax=docker/dockerfile:1

# Build: a static binary (the embedded Temporal store is pure-Go SQLite).
FROM golang:1.26 AS build
WORKDIR /src
COPY go.mod go.sum ./
RUN --mount=type=cache,target=/go/pkg/mod go mod download
COPY . .
RUN --mount=type=cache,target=/go/pkg/mod \
    --mount=type=cache,target=/root/.cache/go-build \
    CGO_ENABLED=0 go build -trimpath -ldflags="-s -w" -o /zhucun ./cmd/zhucun

# Run: CA roots for HTTPS webhooks, tzdata for Asia/Shanghai deadlines,
# a Chinese TrueType font for the printable leave form (ZHUCUN_PDF_FONT).
FROM debian:bookworm-slim
RUN apt-get update \
    && apt-get install -y --no-install-recommends ca-certificates tzdata fonts-arphic-gbsn00lp \
    && rm -rf /var/lib/apt/lists/* \
    && useradd --system --uid 10001 --user-group --create-home --home-dir /var/lib/zhucun zhucun \
    && install -d -o zhucun -g zhucun -m 0750 /var/lib/zhucun/certs
COPY --from=build /zhucun /usr/local/bin/zhucun
USER zhucun
WORKDIR /var/lib/zhucun
EXPOSE 8080
ENTRYPOINT ["/usr/local/bin/zhucun"]
