"""How much of an IRA release Lockstep's coordination covers, and how pure its clusters are.

Usage: python3 Benchmarks/compare/ira_coverage.py SAMPLE.csv RESULTS_DIR [--min-posts 50] [--json]

SAMPLE.csv is a FiveThirtyEight-layout file (../shared/data/ira-538-sample/IRAhandle_tweets_sample.csv);
RESULTS_DIR the folder `lockstep analyze SAMPLE_DIR --out RESULTS_DIR` wrote. Prints edges per
trace (edges.csv), the share of authors with at least --min-posts posts that are in a cluster
(accounts.csv), clusters with their majority account_category, and purity: the share of clustered
accounts whose category is their cluster's majority one. Standard library only.
"""
import argparse, collections, csv, json, os, sys

def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("sample")
    ap.add_argument("results")
    ap.add_argument("--min-posts", type=int, default=50)
    ap.add_argument("--json", action="store_true", help="print one JSON object instead of text")
    a = ap.parse_args()
    csv.field_size_limit(sys.maxsize)

    posts = collections.Counter()
    categories = collections.defaultdict(collections.Counter)
    with open(a.sample, newline="", encoding="utf-8", errors="replace") as f:
        for row in csv.DictReader(f):
            author = row["author"].strip()
            posts[author] += 1
            categories[author][row.get("account_category", "").strip() or "?"] += 1
    category = {k: c.most_common(1)[0][0] for k, c in categories.items()}

    edges = collections.Counter()
    edges_path = os.path.join(a.results, "edges.csv")
    if os.path.exists(edges_path):
        with open(edges_path, newline="", encoding="utf-8") as f:
            for row in csv.DictReader(f):
                edges[row["trace"]] += 1

    cluster_of, flagged = {}, set()
    with open(os.path.join(a.results, "accounts.csv"), newline="", encoding="utf-8") as f:
        for row in csv.DictReader(f):
            # The reader keys IRA accounts by handle; match on either column.
            key = row["account_id"] if row["account_id"] in posts else row["handle"]
            if row.get("cluster"):
                cluster_of[key] = row["cluster"]
            if row.get("flagged", "").lower() in ("true", "1", "yes"):
                flagged.add(key)

    big = [k for k, n in posts.items() if n >= a.min_posts]
    big_clustered = [k for k in big if k in cluster_of]
    members = collections.defaultdict(list)
    for k, c in cluster_of.items():
        members[c].append(k)
    clusters = []
    majority_total = 0
    for c, ks in sorted(members.items(), key=lambda kv: (-len(kv[1]), kv[0])):
        cats = collections.Counter(category.get(k, "?") for k in ks)
        top, n = cats.most_common(1)[0]
        majority_total += n
        clusters.append({"cluster": c, "size": len(ks), "majority": top, "purity": n / len(ks),
                         "categories": dict(cats.most_common())})
    out = {
        "edges": dict(sorted(edges.items())),
        "authors": len(posts),
        "authors_min_posts": len(big),
        "authors_min_posts_clustered": len(big_clustered),
        "coverage": len(big_clustered) / len(big) if big else 0.0,
        "clustered_accounts": len(cluster_of),
        "clusters": len(members),
        "purity": majority_total / len(cluster_of) if cluster_of else None,
        "flagged": len(flagged),
        "flagged_by_category": dict(collections.Counter(category.get(k, "?") for k in flagged).most_common()),
        "cluster_list": clusters,
    }
    if a.json:
        print(json.dumps(out, indent=1, sort_keys=True))
        return
    print("edges per trace: " + (", ".join(f"{t} {n}" for t, n in sorted(edges.items())) or "none"))
    print(f"authors with >= {a.min_posts} posts in a cluster: {len(big_clustered)} of {len(big)} ({100 * out['coverage']:.1f}%)")
    print(f"clusters: {len(members)}, clustered accounts: {len(cluster_of)}, purity against account_category: "
          + ("-" if out["purity"] is None else f"{100 * out['purity']:.1f}%"))
    for c in clusters:
        print(f"  cluster {c['cluster']}: {c['size']} accounts, {c['majority']} {100 * c['purity']:.0f}%  {c['categories']}")
    print(f"flagged: {len(flagged)} {out['flagged_by_category']}")

if __name__ == "__main__":
    main()
