#!/bin/sh
# Builds the reference-store image without any registry: a root filesystem holding the host's `node` binary,
# the shared libraries `ldd` lists for it and one esbuild bundle of fixtures/targets/reference-image/entry.ts,
# imported with `docker import`.
#
#   scripts/docker/build-reference-image.sh            prints the image reference (last line of stdout)
#
# Cached by content: the image is tagged <repo>:<hash of node, libraries, bundle and this script>; when that
# tag exists nothing is built, and <repo>:local is (re)pointed at it. Older content tags are removed.
# Environment: CPM_REFERENCE_IMAGE_REPO (default cpm-conformance/reference-store), NODE (default: node in PATH),
# DOCKER (default docker).
set -eu

here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
repo=${CPM_REFERENCE_IMAGE_REPO:-cpm-conformance/reference-store}
docker=${DOCKER:-docker}
node_bin=$(readlink -f "$(command -v "${NODE:-node}")")
esbuild="$root/node_modules/.bin/esbuild"
# Relative, and run from the project root: the bundle's path comments (and so the content hash) do not depend
# on where the script is called from.
entry=fixtures/targets/reference-image/entry.ts

cd "$root"

say() { echo "build-reference-image: $*" >&2; }
die() { say "$*"; exit 2; }

command -v "$docker" >/dev/null 2>&1 || die "no docker CLI ($docker); install docker.io"
"$docker" info >/dev/null 2>&1 || die "no Docker engine reachable: start dockerd, or set DOCKER_HOST"
[ -x "$esbuild" ] || die "esbuild not found at $esbuild; run npm ci"
[ -x "$node_bin" ] || die "node not found"

work=$(mktemp -d "${TMPDIR:-/tmp}/cpm-reference-image.XXXXXX")
trap 'rm -rf "$work"' EXIT INT TERM

# 1. One ES module holding the store and its only package dependency (libmime, CommonJS: the banner gives the
#    bundle a `require` for the built-in modules libmime asks for).
"$esbuild" "$entry" --bundle --platform=node --format=esm --target=node20 --legal-comments=none --log-level=warning \
  --banner:js="import { createRequire as __cpmCreateRequire } from 'node:module'; const require = __cpmCreateRequire(import.meta.url);" \
  --outfile="$work/entry.mjs"

# 2. The dynamic loader and libraries node links against (resolved through symlinks, kept at their listed paths).
libs=$(ldd "$node_bin" | awk '$2 == "=>" && $3 ~ /^\// { print $3 } $1 ~ /^\// { print $1 }' | sort -u)
[ -n "$libs" ] || die "ldd listed no libraries for $node_bin (a static node? then none are needed, but check)"

# 3. Content hash: what ends up in the image, plus how it is assembled.
hash=$( {
  sha256sum "$node_bin" "$work/entry.mjs" "$0" | awk '{ print $1 }'
  for l in $libs; do echo "$l $(sha256sum "$(readlink -f "$l")" | awk '{ print $1 }')"; done
} | sha256sum | cut -c1-16)
image="$repo:$hash"

if "$docker" image inspect "$image" >/dev/null 2>&1; then
  "$docker" tag "$image" "$repo:local"
  say "cached $image"
  echo "$repo:local"
  exit 0
fi

# 4. The root filesystem: node, its libraries, the bundle, a writable /tmp, and a passwd entry for the user.
fs="$work/rootfs"
mkdir -p "$fs/usr/local/bin" "$fs/app" "$fs/tmp" "$fs/etc"
cp "$node_bin" "$fs/usr/local/bin/node"
for l in $libs; do
  mkdir -p "$fs$(dirname "$l")"
  cp -L "$l" "$fs$l"
done
cp "$work/entry.mjs" "$fs/app/entry.mjs"
chmod 1777 "$fs/tmp"
printf 'root:x:0:0:root:/:/usr/sbin/nologin\nnobody:x:65534:65534:nobody:/nonexistent:/usr/sbin/nologin\n' >"$fs/etc/passwd"
printf 'root:x:0:\nnogroup:x:65534:\n' >"$fs/etc/group"
tar --sort=name --owner=0 --group=0 --numeric-owner --mtime=@0 -C "$fs" -cf "$work/rootfs.tar" .

"$docker" import \
  -c 'ENV PATH=/usr/local/bin' \
  -c 'ENV NODE_ENV=production' \
  -c 'WORKDIR /app' \
  -c 'USER 65534:65534' \
  -c 'CMD ["/usr/local/bin/node", "/app/entry.mjs"]' \
  -m "cpm-conformance reference store (content $hash)" \
  "$work/rootfs.tar" "$image" >/dev/null

# 5. Smoke test: the binary runs inside (libraries complete), no network needed.
"$docker" run --rm --network none --entrypoint /usr/local/bin/node "$image" -e 'process.exit(0)' \
  || { "$docker" rmi "$image" >/dev/null 2>&1 || true; die "node does not start inside $image"; }

"$docker" tag "$image" "$repo:local"
for old in $("$docker" image ls "$repo" --format '{{.Repository}}:{{.Tag}}'); do
  case "$old" in "$image" | "$repo:local") ;; *) "$docker" rmi "$old" >/dev/null 2>&1 || true ;; esac
done
say "built $image ($(du -sh "$work/rootfs.tar" | cut -f1) root filesystem)"
echo "$repo:local"
