# DropoutService gRPC server image.
#   docker build -t dropoutservice .
#   deploy/new-api-key.sh me admin        # prints a key; its hash goes to deploy/secrets/api-keys.json
#   docker run --rm -p 127.0.0.1:50051:50051 -v dropout-models:/data \
#     -v "$PWD/deploy/secrets/api-keys.json:/run/secrets/api_keys:ro" -e Auth__KeysFile=/run/secrets/api_keys dropoutservice
# Configuration is by environment variables only (ASP.NET Core's `Section__Key` form, e.g.
# `Limits__MaxBatchRows=1024`); see deploy/README.md. Listening on 0.0.0.0, the server refuses to
# start without credentials: mount a keys file and set Auth__KeysFile (compose and Kubernetes do).
#
# Platform defaults before the first FROM: BuildKit fills these in itself, but the legacy builder
# (and Testcontainers, which uses it) leaves them empty otherwise.
ARG BUILDPLATFORM=linux/amd64
ARG TARGETARCH=amd64

# ---- build: compiles on the build machine's platform, publishes for the target architecture ----
FROM --platform=$BUILDPLATFORM mcr.microsoft.com/dotnet/sdk:10.0 AS build
ARG TARGETARCH
WORKDIR /src

# Restore layer: only the files that decide the package graph, so a source edit reuses it.
COPY global.json Directory.Build.props Directory.Packages.props .editorconfig ./
COPY src/DropoutService.Engine/DropoutService.Engine.csproj src/DropoutService.Engine/
COPY src/DropoutService.Contracts/DropoutService.Contracts.csproj src/DropoutService.Contracts/
COPY src/DropoutService.Server/DropoutService.Server.csproj src/DropoutService.Server/
RUN dotnet restore src/DropoutService.Server/DropoutService.Server.csproj -a "$TARGETARCH"

# Source layer.
COPY protos/ protos/
COPY src/ src/
RUN dotnet publish src/DropoutService.Server/DropoutService.Server.csproj -c Release -a "$TARGETARCH" \
      --no-restore --self-contained false -p:UseAppHost=false -o /app

# ---- runtime ----
FROM mcr.microsoft.com/dotnet/aspnet:10.0 AS final

# The engine's native BLAS backend. The package registers libopenblas.so.0 through
# update-alternatives; the engine also probes the openblas-pthread directory itself.
RUN apt-get update \
 && DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends libopenblas0-pthread \
 && rm -rf /var/lib/apt/lists/* \
 && ls /usr/lib/*-linux-gnu/openblas-pthread/libopenblas.so.0

# The model store: created here so a new named volume inherits the app user's ownership.
RUN mkdir -p /data && chown "$APP_UID:$APP_UID" /data && chmod 0750 /data

WORKDIR /app
COPY --from=build /app ./

# Container defaults; every one can be overridden with -e / compose / a ConfigMap.
# ASPNETCORE_HTTP_PORTS is cleared: the server binds its own HTTP/2 (h2c) endpoint on Server__Port.
# DROPOUT_BLAS=openblas makes a missing OpenBLAS a start-up error instead of a silent slowdown.
ENV ASPNETCORE_HTTP_PORTS= \
    ASPNETCORE_ENVIRONMENT=Production \
    DROPOUT_BLAS=openblas \
    Logging__Format=json \
    Server__Address=0.0.0.0 \
    Server__Port=50051 \
    Store__Path=/data

# Provenance, last so a new value only adds a metadata layer (the tests pass a unique one to
# tell a fresh build from a stale tag).
ARG VCS_REF=unknown
LABEL org.opencontainers.image.title="DropoutService" \
      org.opencontainers.image.revision="$VCS_REF"

USER $APP_UID
VOLUME ["/data"]
# gRPC; Prometheus metrics (HTTP/1.1, /metrics) on Metrics__Port.
EXPOSE 50051 9464

# Asks the server's own grpc.health.v1 service over the loopback (the image has no grpc probe).
HEALTHCHECK --interval=10s --timeout=5s --start-period=30s --retries=3 \
  CMD ["dotnet", "/app/DropoutService.Server.dll", "--health-check"]

# Exec form: dotnet is PID 1 and receives SIGTERM itself (docker stop, Kubernetes), so the host's
# graceful shutdown runs: health NOT_SERVING, in-flight calls drain, trainings cancel unpublished.
STOPSIGNAL SIGTERM
ENTRYPOINT ["dotnet", "/app/DropoutService.Server.dll"]
