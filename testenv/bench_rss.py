#!/usr/bin/env python3
"""Where a JVM's resident memory is, by region: prints one line of MiB per region.

Usage: bench_rss.py SMAPS HEAP_INFO CODECACHE
  SMAPS      a copy of /proc/PID/smaps
  HEAP_INFO  `jcmd PID GC.heap_info` (the heap's address ranges)
  CODECACHE  `jcmd PID Compiler.codecache` (the code cache's bounds)

Regions: the Java heap, the code cache, class-data archives (*.jsa), libjvm, other files (libraries,
jars), and other anonymous memory (metaspace, thread stacks, malloc). Used by bench-operator.sh at
convergence, when the heap is at its largest.
"""
import re
import sys


def ranges(path, pattern):
    """All [low, high) address pairs that pattern's groups give in the file."""
    text = open(path, encoding="utf-8", errors="replace").read()
    return [(int(a, 16), int(b, 16)) for a, b in re.findall(pattern, text)]


def main(smaps, heap_info, codecache):
    # GC.heap_info: "... [0xLOW, 0xTOP, 0xHIGH)" per generation (Serial), "[0xLOW, 0xHIGH)" (G1); the heap spans all.
    heap = ranges(heap_info, r"\[(0x[0-9a-f]+)(?:, 0x[0-9a-f]+)?, (0x[0-9a-f]+)\)")
    heap = [(min(a for a, _ in heap), max(b for _, b in heap))] if heap else []
    # Compiler.codecache: "bounds [0xLOW, 0xUSED, 0xHIGH]" per code heap.
    code = ranges(codecache, r"bounds \[(0x[0-9a-f]+), 0x[0-9a-f]+, (0x[0-9a-f]+)\]")
    mib = {}
    region = None
    for line in open(smaps, encoding="utf-8", errors="replace"):
        head = re.match(r"^([0-9a-f]+)-([0-9a-f]+) \S+ \S+ \S+ \S+\s*(.*)$", line)
        if head:
            low, high, path = int(head.group(1), 16), int(head.group(2), 16), head.group(3).strip()
            if any(low < b and a < high for a, b in heap):
                region = "heap"
            elif any(low < b and a < high for a, b in code):
                region = "code cache"
            elif path.endswith(".jsa"):
                region = "class archives"
            elif "libjvm" in path:
                region = "libjvm"
            elif path.startswith("/"):
                region = "other files"
            else:
                region = "other anonymous (metaspace, stacks, malloc)"
            continue
        rss = re.match(r"^Rss:\s+(\d+) kB", line)
        if rss and region:
            mib[region] = mib.get(region, 0) + int(rss.group(1)) / 1024
    order = ["heap", "class archives", "code cache", "libjvm", "other files",
             "other anonymous (metaspace, stacks, malloc)"]
    print(", ".join(f"{name} {mib.get(name, 0):.0f}" for name in order)
          + f" (total {sum(mib.values()):.0f})")


if __name__ == "__main__":
    if len(sys.argv) != 4:
        sys.exit(__doc__)
    main(*sys.argv[1:])
