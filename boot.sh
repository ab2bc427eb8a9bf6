#! /bin/sh
# Generates our top-level configure.  Upstream's own build files are
# regenerated later, by build-aux/prepare-upstream, once the pinned
# tarball has been unpacked and patched into the build tree.
set -e
cd "$(dirname "$0")"
autoreconf --install --force
