#!/usr/bin/env bash
# Builds libjpeg-turbo and libpng from Debian's own sources with libFuzzer coverage and
# AddressSanitizer, so that `FUZZ_CODECS=.build-fuzz/codecs scripts/fuzz.sh run image-decode`
# sees (and checks) inside the codecs, not only our C layer. Optional: the CI replay and the
# default fuzz build link the system libraries.
#
#   scripts/fuzz-codecs.sh LIBJPEG_TURBO_SRC LIBPNG_SRC
# Getting the sources (needs a deb-src entry for bookworm, and cmake):
#   apt-get source libjpeg-turbo libpng1.6     (unpacks libjpeg-turbo-2.1.5/ and libpng1.6-1.6.39/)
set -euo pipefail
jpeg_src=$(realpath "${1:?libjpeg-turbo source directory}")
png_src=$(realpath "${2:?libpng source directory}")
cd "$(dirname "$0")/.." || exit 2
command -v cmake > /dev/null || { echo "fuzz-codecs.sh: needs cmake (apt-get install -y cmake)" >&2; exit 2; }
out=$PWD/.build-fuzz/codecs
flags="-O1 -g -fsanitize=fuzzer-no-link,address"
mkdir -p "$out/include" "$out/lib" "$out/jpeg-build" "$out/png-build"

(cd "$out/jpeg-build" &&
    CC=clang CFLAGS="$flags" cmake "$jpeg_src" -DWITH_SIMD=0 -DENABLE_SHARED=0 -DWITH_TURBOJPEG=0 \
        -DCMAKE_POSITION_INDEPENDENT_CODE=1 > cmake.log &&
    make -j2 jpeg-static > make.log)
cp "$out/jpeg-build/libjpeg.a" "$out/lib/"
cp "$out/jpeg-build/jconfig.h" "$jpeg_src/jpeglib.h" "$jpeg_src/jmorecfg.h" "$jpeg_src/jerror.h" "$out/include/"

(cd "$out/png-build" &&
    CC=clang CFLAGS="$flags" "$png_src/configure" --disable-shared --enable-static > configure.log &&
    make -j2 libpng16.la > make.log)
cp "$out/png-build/.libs/libpng16.a" "$out/lib/"
cp "$png_src/png.h" "$png_src/pngconf.h" "$out/png-build/pnglibconf.h" "$out/include/"
echo "fuzz-codecs.sh: instrumented codecs in $out (use FUZZ_CODECS=$out scripts/fuzz.sh ...)"
