"""Lockstep beside polars and coordination-network-toolkit (CNT) on the same file, one after the other.

Usage: python3 Benchmarks/compare/side_by_side.py FILE [--runs 3] [--cnt-networks co_retweet,...]
       [--lockstep PATH] [--bench PATH] [--skip-cnt]

FILE is a posts file Lockstep reads (e.g. a simulator folder's tweets CSV). Build first:
  swift build -c release && swift build -c release --package-path Benchmarks  (the latter for the CNT export)
  pip install polars coordination-network-toolkit==1.5.2

Timed, in this order, each in fresh processes:
  1. reading: the `read` seconds `lockstep analyze FILE --analyses overview` prints, RUNS times;
  2. polars `read_csv(infer_schema_length=0)`, all columns as strings (load_csv.py), RUNS times;
  3. the whole `lockstep analyze FILE` (every analysis, every output file), RUNS times;
  4. CNT: `preprocess` into SQLite, then each network with a 60 s window and minimum weight 3 on
     both cores, once (it takes about a minute), on FILE's posts as Lockstep read them, exported
     untimed by `lockstep-bench export-cnt`.
Prints each figure (wall, user + sys CPU seconds, peak RSS) and the ratios the issue (#13) sets
targets for: reading >= 2x polars, whole run >= 30x faster than CNT, peak <= 1.2 GB.
"""
import argparse, os, re, shutil, statistics, subprocess, sys, tempfile, time

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))


def timed(cmd, **kw):
    """Runs cmd under /usr/bin/time; returns (wall s, user+sys s, peak KB, stdout and stderr)."""
    with tempfile.NamedTemporaryFile("r", suffix=".time") as tf:
        p = subprocess.run(["/usr/bin/time", "-o", tf.name, "-f", "%e %U %S %M"] + cmd,
                           stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, **kw)
        if p.returncode != 0:
            sys.exit(f"failed ({p.returncode}): {' '.join(cmd)}\n{p.stdout[-2000:]}\n{p.stderr[-2000:]}")
        line = tf.read().strip().splitlines()[-1]
    e, u, s, m = line.split()
    return float(e), float(u) + float(s), int(m), p.stdout + p.stderr


def load():
    return open("/proc/loadavg").read().split()[:3]


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("file")
    ap.add_argument("--runs", type=int, default=3)
    ap.add_argument("--lockstep", default=os.path.join(ROOT, ".build/release/lockstep"))
    ap.add_argument("--bench", default=os.path.join(ROOT, "Benchmarks/.build/release/lockstep-bench"))
    ap.add_argument("--cnt-networks", default="co_retweet,co_tweet,co_reply,co_link,co_similar_tweet")
    ap.add_argument("--skip-cnt", action="store_true")
    ap.add_argument("--work", default="/tmp/lockstep-side-by-side")
    a = ap.parse_args()
    size = os.path.getsize(a.file)
    os.makedirs(a.work, exist_ok=True)
    print(f"file {a.file}: {size / 1e6:.0f} MB; load average at start {' '.join(load())}")

    # 1. Lockstep reading: the `read` figure of `lockstep analyze FILE --analyses overview`'s
    # timings line (reading alone, as polars' figure is read_csv alone), each run a fresh process.
    rd, rd_cpu = [], []
    for _ in range(a.runs):
        outdir = os.path.join(a.work, "overview")
        shutil.rmtree(outdir, ignore_errors=True)
        w, cpu, pk, out = timed([a.lockstep, "analyze", a.file, "--analyses", "overview", "--out", outdir])
        r = float(re.search(r"timings: read ([0-9.]+) s", out).group(1))
        rd.append(r)
        rd_cpu.append(cpu)
        print(f"  lockstep read {r:.3f} s (process {w:.2f} s wall, {cpu:.2f} s user+sys, peak {pk / 1e3:.0f} MB)")
    read = statistics.median(rd)

    # 2. polars, each run in its own process (the import is not timed, as in load_csv.py).
    pol, pol_cpu = [], []
    for _ in range(a.runs):
        _, _, _, out = timed([sys.executable, os.path.join(HERE, "load_csv.py"), a.file, "polars"])
        pol.append(float(re.search(r", ([0-9.]+) s,", out).group(1)))
        pol_cpu.append(float(re.search(r", ([0-9.]+) s CPU", out).group(1)))
        print("  " + out.strip())
    polars = statistics.median(pol)

    # 3. The whole run.
    whole = []
    for i in range(a.runs):
        outdir = os.path.join(a.work, "out")
        shutil.rmtree(outdir, ignore_errors=True)
        w, cpu, peak, out = timed([a.lockstep, "analyze", a.file, "--out", outdir])
        timings = next((l.strip() for l in out.splitlines() if "timings" in l), "")
        whole.append((w, cpu, peak))
        print(f"  lockstep analyze run {i + 1}: {w:.2f} s wall, {cpu:.2f} s user+sys, peak {peak / 1e3:.0f} MB; {timings}")
    wall = statistics.median(x[0] for x in whole)
    peak = max(x[2] for x in whole)

    print(f"\nreading: Lockstep {read:.3f} s median ({size / read / 1e6:.0f} MB/s), polars {polars:.3f} s median "
          f"({size / polars / 1e6:.0f} MB/s): {polars / read:.2f}x (target >= 2x); CPU seconds, median: Lockstep "
          f"{statistics.median(rd_cpu):.2f} (whole process), polars {statistics.median(pol_cpu):.2f} (read_csv)")
    whole_cpu = statistics.median(x[1] for x in whole)
    print(f"whole lockstep analyze: {wall:.2f} s median wall, {whole_cpu:.2f} s user+sys, peak {peak / 1e3:.0f} MB (target <= 1.2 GB)")
    if a.skip_cnt:
        return

    # 4. CNT on the same posts.
    cnt_csv = os.path.join(a.work, "cnt-input.csv")
    subprocess.run([a.bench, "export-cnt", a.file, cnt_csv], check=True, stdout=subprocess.DEVNULL)
    db = os.path.join(a.work, "cnt.db")
    for f in (db, db + "-wal", db + "-shm"):
        if os.path.exists(f):
            os.remove(f)
    cnt = [sys.executable, "-m", "coordination_network_toolkit", db]
    total_w, total_cpu, cnt_peak = 0.0, 0.0, 0
    steps = [("preprocess", cnt + ["preprocess", "--format", "csv", cnt_csv])]
    for n in a.cnt_networks.split(","):
        steps.append((n, cnt + ["compute", n, "--time_window", "60", "--min_edge_weight", "3", "--n_cpus", "2"]))
    for name, cmd in steps:
        w, cpu, pk, _ = timed(cmd)
        total_w += w; total_cpu += cpu; cnt_peak = max(cnt_peak, pk)
        print(f"  CNT {name}: {w:.1f} s wall, {cpu:.1f} s user+sys, peak {pk / 1e3:.0f} MB")
    print(f"CNT 1.5.2, {len(steps) - 1} networks with preprocessing, one run: {total_w:.1f} s wall, {total_cpu:.1f} s user+sys")
    print(f"whole run: Lockstep {wall:.2f} s against CNT {total_w:.1f} s: {total_w / wall:.1f}x faster (target >= 30x); "
          f"CPU seconds {whole_cpu:.2f} against {total_cpu:.1f}: {total_cpu / whole_cpu:.1f}x")
    print(f"load average at end {' '.join(load())}")


if __name__ == "__main__":
    main()
