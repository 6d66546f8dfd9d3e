#!/usr/bin/env python3
"""Resident memory of one process by mapping, from a copy of /proc/PID/smaps.

    Benchmarks/agent/smaps_breakdown.py FILE.smaps [--min KB]

Groups the mappings by file (the executable, each shared library) and the anonymous ones by kind
([heap], [stack], thread stacks and malloc arenas: other anonymous), and prints Rss, Private_Dirty
and Anonymous for each group in kB, largest first, then the totals.
"""
import collections, os, re, sys


def main():
    args = sys.argv[1:]
    if not args:
        print(__doc__)
        sys.exit(2)
    minimum = int(args[args.index("--min") + 1]) if "--min" in args else 64
    groups = collections.defaultdict(lambda: collections.Counter())
    current = None
    for line in open(args[0]):
        if re.match(r"^[0-9a-f]+-[0-9a-f]+ ", line):
            parts = line.split()
            start, end = (int(x, 16) for x in parts[0].split("-"))
            name = parts[5] if len(parts) > 5 else "[anonymous]"
            current = os.path.basename(name) if name.startswith("/") else name
            groups[current]["mappings"] += 1
            groups[current]["size"] += (end - start) // 1024
        elif current and line.split(":")[0] in ("Rss", "Private_Dirty", "Anonymous"):
            key, value = line.split()[:2]
            groups[current][key.rstrip(":")] += int(value)
    print(f"{'Rss':>8} {'PrivDirty':>9} {'Anon':>8} {'maps':>5}  mapping")
    total = collections.Counter()
    for name, c in sorted(groups.items(), key=lambda kv: -kv[1]["Rss"]):
        total.update(c)
        if c["Rss"] >= minimum:
            print(f"{c['Rss']:8d} {c['Private_Dirty']:9d} {c['Anonymous']:8d} {c['mappings']:5d}  {name}")
    print(f"{total['Rss']:8d} {total['Private_Dirty']:9d} {total['Anonymous']:8d} {total['mappings']:5d}  total")


if __name__ == "__main__":
    main()
