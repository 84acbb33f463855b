#!/usr/bin/env bash
# Proves the container image without a Docker engine: rebuilds the Dockerfile's runtime stage
# faithfully (a minimal Debian bookworm root made by debootstrap, the runtime packages from
# deploy/runtime-packages.txt, the release binary and models/ at the same paths, the same
# non-root user, a read-only root with a tmpfs /tmp like the Kubernetes manifest), starts
# `depthd serve` inside it as that user, and checks it from outside over loopback:
# /healthz, /readyz, `depthd health` (the image's HEALTHCHECK), a real JPEG through
# POST /v1/depth (16-bit PNG and JSON), and a clean drain on SIGTERM (exit status 0).
#
# Usage: sudo deploy/container-smoke.sh [--rootfs-only]
#   --rootfs-only   build (or reuse) the cached root file system and check it, then stop;
#                   needs no depthd binary.
# Environment:
#   DEPTHD_BINARY   release binary built with --static-swift-stdlib
#                   (default .build/release/depthd; build it with
#                   `swift build -c release --static-swift-stdlib --product depthd`)
#   SMOKE_IMAGE     JPEG to send (default: the photo bundled with matplotlib in $DEPTHD_VENV, else .venv)
#   SMOKE_TIMEOUT   overall limit in seconds (default 900)
#   DEBIAN_MIRROR   archive for debootstrap (default http://deb.debian.org/debian)
#   SMOKE_CACHE     where the root file system tarball is cached (default deploy/.cache)
set -euo pipefail
cd "$(dirname "$0")/.."
REPO=$PWD

ROOTFS_ONLY=0
[ "${1:-}" = "--rootfs-only" ] && ROOTFS_ONLY=1

SUITE=bookworm
MIRROR=${DEBIAN_MIRROR:-http://deb.debian.org/debian}
CACHE=${SMOKE_CACHE:-$REPO/deploy/.cache}
BINARY=${DEPTHD_BINARY:-$REPO/.build/release/depthd}
TIMEOUT=${SMOKE_TIMEOUT:-900}
# Must match the Dockerfile's runtime stage.
APP_UID=10001
APP_DIR=/app
PORT=${SMOKE_PORT:-18080}

say() { printf 'container-smoke [%4ds]: %s\n' "$SECONDS" "$*"; }
fail() { say "FAIL: $*"; exit 1; }
remaining() { echo $((TIMEOUT - SECONDS)); }
check_time() { ((SECONDS < TIMEOUT)) || fail "over the ${TIMEOUT}s limit during: $1"; }

[ "$(id -u)" -eq 0 ] || fail "needs root (debootstrap, chroot, mount namespaces); run with sudo"
for tool in debootstrap unshare chroot curl; do
    command -v "$tool" >/dev/null || fail "missing $tool (scripts/install-deps.sh test installs it)"
done

# The runtime package list, comments and blank lines removed: the same parse as the Dockerfile.
mapfile -t PACKAGES < <(sed -e 's/#.*//' -e 's/[[:space:]]//g' -e '/^$/d' deploy/runtime-packages.txt)
((${#PACKAGES[@]})) || fail "deploy/runtime-packages.txt lists no packages"

WORK=$(mktemp -d "${TMPDIR:-/tmp}/depthd-smoke.XXXXXX")
SERVER_PID=""
cleanup() {
    # The server is PID 1 of its own PID namespace: killing it kills everything inside, and the
    # mounts go with the mount namespace when unshare exits. (--kill-child alone is not enough:
    # the parent-death signal is cleared when chroot --userspec changes the user.)
    if [ -n "$SERVER_PID" ] && kill -0 "$SERVER_PID" 2>/dev/null; then
        for child in $(cat "/proc/$SERVER_PID/task/$SERVER_PID/children" 2>/dev/null); do
            kill -KILL "$child" 2>/dev/null || true
        done
        kill -KILL "$SERVER_PID" 2>/dev/null || true
        wait "$SERVER_PID" 2>/dev/null || true
    fi
    # Mounts made while building the root live in their namespaces too; unmount defensively anyway.
    for m in proc sys dev; do mountpoint -q "$WORK/root/$m" 2>/dev/null && umount -l "$WORK/root/$m"; done
    rm -rf --one-file-system "$WORK"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

ROOT=$WORK/root
mkdir -p "$ROOT" "$CACHE"

# 1. The root file system: debootstrap minbase + the runtime packages, cached as a tarball keyed
#    by the package list, the suite and this script's build steps, so reruns take seconds.
key=$( { echo "$SUITE $MIRROR v1"; printf '%s\n' "${PACKAGES[@]}"; } | sha256sum | cut -c1-16)
TARBALL=$CACHE/rootfs-$SUITE-$key.tar.gz
if [ -f "$TARBALL" ]; then
    say "reusing cached root file system $TARBALL"
    tar -xzf "$TARBALL" -C "$ROOT"
else
    say "debootstrap --variant=minbase $SUITE from $MIRROR"
    t0=$SECONDS
    timeout "$(remaining)" debootstrap --variant=minbase "$SUITE" "$ROOT" "$MIRROR" \
        > "$WORK/debootstrap.log" 2>&1 || { tail -20 "$WORK/debootstrap.log"; fail "debootstrap"; }
    say "debootstrap took $((SECONDS - t0))s"
    t0=$SECONDS
    say "apt-get install ${PACKAGES[*]} (inside the root)"
    cp /etc/resolv.conf "$ROOT/etc/resolv.conf"
    # Its own mount namespace, so /proc and /dev mounted for the maintainer scripts vanish with it.
    timeout "$(remaining)" unshare --mount --fork -- sh -ec '
        mount -t proc proc "$1/proc"
        mount --rbind /dev "$1/dev"
        shift
        chroot "$0" env -i PATH=/usr/sbin:/usr/bin:/sbin:/bin DEBIAN_FRONTEND=noninteractive \
            sh -ec "apt-get update -qq && apt-get install -y -qq --no-install-recommends $*
                    apt-get clean && rm -rf /var/lib/apt/lists/*"
    ' "$ROOT" "$ROOT" "${PACKAGES[@]}" > "$WORK/apt.log" 2>&1 || { tail -20 "$WORK/apt.log"; fail "apt-get install"; }
    : > "$ROOT/etc/resolv.conf"
    say "package install took $((SECONDS - t0))s"
    if tar -czf "$TARBALL.tmp" -C "$ROOT" . 2>"$WORK/tar.log" && mv "$TARBALL.tmp" "$TARBALL"; then
        say "cached $TARBALL ($(du -h "$TARBALL" | cut -f1))"
    else
        rm -f "$TARBALL.tmp"
        say "warning: could not cache the root file system in $CACHE ($(tail -1 "$WORK/tar.log")); the next run rebuilds it"
    fi
fi
check_time "root file system"
for p in "${PACKAGES[@]}"; do
    chroot "$ROOT" dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" \
        || fail "package $p is not installed in the root"
done
say "root file system ready: $(du -sh --one-file-system "$ROOT" | cut -f1), packages: ${PACKAGES[*]}"

if ((ROOTFS_ONLY)); then
    say "PASS (--rootfs-only: root file system built and checked; no binary started)"
    exit 0
fi

# 2. The image's contents, at the Dockerfile's paths: binary, bundled models, non-root user.
[ -x "$BINARY" ] || fail "no binary at $BINARY; build it with: swift build -c release --static-swift-stdlib --product depthd"
ls "$REPO"/models/* >/dev/null 2>&1 || fail "models/ is empty: the image bundles the model from there"
install -m 0755 "$BINARY" "$ROOT/usr/local/bin/depthd"
mkdir -p "$ROOT$APP_DIR"
cp -r "$REPO/models" "$ROOT$APP_DIR/models"
cp "$REPO/Sources/DepthService/Resources/openapi.yaml" "$ROOT$APP_DIR/openapi.yaml"
chroot "$ROOT" groupadd --gid "$APP_UID" depthd
chroot "$ROOT" useradd --uid "$APP_UID" --gid "$APP_UID" --no-create-home \
    --home-dir /nonexistent --shell /usr/sbin/nologin depthd
missing=$(chroot "$ROOT" ldd /usr/local/bin/depthd | grep 'not found' || true)
[ -z "$missing" ] || fail "the binary needs libraries the runtime packages do not provide:
$missing
(add their packages to deploy/runtime-packages.txt)"
say "every shared library of the binary resolves inside the root"

# The container's environment, as in the Dockerfile (ENV lines).
RUN_ENV=(env -i PATH=/usr/local/bin:/usr/bin:/bin HOME=/nonexistent
         DEPTHD_HOST=127.0.0.1 DEPTHD_PORT="$PORT" DEPTHD_GRACE_PERIOD_S=25)

# 3. Start the service inside: own mount + PID namespace, read-only root, tmpfs /tmp, a minimal
#    /dev, /proc and read-only /sys, then chroot and drop to the non-root user. The network
#    namespace is the host's, so the checks below reach it over loopback like a published port.
say "starting depthd serve as uid $APP_UID on 127.0.0.1:$PORT (read-only root)"
unshare --mount --pid --fork --kill-child -- sh -ec '
    root=$1; uid=$2; dir=$3; shift 3
    mount --make-rprivate /
    mount --bind "$root" "$root"
    mount -o remount,bind,ro "$root"
    mount -t proc proc "$root/proc"
    mount -t sysfs -o ro sysfs "$root/sys" 2>/dev/null || mount --rbind -o ro /sys "$root/sys"
    mount -t tmpfs -o size=64m,mode=1777 tmpfs "$root/tmp"
    mount -t tmpfs -o mode=755 tmpfs "$root/dev"
    for d in null zero full random urandom; do
        touch "$root/dev/$d"; mount --bind "/dev/$d" "$root/dev/$d"
    done
    exec chroot --userspec="$uid:$uid" --groups="$uid" "$root" "$@" env -C "$dir" depthd serve
' sh "$ROOT" "$APP_UID" "$APP_DIR" "${RUN_ENV[@]}" > "$WORK/server.log" 2>&1 &
SERVER_PID=$!

url=http://127.0.0.1:$PORT
show_log() { say "server log (last 30 lines):"; tail -30 "$WORK/server.log" | sed 's/^/    /'; }

# 4. Checks from outside.
until curl -sf -o /dev/null "$url/healthz"; do
    kill -0 "$SERVER_PID" 2>/dev/null || { show_log; fail "depthd exited before answering /healthz"; }
    ((SECONDS < TIMEOUT)) || { show_log; fail "no /healthz answer within the limit"; }
    sleep 0.2
done
say "/healthz answers"

server=$(awk '{print $1}' "/proc/$SERVER_PID/task/$SERVER_PID/children" 2>/dev/null)
uid=$(awk '/^Uid:/ {print $2}' "/proc/$server/status" 2>/dev/null || echo "?")
[ "$uid" = "$APP_UID" ] || fail "the service runs as uid $uid, expected $APP_UID"
say "the service process ($server) runs as uid $uid"

t0=$SECONDS
until [ "$(curl -s -o /dev/null -w '%{http_code}' "$url/readyz")" = 200 ]; do
    kill -0 "$SERVER_PID" 2>/dev/null || { show_log; fail "depthd exited before it was ready"; }
    ((SECONDS < TIMEOUT)) || { show_log; fail "/readyz never answered 200"; }
    sleep 0.5
done
say "/readyz 200 after $((SECONDS - t0))s (model loaded, workers warmed up)"

chroot --userspec="$APP_UID:$APP_UID" "$ROOT" "${RUN_ENV[@]}" depthd health \
    || { show_log; fail "depthd health (the image's HEALTHCHECK) failed against the running service"; }
say "depthd health (HEALTHCHECK) passes"

IMAGE=${SMOKE_IMAGE:-}
if [ -z "$IMAGE" ]; then
    IMAGE=$("${DEPTHD_VENV:-$REPO/.venv}/bin/python" -c 'import matplotlib, os; print(os.path.join(matplotlib.get_data_path(), "sample_data", "grace_hopper.jpg"))' 2>/dev/null || true)
fi
[ -f "$IMAGE" ] || fail "no JPEG to send (set SMOKE_IMAGE)"

code=$(curl -s -o "$WORK/depth.png" -D "$WORK/depth.headers" -w '%{http_code}' \
    -H 'Content-Type: image/jpeg' --data-binary "@$IMAGE" "$url/v1/depth?format=png16")
[ "$code" = 200 ] || { cat "$WORK/depth.png"; echo; show_log; fail "POST /v1/depth answered $code"; }
grep -qi '^content-type: image/png' "$WORK/depth.headers" || fail "png16 answer is not image/png"
# PNG signature, then IHDR: width(4) height(4) bit depth(1) colour type(1) at byte 16.
[ "$(head -c 8 "$WORK/depth.png" | od -An -tx1 | tr -d ' \n')" = 89504e470d0a1a0a ] || fail "answer is not a PNG"
read -r w h <<<"$(od -An -tu1 -j16 -N8 "$WORK/depth.png" | awk '{print $1*16777216+$2*65536+$3*256+$4, $5*16777216+$6*65536+$7*256+$8}')"
read -r depth ctype <<<"$(od -An -tu1 -j24 -N2 "$WORK/depth.png")"
{ [ "$depth" = 16 ] && [ "$ctype" = 0 ]; } || fail "expected a 16-bit grayscale PNG, got bit depth $depth colour type $ctype"
say "POST /v1/depth (raw JPEG) -> 200, 16-bit grayscale PNG ${w}x${h}"

code=$(curl -s -o "$WORK/depth.json" -w '%{http_code}' -F "image=@$IMAGE;type=image/jpeg" "$url/v1/depth?format=json")
[ "$code" = 200 ] || { cat "$WORK/depth.json"; echo; fail "multipart POST /v1/depth?format=json answered $code"; }
grep -q '"unit"' "$WORK/depth.json" || fail "JSON answer has no unit"
say "POST /v1/depth (multipart, format=json) -> 200 ($(wc -c < "$WORK/depth.json") bytes)"

# 5. Drain: SIGTERM to the service must end it with status 0 within the grace period. As in a
#    container, depthd is PID 1 of its PID namespace, where the kernel ignores SIGTERM unless the
#    process handles it, so this also proves the handler is installed.
kill -TERM "$server"
t0=$SECONDS
while kill -0 "$SERVER_PID" 2>/dev/null; do
    ((SECONDS - t0 < 30)) || { show_log; fail "depthd did not exit within 30s of SIGTERM"; }
    sleep 0.2
done
status=0; wait "$SERVER_PID" || status=$?
SERVER_PID=""
[ "$status" = 0 ] || { show_log; fail "depthd exited with status $status after SIGTERM"; }
say "SIGTERM -> drained and exited 0 in $((SECONDS - t0))s"
say "PASS"
