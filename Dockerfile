# syntax=docker/dockerfile:1
# depthd container image: a release build with the Swift standard library linked statically, on a
# slim Debian with only the runtime libraries (deploy/runtime-packages.txt), the bundled model and
# a non-root user. deploy/container-smoke.sh rebuilds this runtime stage without Docker and tests it.
#
#   docker build -t depthd .
#   docker run --rm -p 8080:8080 depthd
#   curl -F image=@photo.jpg 'http://localhost:8080/v1/depth?format=png16' -o depth.png

# ---- build ----
FROM swift:6.3.1-bookworm AS build
WORKDIR /src
# The build's C libraries, from the one list the quick start uses.
COPY scripts/install-deps.sh ./scripts/
RUN scripts/install-deps.sh serve && rm -rf /var/lib/apt/lists/*
# Dependencies first, so editing sources does not refetch them.
COPY Package.swift Package.resolved* ./
RUN swift package resolve
COPY Sources ./Sources
COPY Tests ./Tests
RUN swift build -c release --static-swift-stdlib --product depthd \
 && install -D -m 0755 "$(swift build -c release --show-bin-path)/depthd" /out/depthd

# ---- runtime ----
FROM debian:bookworm-slim AS runtime
# The same package list the container smoke script installs (comments and blank lines dropped).
COPY deploy/runtime-packages.txt /tmp/runtime-packages.txt
RUN apt-get update \
 && DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends \
      $(sed -e 's/#.*//' -e 's/[[:space:]]//g' -e '/^$/d' /tmp/runtime-packages.txt) \
 && rm -rf /var/lib/apt/lists/* /tmp/runtime-packages.txt
# A fixed uid/gid (also in deploy/kubernetes and deploy/container-smoke.sh) so runAsUser matches.
RUN groupadd --gid 10001 depthd \
 && useradd --uid 10001 --gid 10001 --no-create-home --home-dir /nonexistent \
      --shell /usr/sbin/nologin depthd
COPY --from=build /out/depthd /usr/local/bin/depthd
# /app/models is where depthd looks for its default model in the image (docs/configuration.md).
COPY models /app/models
# GET /openapi.yaml: depthd reads it at start-up from /app/openapi.yaml (docs/service.md).
COPY Sources/DepthService/Resources/openapi.yaml /app/openapi.yaml
WORKDIR /app
USER 10001:10001
ENV DEPTHD_HOST=0.0.0.0 \
    DEPTHD_PORT=8080 \
    DEPTHD_GRACE_PERIOD_S=25
EXPOSE 8080
# The binary checks the running service itself (on DEPTHD_PORT); the image carries no curl.
HEALTHCHECK --interval=10s --timeout=3s --start-period=60s --retries=3 CMD ["depthd", "health"]
# SIGTERM starts the drain (stop accepting, /readyz 503, finish in-flight requests);
# DEPTHD_GRACE_PERIOD_S bounds it; give it more than that: `docker stop -t 30`, or
# stop_grace_period in deploy/docker-compose.yaml.
STOPSIGNAL SIGTERM
ENTRYPOINT ["depthd"]
CMD ["serve"]
