"""Loads an IO-archive tweets CSV with polars and DuckDB, for comparison with Lockstep's ingest.

Usage: python3 Benchmarks/compare/load_csv.py FILE
Prints wall seconds, MB/s, CPU seconds (all threads) and peak RSS for each engine (each in its own process, so peaks are separate).
"""
import os, resource, subprocess, sys, time

def run(engine, path):
    # The import is not timed: it loads the engine's library, which Lockstep's figure (a load in a
    # process already running) does not include either.
    if engine == "polars":
        import polars as pl
    else:
        import duckdb
    t = time.perf_counter()
    c = time.process_time()  # CPU seconds of every thread: a figure the machine's load disturbs less
    if engine == "polars":
        df = pl.read_csv(path, infer_schema_length=0)  # all columns as strings: no type guessing
        rows = df.height
    else:
        con = duckdb.connect()
        con.execute(f"CREATE TABLE t AS SELECT * FROM read_csv('{path}', all_varchar=true, header=true)")
        rows = con.execute("SELECT count(*) FROM t").fetchone()[0]
    dt = time.perf_counter() - t
    cpu = time.process_time() - c
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024
    size = os.path.getsize(path)
    print(f"{engine}: {rows} rows, {dt:.2f} s, {size / dt / 1e6:.0f} MB/s, {cpu:.2f} s CPU, peak {peak / 1e6:.0f} MB ({peak / size:.2f}x file)")

if __name__ == "__main__":
    if len(sys.argv) == 3:
        run(sys.argv[2], sys.argv[1])
    else:
        for e in ("polars", "duckdb"):
            subprocess.run([sys.executable, __file__, sys.argv[1], e], check=True)
