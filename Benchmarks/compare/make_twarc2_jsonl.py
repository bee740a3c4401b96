"""Writes a large flattened twarc2 JSONL file from ../shared/data/twarc2-samples/flat.jsonl, for
timing the JSON reader: the 100 sample tweets repeated, each copy with ids of its own (so that no
post is dropped as a duplicate).

Usage: python3 Benchmarks/compare/make_twarc2_jsonl.py [COPIES] [OUT]
(defaults: 500 copies, 50,000 tweets, 363 MB, /tmp/lockstep-bench/twarc2-flat-50k.jsonl), then
lockstep-bench ingest --file OUT --repeats 3 --cold-runs 3
"""
import json, os, sys

here = os.path.dirname(os.path.abspath(__file__))
sample = os.path.join(here, "..", "..", "..", "shared", "data", "twarc2-samples", "flat.jsonl")
copies = int(sys.argv[1]) if len(sys.argv) > 1 else 500
out_path = sys.argv[2] if len(sys.argv) > 2 else "/tmp/lockstep-bench/twarc2-flat-50k.jsonl"
lines = [json.loads(l) for l in open(sample, encoding="utf-8")]
os.makedirs(os.path.dirname(out_path), exist_ok=True)
n = 0
with open(out_path, "w", encoding="utf-8") as out:
    for _ in range(copies):
        for d in lines:
            d2 = dict(d)
            d2["id"] = str(1500000000000000000 + n)
            n += 1
            out.write(json.dumps(d2, ensure_ascii=False) + "\n")
print(f"{n} tweets in {out_path}")
