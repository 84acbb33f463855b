#!/usr/bin/env bash
# libFuzzer targets over the module sources, built with swiftc directly (no Package.swift change,
# so an ordinary `swift build` / `swift test` is unaffected). Each target compiles one module's
# sources together with its harness in fuzz/ into .build-fuzz/<target>.
#
#   scripts/fuzz.sh build  [TARGET...]            build (default: all targets)
#   scripts/fuzz.sh replay [TARGET...]            run each committed corpus once (CI)
#   scripts/fuzz.sh run TARGET [RUNS] [SECONDS]   fuzz (default 1,000,000 runs or 1800 s, whichever
#                                                 first); new inputs go to .build-fuzz/corpus/TARGET,
#                                                 crashes to fuzz-artifacts/TARGET/
# Targets: http-parser, image-decode, png-encode, safetensors. FUZZ_OPT (default -O) is the Swift optimisation.
# FUZZ_CODECS=DIR links image-decode against instrumented libjpeg/libpng built by
# scripts/fuzz-codecs.sh (default: the system libraries, so coverage stops at our C layer).
set -euo pipefail
cd "$(dirname "$0")/.." || exit 2
export SWIFT_BACKTRACE=enable=no

ALL_TARGETS=(http-parser image-decode png-encode safetensors)
OUT=.build-fuzz
OPT=${FUZZ_OPT:--O}

build() {
    local target=$1 sources=() extra=() objects=()
    mkdir -p "$OUT/$target"
    case $target in
        http-parser)
            mapfile -t sources < <(find Sources/HTTPServer -name '*.swift' | sort)
            sources+=(fuzz/HTTPParserFuzz.swift) ;;
        image-decode|png-encode)
            mapfile -t sources < <(find Sources/ImageIO -name '*.swift' | sort)
            [ "$target" = image-decode ] && sources+=(fuzz/ImageDecodeFuzz.swift) || sources+=(fuzz/PNGEncodeFuzz.swift)
            # The C layer, instrumented too, behind a module map of our own.
            local modules="$OUT/$target/modules/CImageCodecs"
            mkdir -p "$modules"
            printf 'module CImageCodecs {\n    header "%s"\n    export *\n}\n' \
                "$PWD/Sources/CImageCodecs/include/CImageCodecs.h" > "$modules/module.modulemap"
            local codec_include=() codec_libs=(-ljpeg -lpng16)
            if [ -n "${FUZZ_CODECS:-}" ]; then
                codec_include=(-I"$FUZZ_CODECS/include")
                codec_libs=("$FUZZ_CODECS/lib/libjpeg.a" "$FUZZ_CODECS/lib/libpng16.a" -lz -lm)
            fi
            for c in Sources/CImageCodecs/*.c; do
                local object="$OUT/$target/$(basename "${c%.c}").o"
                clang -c -O1 -g -fsanitize=fuzzer-no-link,address "${codec_include[@]}" \
                    -ISources/CImageCodecs/include -ISources/CImageCodecs "$c" -o "$object"
                objects+=("$object")
            done
            extra=(-I "$OUT/$target/modules" "${codec_libs[@]}") ;;
        safetensors)
            mapfile -t sources < <(find Sources/DepthNet -name '*.swift' | sort)
            sources+=(fuzz/SafetensorsFuzz.swift)
            # DepthNet's kernels in C, behind a module map of our own (SwiftPM writes one for swift build).
            local modules="$OUT/$target/modules/CDirectConvolution"
            mkdir -p "$modules"
            printf 'module CDirectConvolution {\n    header "%s"\n    export *\n}\n' \
                "$PWD/Sources/CDirectConvolution/include/direct_convolution.h" > "$modules/module.modulemap"
            for c in Sources/CDirectConvolution/*.c; do
                local object="$OUT/$target/$(basename "${c%.c}").o"
                clang -c -O2 -g -fsanitize=fuzzer-no-link,address -ISources/CDirectConvolution/include "$c" -o "$object"
                objects+=("$object")
            done
            extra=(-I Sources/CBLAS -I "$OUT/$target/modules") ;;
        *) echo "fuzz.sh: unknown target $target (one of: ${ALL_TARGETS[*]})" >&2; exit 2 ;;
    esac
    echo "fuzz.sh: building $target"
    swiftc -sanitize=fuzzer,address -use-ld=lld -parse-as-library "$OPT" -g -module-name "Fuzz${target//-/_}" \
        "${extra[@]}" "${sources[@]}" "${objects[@]}" -o "$OUT/$target/fuzz"
}

targets() { if [ $# -eq 0 ]; then echo "${ALL_TARGETS[@]}"; else echo "$@"; fi; }

command=${1:-}
shift || true
case $command in
    build)
        for target in $(targets "$@"); do build "$target"; done ;;
    replay)
        for target in $(targets "$@"); do
            build "$target"
            count=$(find "fuzz/corpus/$target" -type f | wc -l)
            echo "fuzz.sh: replaying $count inputs of fuzz/corpus/$target"
            # -runs=0 executes every corpus input once; a crash makes the fuzzer exit non-zero.
            status=0
            log=$("$OUT/$target/fuzz" -runs=0 "fuzz/corpus/$target" 2>&1) || status=$?
            grep -E 'INFO: seed corpus|Done|ERROR|SUMMARY|Fatal error' <<< "$log" || true
            [ "$status" -eq 0 ] || { echo "fuzz.sh: $target crashed on its corpus" >&2; exit 1; }
            echo "fuzz.sh: $target corpus replay passed"
        done ;;
    run)
        target=${1:?target}; runs=${2:-1000000}; seconds=${3:-1800}
        build "$target"
        mkdir -p "$OUT/corpus/$target" "fuzz-artifacts/$target"
        dict=(); [ -f "fuzz/$target.dict" ] && dict=(-dict="fuzz/$target.dict")
        "$OUT/$target/fuzz" "${dict[@]}" -runs="$runs" -max_total_time="$seconds" -max_len=4096 \
            -print_final_stats=1 -artifact_prefix="fuzz-artifacts/$target/" \
            "$OUT/corpus/$target" "fuzz/corpus/$target" ;;
    *)
        sed -n '2,11p' "$0" >&2; exit 2 ;;
esac
