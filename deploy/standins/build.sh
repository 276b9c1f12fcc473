#!/usr/bin/env bash
# Builds the stand-in images of deploy/standins/Dockerfile where no image registry is
# reachable: a minimal Debian bookworm root filesystem from the host's own apt sources
# (mmdebstrap; kept in .tools/standins/ and imported once), then each stand-in FROM it.
# Needs DOCKER_HOST (deploy/docker/engine.sh up prints it) and `docker compose`.
set -euo pipefail
ROOT="$(cd "$(dirname "$0")/../.." && pwd)"
CACHE="$ROOT/.tools/standins"
BASE=sidebyside-standin/debian:bookworm
SOURCES=/etc/apt/sources.list.d/debian.sources

log() { printf 'standins: %s\n' "$*" >&2; }

if ! docker image inspect "$BASE" >/dev/null 2>&1; then
    mkdir -p "$CACHE"
    if [ ! -s "$CACHE/bookworm-minbase.tar" ]; then
        command -v mmdebstrap >/dev/null || apt-get install -y -q mmdebstrap >/dev/null \
            || { apt-get update -q >/dev/null && apt-get install -y -q mmdebstrap >/dev/null; }
        [ -r "$SOURCES" ] || { log "no $SOURCES to build from"; exit 1; }
        log "building a minimal bookworm root filesystem (mmdebstrap)"
        mmdebstrap --quiet --variant=minbase --format=tar bookworm "$CACHE/bookworm-minbase.tar.part" "$SOURCES"
        mv "$CACHE/bookworm-minbase.tar.part" "$CACHE/bookworm-minbase.tar"
    fi
    docker import --change 'CMD ["bash"]' "$CACHE/bookworm-minbase.tar" "$BASE" >/dev/null
fi

# The emulator and the healthcheck's client at the versions uv.lock pins.
read -r NX_27017_VERSION PYMONGO_VERSION < <("$ROOT/.venv/bin/python" - "$ROOT/uv.lock" <<'PY'
import sys, tomllib
packages = {p["name"]: p["version"] for p in tomllib.load(open(sys.argv[1], "rb"))["package"]}
print(packages["nx-27017"], packages["pymongo"])
PY
)
export NX_27017_VERSION PYMONGO_VERSION DEBIAN_IMAGE="$BASE" COMPOSE_BAKE=false
log "building the stand-ins FROM $BASE"
docker compose -f "$ROOT/deploy/standins/compose.build.yaml" build --quiet "$@"
