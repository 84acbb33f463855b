"""Reads the files scripts/bench-server.sh wrote into WORK (wrk outputs, memory, layout, engine
JSON, one answer PNG from each server) and prints the comparison table with ratios."""
from __future__ import annotations

import argparse
import json
import re
import statistics
from pathlib import Path

import numpy as np
from PIL import Image

UNITS = {"us": 1e-3, "ms": 1.0, "s": 1e3, "m": 60e3}


def wrk(path: Path) -> dict | None:
    """requests/s, p50/p99 in ms, total and non-2xx counts from one `wrk --latency` output."""
    if not path.exists():
        return None
    text = path.read_text()
    result = {"rps": float(re.search(r"Requests/sec:\s+([\d.]+)", text).group(1))}
    for pct in ("50", "99"):
        match = re.search(rf"^\s+{pct}(?:\.000)?%\s+([\d.]+)(us|ms|s|m)\s*$", text, re.M)
        result[f"p{pct}"] = float(match.group(1)) * UNITS[match.group(2)] if match else float("nan")
    total = re.search(r"(\d+) requests in", text)
    result["requests"] = int(total.group(1)) if total else 0
    non2xx = re.search(r"Non-2xx or 3xx responses:\s+(\d+)", text)
    result["non2xx"] = int(non2xx.group(1)) if non2xx else 0
    # Successful answers per second (a 503 from a full queue is fast but is no answer).
    result["ok_rps"] = result["rps"] * (1 - result["non2xx"] / result["requests"]) if result["requests"] else 0.0
    errors = re.search(r"Socket errors:(.*)", text)
    result["socket_errors"] = errors.group(1).strip() if errors else ""
    return result


def ratio(a: float, b: float) -> str:
    return f"{a / b:.2f}x" if b else "n/a"


def codec_ms(text: str, stage: str) -> float:
    """The fast column of one stage's row in `depthd-bench codecs` output (this thread's CPU ms)."""
    match = re.search(rf"^\s+{re.escape(stage)}\s+([\d.]+)", text, re.M)
    if not match:
        raise SystemExit(f"bench_server_report: no '{stage}' row in the codec benchmark's output")
    return float(match.group(1))


def answer_cpu(w: Path, engine1: dict, best_engine: dict) -> None:
    """Where an answer's CPU goes, and the ceiling the image work alone sets on concurrency 4 /
    engine: with HTTP, sockets and threads free, an answer still costs a prediction plus its image
    work, so on cores the engine keeps busy the service answers at most model / (model + image
    work) of the engine's rate, whichever batch that rate was measured at."""
    ticks = dict(line.split() for line in (w / "cpu-ticks").read_text().strip().split("\n"))
    codecs = (w / "codecs.txt").read_text()
    decode, png16 = codec_ms(codecs, "decode"), codec_ms(codecs, "= png16 answer")
    image, model = decode + png16, engine1["cpu_ms_per_prediction"]
    print("\nwhere an answer's CPU goes, ms (depthd: its user + system CPU over each run / answers; model: the engine "
          "alone, batch 1, CPU per prediction; image work: decode + png16 answer, depthd-bench codecs, one thread, best of 20)")
    print("| concurrency | depthd per answer | model | image work | the rest: HTTP, sockets, threads, the model beside image work |")
    print("|---|---|---|---|---|")
    for c in (1, 4, 16):
        run = wrk(w / f"depthd-c{c}.wrk")
        per_answer = int(ticks[f"depthd-c{c}"]) * 1e3 / int(ticks["clk_tck"]) / max(run["requests"], 1)
        print(f"| {c} | {per_answer:.2f} | {model:.2f} | {image:.2f} ({decode:.2f} + {png16:.2f}) | "
              f"{per_answer - model - image:.2f} |")
    for name, engine in (("at batch 1", engine1), ("at its best batch (the figure above)", best_engine)):
        cost = engine["cpu_ms_per_prediction"]
        print(f"ceiling on concurrency 4 / the engine {name}, with the rest free: {cost:.2f} / ({cost:.2f} + {image:.2f}) "
              f"= {cost / (cost + image):.0%}")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("work", type=Path)
    parser.add_argument("--model", required=True)
    parser.add_argument("--seconds", required=True)
    args = parser.parse_args()
    w = args.work

    memory = {}
    for line in (w / "memory").read_text().split("\n"):
        if line.strip():
            kind, server, kib = line.split()
            memory[(kind, server)] = int(kib) / 1024
    layout = dict(line.split() for line in (w / "layout").read_text().strip().split("\n"))
    engine4 = json.loads((w / "engine-batch4.json").read_text())
    engine1 = json.loads((w / "engine-batch1.json").read_text())
    mean_batch = float(layout.get("depthd_model_batch_size_sum", 0)) / max(1.0, float(layout.get("depthd_model_batch_size_count", 1)))

    print(f"\nmodel {args.model}; {args.seconds} s per run; depthd: {layout['depthd_model_workers']} worker(s), "
          f"queue {layout['depthd_model_queue_capacity']} (its defaults for this machine); reference: FastAPI/uvicorn, 1 process, torch threads = cores")
    print("\nPOST /v1/depth, 640x480 JPEG -> png16 at 640x480 (wrk, keep-alive; 200/s counts answers, not 503s)")
    print("| concurrency | depthd 200/s | p50 ms | p99 ms | non-2xx | reference 200/s | p50 ms | p99 ms | non-2xx | throughput depthd/ref | p99 depthd/ref |")
    print("|---|---|---|---|---|---|---|---|---|---|---|")
    for c in (1, 4, 16):
        d, r = wrk(w / f"depthd-c{c}.wrk"), wrk(w / f"reference-c{c}.wrk")
        print(f"| {c} | {d['ok_rps']:.2f} | {d['p50']:.1f} | {d['p99']:.1f} | {d['non2xx']} | {r['ok_rps']:.2f} | {r['p50']:.1f} | "
              f"{r['p99']:.1f} | {r['non2xx']} | {ratio(d['ok_rps'], r['ok_rps'])} | {ratio(d['p99'], r['p99'])} |")

    print("\nengine only (depthd-bench throughput, the service's workers and BLAS threads, no HTTP/decode/encode)")
    print(f"| batch | predictions/s |\n|---|---|\n| 1 | {engine1['predictions_per_second']:.2f} |\n| 4 | {engine4['predictions_per_second']:.2f} |")
    best_engine = max(engine1, engine4, key=lambda e: e["predictions_per_second"])
    best = best_engine["predictions_per_second"]
    for c in (4, 16):
        d = wrk(w / f"depthd-c{c}.wrk")
        print(f"depthd at concurrency {c}: {d['ok_rps']:.2f} answers/s = {d['ok_rps'] / best:.0%} of the engine's best "
              f"({best:.2f}/s): HTTP + decode + encode cost {1 - d['ok_rps'] / best:.0%} of throughput")
    print(f"mean model batch size over the depthd runs: {mean_batch:.2f}")
    answer_cpu(w, engine1, best_engine)

    layouts = (w / "layouts").read_text().split() if (w / "layouts").exists() else []
    if layouts:
        print("\nlayouts (workers x BLAS threads; image threads = cores): 200 answers/s, and concurrency 4 against "
              "the engine alone in the same layout (depthd-bench throughput, batch 1)")
        print("| layout | c=1 200/s | c=4 200/s | c=16 200/s | p99 ms at 16 | non-2xx | engine pred/s | c=4 / engine |")
        print("|---|---|---|---|---|---|---|---|")
        rows = [(f"default ({layout['depthd_model_workers']} workers, adaptive)", "depthd", engine1)]
        rows += [(name, f"layout-{name}", json.loads((w / f"engine-layout-{name}.json").read_text())) for name in layouts]
        for name, prefix, engine in rows:
            runs = [wrk(w / f"{prefix}-c{c}.wrk") for c in (1, 4, 16)]
            rate = engine["predictions_per_second"]
            print(f"| {name} | {runs[0]['ok_rps']:.2f} | {runs[1]['ok_rps']:.2f} | {runs[2]['ok_rps']:.2f} | {runs[2]['p99']:.1f} | "
                  f"{sum(r['non2xx'] for r in runs)} | {rate:.2f} | {runs[1]['ok_rps'] / rate:.0%} |")

    on4, on16 = wrk(w / "batch4-c4.wrk"), wrk(w / "batch4-c16.wrk")
    if on4 and on16:
        print("\nmicro-batching on (DEPTHD_MAX_BATCH=4, wait 2 ms) vs the default, off (DEPTHD_MAX_BATCH=1)")
        print("(200 answers per second; each queue depth is derived from its max batch: max(16, 4 x workers x max batch))")
        print("| concurrency | on 200/s | on p99 ms | on non-2xx | off 200/s | off p99 ms | off non-2xx | on/off throughput |\n|---|---|---|---|---|---|---|---|")
        for c, on in ((4, on4), (16, on16)):
            off = wrk(w / f"depthd-c{c}.wrk")
            print(f"| {c} | {on['ok_rps']:.2f} | {on['p99']:.1f} | {on['non2xx']} | {off['ok_rps']:.2f} | {off['p99']:.1f} | "
                  f"{off['non2xx']} | {ratio(on['ok_rps'], off['ok_rps'])} |")

    dh, rh = wrk(w / "depthd-healthz.wrk"), wrk(w / "reference-healthz.wrk")
    timings = w / "server-timing"
    if timings.exists():
        phases: dict[str, list[float]] = {}
        requests = timings.read_text().splitlines()  # one Server-Timing header per request
        for line in requests:
            for entry in line.split(":", 1)[1].split(","):
                name, _, duration = entry.strip().partition(";dur=")
                if duration:
                    phases.setdefault(name, []).append(float(duration))
        print(f"\none request alone, by phase (Server-Timing of {len(requests)} sequential requests, ms)")
        print("| phase | median | best |\n|---|---|---|")
        for name, values in phases.items():
            print(f"| {name} | {statistics.median(values):.1f} | {min(values):.1f} |")

    print("\nGET /healthz, concurrency 64, keep-alive")
    print(f"| server | req/s | p50 ms | p99 ms |\n|---|---|---|---|\n| depthd | {dh['rps']:.0f} | {dh['p50']:.2f} | {dh['p99']:.2f} |\n"
          f"| reference | {rh['rps']:.0f} | {rh['p50']:.2f} | {rh['p99']:.2f} |")
    print(f"depthd/reference: {ratio(dh['rps'], rh['rps'])}")

    print("\nresident memory (MiB): at rest after warm-up, and peak (VmHWM) after the /v1/depth runs")
    print("| server | at rest | peak under load |\n|---|---|---|")
    for server in ("depthd", "reference"):
        print(f"| {server} | {memory[('rest_rss_kib', server)]:.0f} | {memory[('peak_rss_kib', server)]:.0f} |")

    try:
        a = np.asarray(Image.open(w / "depthd.png"), dtype=np.float64)
        b = np.asarray(Image.open(w / "reference.png"), dtype=np.float64)
        if a.shape == b.shape:
            print(f"\nsame answer check: mean |depthd - reference| = {np.mean(np.abs(a - b)):.1f} mm "
                  f"over {a.shape[1]}x{a.shape[0]} (median depth {np.median(a):.0f} mm; resize kernels differ)")
    except Exception as error:  # noqa: BLE001 - the check is informative only
        print(f"\nsame answer check skipped: {error}")


if __name__ == "__main__":
    main()
