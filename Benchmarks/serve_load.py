#!/usr/bin/env python3
"""Load check for `kiso serve`: CLIENTS threads each send REQUESTS PNG predictions (one
keep-alive connection per client) and the script reports whether every one was answered 200,
and the latency percentiles.

    kiso serve --weights ../shared/data/book-weights/simple_convnet_params.pkl --port 8080 &
    python3 Benchmarks/serve_load.py --url http://127.0.0.1:8080 --clients 8 --requests 50

The PNG is a 280x280 drawing of a 7 (white ink on black), the size the page's canvas sends.
Standard library only.
"""
import argparse
import http.client
import json
import struct
import threading
import time
import urllib.parse
import zlib


def png_gray(width, height, rows):
    """An 8-bit grayscale PNG from rows of bytes."""
    def chunk(kind, data):
        body = kind + data
        return struct.pack(">I", len(data)) + body + struct.pack(">I", zlib.crc32(body) & 0xFFFFFFFF)
    raw = b"".join(b"\x00" + bytes(row) for row in rows)
    header = struct.pack(">IIBBBBB", width, height, 8, 0, 0, 0, 0)
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", zlib.compress(raw, 6)) + chunk(b"IEND", b"")


def seven(size=280, pen=11):
    """A 7: a bar across the top and a slanted stem, drawn with a round pen."""
    rows = [[0] * size for _ in range(size)]
    points = [(x, 60) for x in range(60, 220)] + [(220 - (y - 60) * 0.4, y) for y in range(60, 240)]
    for cx, cy in points:
        for y in range(int(cy) - pen, int(cy) + pen + 1):
            for x in range(int(cx) - pen, int(cx) + pen + 1):
                if 0 <= x < size and 0 <= y < size and (x - cx) ** 2 + (y - cy) ** 2 <= pen * pen:
                    rows[y][x] = 255
    return png_gray(size, size, rows)


def client(url, body, count, latencies, failures, lock):
    parts = urllib.parse.urlsplit(url)
    connection = http.client.HTTPConnection(parts.hostname, parts.port, timeout=30)
    for _ in range(count):
        start = time.perf_counter()
        try:
            connection.request("POST", "/api/predict", body=body, headers={"Content-Type": "image/png"})
            response = connection.getresponse()
            answer = response.read()
            ok = response.status == 200 and "class" in json.loads(answer)
        except (OSError, http.client.HTTPException, ValueError) as error:
            ok = False
            answer = str(error).encode()
            connection.close()
            connection = http.client.HTTPConnection(parts.hostname, parts.port, timeout=30)
        elapsed = time.perf_counter() - start
        with lock:
            if ok:
                latencies.append(elapsed)
            else:
                failures.append(answer[:200])
    connection.close()


def percentile(sorted_values, p):
    """The nearest-rank percentile p (0-100) of sorted values."""
    rank = max(1, -(-len(sorted_values) * p // 100))
    return sorted_values[int(rank) - 1]


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--url", required=True)
    parser.add_argument("--clients", type=int, default=8)
    parser.add_argument("--requests", type=int, default=50, help="predictions per client")
    args = parser.parse_args()
    body = seven()
    latencies, failures, lock = [], [], threading.Lock()
    threads = [threading.Thread(target=client, args=(args.url, body, args.requests, latencies, failures, lock))
               for _ in range(args.clients)]
    start = time.perf_counter()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    wall = time.perf_counter() - start
    latencies.sort()
    total = args.clients * args.requests
    summary = {
        "clients": args.clients, "requests": total, "answered_200": len(latencies), "failed": len(failures),
        "png_bytes": len(body), "seconds": round(wall, 3), "requests_per_second": round(total / wall, 1),
    }
    if latencies:
        summary.update({f"p{p}_ms": round(1000 * percentile(latencies, p), 2) for p in (50, 90, 99)})
        summary["max_ms"] = round(1000 * latencies[-1], 2)
    print(json.dumps(summary))
    for failure in failures[:5]:
        print("failure:", failure)
    return 0 if not failures else 1


if __name__ == "__main__":
    raise SystemExit(main())
