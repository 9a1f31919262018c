#!/bin/sh
# Builds the Dovecot CPM image without any registry:
#   1. debootstrap a minimal Debian bookworm root filesystem holding dovecot-imapd, dovecot-auth-lua and the Lua
#      interpreter the entry script renders the configuration with, brought up to date from bookworm-security;
#   2. `docker import` it as the base image cpm-conformance/dovecot-base:<hash>;
#   3. `docker build` fixtures/targets/dovecot-image/Dockerfile on top of it (build arg BASE swaps its FROM).
#
#   scripts/docker/build-dovecot-image.sh            prints the image reference (last line of stdout)
#
# Exit status: 0 built or cached; 2 a step failed; 3 a prerequisite is missing (Docker CLI or engine, debootstrap,
# root for a cold build).
#
# Cached twice. The root filesystem tarball is kept in $CPM_CACHE_DIR (default /var/cache/cpm-conformance) under
# a hash of what goes into it (suite, packages, mirror, the base recipe below); the base image is tagged with the
# same hash and is not re-imported while it exists. The final image is tagged <repo>:<hash of the base image id
# and every file copied into it> and <repo>:local; when that tag exists nothing is built. Older tags are removed.
# Every step is bounded (debootstrap 300 s, upgrade 240 s, import and build 120 s each).
# Environment: CPM_DOVECOT_IMAGE_REPO (default cpm-conformance/dovecot), CPM_CACHE_DIR, CPM_DEBIAN_MIRROR
# (default http://deb.debian.org/debian), CPM_DEBIAN_SECURITY_MIRROR (default http://deb.debian.org/debian-security),
# DOCKER (default docker). Debootstrap needs root.
set -eu

here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
repo=${CPM_DOVECOT_IMAGE_REPO:-cpm-conformance/dovecot}
base_repo=$repo-base
docker=${DOCKER:-docker}
mirror=${CPM_DEBIAN_MIRROR:-http://deb.debian.org/debian}
security_mirror=${CPM_DEBIAN_SECURITY_MIRROR:-http://deb.debian.org/debian-security}
cache=${CPM_CACHE_DIR:-/var/cache/cpm-conformance}
suite=bookworm
# lua5.4 + lua-cjson: the entry script's renderer (render.lua); Dovecot 2.3.19 in bookworm links Lua 5.4 too.
packages=dovecot-imapd,dovecot-auth-lua,lua5.4,lua-cjson
image_dir=fixtures/targets/dovecot-image
dovecot_dir=fixtures/targets/dovecot
# Everything the Dockerfile copies (paths relative to the project root, which is the build context).
context_files="$image_dir/Dockerfile $image_dir/entry.sh $image_dir/render.lua $dovecot_dir/dovecot.conf.template $dovecot_dir/auth.lua $dovecot_dir/push.lua"
# Bump when the base recipe (debootstrap_rootfs below) changes meaning: it is part of the base hash.
base_recipe=1

cd "$root"

say() { echo "build-dovecot-image: $*" >&2; }
die() { say "$*"; exit 2; }
# A missing prerequisite (no engine, no debootstrap, not root) is exit 3, so that tests can tell it from a failure.
missing() { say "$*"; exit 3; }
bounded() { secs=$1; shift; timeout --kill-after=10 "$secs" "$@"; }

command -v "$docker" >/dev/null 2>&1 || missing "no docker CLI ($docker); install docker.io"
bounded 20 "$docker" info >/dev/null 2>&1 || missing "no Docker engine reachable: start dockerd, or set DOCKER_HOST"

# One build at a time on this machine (test files run in parallel and may all ask for the image).
exec 9>"${TMPDIR:-/tmp}/cpm-dovecot-image.lock"
flock -w 900 9 || die "another build still holds ${TMPDIR:-/tmp}/cpm-dovecot-image.lock after 900 s"

work=$(mktemp -d "${TMPDIR:-/tmp}/cpm-dovecot-image.XXXXXX")
cleanup() {
  # A chroot step interrupted half-way may leave /proc mounted inside the root filesystem.
  if [ -d "$work/rootfs/proc" ]; then umount "$work/rootfs/proc" 2>/dev/null || true; fi
  rm -rf "$work"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

base_hash=$(printf '%s\n' "$base_recipe" "$suite" "$packages" "$mirror" "$security_mirror" "$(uname -m)" | sha256sum | cut -c1-16)
base_image="$base_repo:$base_hash"
tarball="$cache/dovecot-rootfs-$base_hash.tar"

debootstrap_rootfs() {
  fs=$1
  command -v debootstrap >/dev/null 2>&1 || missing "debootstrap not found: apt-get install -y debootstrap"
  [ "$(id -u)" = 0 ] || missing "debootstrap needs root"
  say "debootstrap $suite ($packages) from $mirror"
  bounded 300 debootstrap --variant=minbase --include="$packages" "$suite" "$fs" "$mirror" >"$work/debootstrap.log" 2>&1 \
    || { tail -n 20 "$work/debootstrap.log" >&2; die "debootstrap failed (log above)"; }
  # Security updates (debootstrap installs from the release suite only). No service may start in the chroot.
  printf 'deb %s %s main\ndeb %s %s-updates main\ndeb %s %s-security main\n' \
    "$mirror" "$suite" "$mirror" "$suite" "$security_mirror" "$suite" >"$fs/etc/apt/sources.list"
  printf '#!/bin/sh\nexit 101\n' >"$fs/usr/sbin/policy-rc.d"
  chmod 755 "$fs/usr/sbin/policy-rc.d"
  cp /etc/resolv.conf "$fs/etc/resolv.conf"
  mount -t proc proc "$fs/proc"
  say "security upgrade"
  bounded 240 chroot "$fs" /bin/sh -c 'export DEBIAN_FRONTEND=noninteractive; apt-get -q update && apt-get -q -y upgrade && apt-get clean' \
    >"$work/upgrade.log" 2>&1 || { umount "$fs/proc"; tail -n 20 "$work/upgrade.log" >&2; die "security upgrade failed (log above)"; }
  umount "$fs/proc"
  # The image needs neither package lists, documentation, locales nor the system's own Dovecot configuration
  # (the entry script writes a complete one to /etc/cpm).
  rm -rf "$fs/var/lib/apt/lists"/* "$fs/var/cache/apt"/*.bin "$fs/var/cache/debconf"/*-old \
    "$fs/usr/share/doc" "$fs/usr/share/man" "$fs/usr/share/info" "$fs/usr/share/locale" "$fs/var/log"/*.log \
    "$fs/usr/sbin/policy-rc.d" "$fs/etc/resolv.conf"
  : >"$fs/etc/resolv.conf"
  # Fixed facts for reproducible content: no machine id, no host name of this machine.
  : >"$fs/etc/machine-id"
  echo cpm-dovecot >"$fs/etc/hostname"
}

# 1-2. Base image: from the cached tarball, else from a fresh debootstrap.
if "$docker" image inspect "$base_image" >/dev/null 2>&1; then
  say "base image cached: $base_image"
else
  if [ ! -s "$tarball" ]; then
    mkdir -p "$cache" || die "cannot create the cache directory $cache (set CPM_CACHE_DIR)"
    debootstrap_rootfs "$work/rootfs"
    tar --numeric-owner -C "$work/rootfs" -cf "$work/rootfs.tar" .
    mv "$work/rootfs.tar" "$tarball"
    rm -rf "$work/rootfs"
    for old in "$cache"/dovecot-rootfs-*.tar; do [ "$old" = "$tarball" ] || rm -f "$old"; done
    say "root filesystem cached in $tarball ($(du -sh "$tarball" | cut -f1))"
  else
    say "root filesystem from the cache: $tarball"
  fi
  bounded 120 "$docker" import -c 'CMD ["/bin/bash"]' -m "Debian $suite minbase with $packages (recipe $base_recipe)" \
    "$tarball" "$base_image" >/dev/null || die "docker import of $tarball failed"
  for old in $("$docker" image ls "$base_repo" --format '{{.Repository}}:{{.Tag}}'); do
    [ "$old" = "$base_image" ] || "$docker" rmi "$old" >/dev/null 2>&1 || true
  done
fi

# 3. The image: content hash of the base and of every file the Dockerfile copies.
for f in $context_files; do [ -f "$f" ] || die "missing $f"; done
base_id=$("$docker" image inspect --format '{{.Id}}' "$base_image")
hash=$( {
  echo "$base_id"
  # shellcheck disable=SC2086 # a list of paths
  sha256sum $context_files "$0" | awk '{ print $1 }'
} | sha256sum | cut -c1-16)
image="$repo:$hash"

if "$docker" image inspect "$image" >/dev/null 2>&1; then
  "$docker" tag "$image" "$repo:local"
  say "cached $image"
  echo "$repo:local"
  exit 0
fi

# A small context holding only the copied files, at their project paths (the legacy builder would otherwise send
# the whole project; BuildKit users get the same effect from Dockerfile.dockerignore).
ctx="$work/context"
for f in $context_files; do
  mkdir -p "$ctx/$(dirname "$f")"
  cp "$f" "$ctx/$f"
done
DOCKER_BUILDKIT=0 bounded 120 "$docker" build -q --network host --build-arg "BASE=$base_image" \
  -f "$ctx/$image_dir/Dockerfile" -t "$image" "$ctx" >"$work/build.log" 2>&1 \
  || { tail -n 30 "$work/build.log" >&2; die "docker build failed (log above)"; }

# Smoke test: the renderer and Dovecot's configuration parser agree on a sample configuration, no network.
bounded 60 "$docker" run --rm --network none -e CPM_IMAP_PORT=14143 "$image" check >"$work/check.log" 2>&1 \
  || { cat "$work/check.log" >&2; "$docker" rmi "$image" >/dev/null 2>&1 || true; die "the configuration check failed inside $image"; }

"$docker" tag "$image" "$repo:local"
for old in $("$docker" image ls "$repo" --format '{{.Repository}}:{{.Tag}}'); do
  case "$old" in "$image" | "$repo:local") ;; *) "$docker" rmi "$old" >/dev/null 2>&1 || true ;; esac
done
say "built $image ($("$docker" image inspect --format '{{.Size}}' "$image" | awk '{ printf "%.0f MB", $1 / 1e6 }'))"
echo "$repo:local"
