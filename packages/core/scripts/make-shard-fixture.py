#!/usr/bin/python3
"""Expected shard assignments for tests/shard.test.ts, computed here independently of the
TypeScript code: FNV-1a 32-bit (offset 0x811c9dc5, prime 0x01000193, as published by
Fowler/Noll/Vo) over each id's UTF-8 bytes, shard = hash % N (0-based, 0..N-1);
and the row ranges of R rows for shard K of N, [floor(K*R/N), floor((K+1)*R/N)), by integer division.
Run: /usr/bin/python3 packages/core/scripts/make-shard-fixture.py > packages/core/tests/fixtures/shards.json"""
import json


def fnv1a32(data: bytes) -> int:
    h = 0x811C9DC5
    for b in data:
        h = ((h ^ b) * 0x01000193) & 0xFFFFFFFF
    return h


ids = ["", "a", "sample-0", "sample-1", "review 42", "Ünïcode", "日本語", "שלום", "😀", "../../etc/passwd"] + [f"s{i}" for i in range(40)]
docs = [{"id": i, "hash": fnv1a32(i.encode("utf-8")), "shard": {str(n): fnv1a32(i.encode("utf-8")) % n for n in (1, 2, 3, 7)}} for i in ids]
rows = [{"count": n, "total": r, "ranges": [[k * r // n, (k + 1) * r // n] for k in range(n)]} for n in (1, 2, 3, 7) for r in (0, 1, 5, 7, 100, 1000003)]
print(json.dumps({"ids": docs, "rows": rows}, ensure_ascii=False))
