#!/usr/bin/env python3
"""Generate zstd test vectors for native/test/zstd_test.cc using the `zstandard` package.

Usage: gen_zstd_vectors.py OUTDIR [--quick]

Writes, for every case NAME:
  NAME.zst      compressed input
  NAME.raw      expected output (omitted for cases expected to fail)
  NAME.dict     dictionary (only for dictionary cases)
and a manifest.txt with one line per case:
  NAME  EXPECT  DICT  CONTENT_SIZE  FUZZ
    EXPECT        ok | err
    DICT          dictionary file name or -
    CONTENT_SIZE  expected zstd_frame_content_size() result, or - when absent
    FUZZ          1 if the case is small enough to be used as a fuzz seed, else 0
Also writes bench_text_l3.zst / bench_text_l3.raw (a few MB of text at level 3) for throughput.
"""
import os
import random
import struct
import sys

import zstandard as zstd


WORDS = (
    "the of and to in is was that for on are with as his they be at one have this from or had "
    "by hot word but what some we can out other were all there when up use your how said an each "
    "she which do their time if will way about many then them write would like so these her long "
    "make thing see him two has look more day could go come did number sound no most people my "
    "over know water than call first who may down side been now find any new work part take get "
    "place made live where after back little only round man year came show every good me give our "
    "under name very through just form sentence great think say help low line differ turn cause "
    "much mean before move right boy old too same tell does set three want air well also play "
    "small end put home read hand port large spell add even land here must big high such follow "
    "columnar vortex array chunk encoding dictionary bitpacked frame-of-reference statistics"
).split()


def text_data(rng, n):
    out = []
    size = 0
    line = []
    while size < n:
        w = rng.choice(WORDS)
        if rng.random() < 0.05:
            w = w.capitalize()
        if rng.random() < 0.03:
            w = str(rng.randint(0, 100000))
        line.append(w)
        if len(line) > rng.randint(6, 14):
            s = " ".join(line) + (". " if rng.random() < 0.7 else ",\n")
            out.append(s)
            size += len(s)
            line = []
    return "".join(out).encode()[:n]


def random_data(rng, n):
    return bytes(rng.getrandbits(8) for _ in range(n)) if n < 4096 else rng.randbytes(n)


def repetitive_data(rng, n):
    unit = rng.randbytes(rng.randint(1, 40))
    out = bytearray()
    while len(out) < n:
        if rng.random() < 0.1:
            out += rng.randbytes(rng.randint(1, 8))
        out += unit * rng.randint(1, 50)
    return bytes(out[:n])


def ints_data(rng, n):
    # Little-endian int64 column with small deltas: typical columnar payload.
    vals = []
    v = rng.randint(0, 1 << 40)
    for _ in range(n // 8 + 1):
        v += rng.randint(-1000, 5000)
        vals.append(v)
    return struct.pack("<%dq" % len(vals), *vals)[:n]


def mixed_data(rng, n):
    parts = []
    total = 0
    gens = [text_data, random_data, repetitive_data, ints_data]
    while total < n:
        k = min(n - total, rng.randint(1000, 60000))
        parts.append(rng.choice(gens)(rng, k))
        total += k
    return b"".join(parts)[:n]


def rle_literals_data(rng, n):
    # After a random first block, only copies of it separated by one constant byte: libzstd then
    # emits RLE literal sections.
    base = rng.randbytes(131072)
    out = bytearray(base)
    while len(out) < n:
        p = rng.randrange(0, len(base) - 64)
        out += base[p:p + rng.randint(8, 60)] + b"x"
    return bytes(out[:n])


def nibble_data(rng, n):
    # Small skewed alphabet (0..15): Huffman weights are stored in the direct 4-bit form.
    return bytes(rng.choices(range(16), weights=[0.7 ** i for i in range(16)], k=n))


def token_data(rng, n):
    # Random 3-byte tokens from a small vocabulary: very many short matches (> 0x7F00 sequences
    # per block at high levels, exercising the 3-byte sequence count).
    voc = [rng.randbytes(3) for _ in range(200)]
    out = bytearray()
    while len(out) < n:
        out += rng.choice(voc)
    return bytes(out[:n])


SPECIAL = {
    "rlelit": rle_literals_data,
    "nibbles": nibble_data,
    "tokens": token_data,
}

GENERATORS = {
    "text": text_data,
    "random": random_data,
    "rep": repetitive_data,
    "ints": ints_data,
    "mixed": mixed_data,
}


class Writer:
    def __init__(self, outdir):
        self.outdir = outdir
        self.lines = []

    def add(self, name, comp, raw, expect="ok", dict_bytes=None, content_size=None, fuzz=None):
        with open(os.path.join(self.outdir, name + ".zst"), "wb") as f:
            f.write(comp)
        if raw is not None:
            with open(os.path.join(self.outdir, name + ".raw"), "wb") as f:
                f.write(raw)
        dname = "-"
        if dict_bytes is not None:
            dname = name + ".dict"
            with open(os.path.join(self.outdir, dname), "wb") as f:
                f.write(dict_bytes)
        if fuzz is None:
            fuzz = len(comp) <= 64 * 1024 and (raw is None or len(raw) <= 512 * 1024)
        cs = "-" if content_size is None else str(content_size)
        self.lines.append(f"{name} {expect} {dname} {cs} {1 if fuzz else 0}")

    def finish(self):
        with open(os.path.join(self.outdir, "manifest.txt"), "w") as f:
            f.write("\n".join(self.lines) + "\n")


def main():
    if len(sys.argv) < 2:
        print(__doc__)
        sys.exit(2)
    outdir = sys.argv[1]
    quick = "--quick" in sys.argv
    os.makedirs(outdir, exist_ok=True)
    rng = random.Random(12345)
    w = Writer(outdir)

    sizes = [0, 1, 2, 3, 7, 31, 100, 255, 256, 1000, 1023, 1024, 5000, 65536, 131071, 131072,
             131073, 300000, 1 << 20, 3 << 20]
    if quick:
        sizes = [s for s in sizes if s <= 300000]
    levels = [1, 3, 9, 19]
    for kind, gen in GENERATORS.items():
        for size in sizes:
            data = gen(rng, size)
            for level in levels:
                if size >= (1 << 20) and level == 19 and kind not in ("text", "mixed"):
                    continue  # slow and redundant
                for checksum in (False, True):
                    if size >= (1 << 20) and checksum != (level in (3, 19)):
                        continue  # halve the big cases
                    cctx = zstd.ZstdCompressor(level=level, write_checksum=checksum)
                    comp = cctx.compress(data)
                    name = f"{kind}_{size}_l{level}_{'c' if checksum else 'n'}"
                    w.add(name, comp, data, content_size=len(data))

    # Data shapes that make libzstd use rarer encodings.
    for kind, gen in SPECIAL.items():
        data = gen(rng, 400000)
        for level in (1, 3, 19):
            comp = zstd.ZstdCompressor(level=level, write_checksum=True).compress(data)
            w.add(f"{kind}_l{level}", comp, data, content_size=len(data))

    # Streaming (no content size in header, multiple blocks written incrementally).
    for kind in ("text", "mixed", "ints"):
        data = GENERATORS[kind](rng, 700000)
        for level in (1, 3, 19):
            cctx = zstd.ZstdCompressor(level=level, write_checksum=True, write_content_size=False)
            comp = cctx.compress(data)
            w.add(f"nosize_{kind}_l{level}", comp, data, content_size=None)
            cobj = zstd.ZstdCompressor(level=level).compressobj()
            parts = []
            for i in range(0, len(data), 10007):
                parts.append(cobj.compress(data[i:i + 10007]))
                if i % 50000 == 0:
                    parts.append(cobj.flush(zstd.COMPRESSOBJ_FLUSH_BLOCK))
            parts.append(cobj.flush())
            w.add(f"stream_{kind}_l{level}", b"".join(parts), data, content_size=None)

    # Large window / long-distance matching.
    base = text_data(rng, 1 << 20)
    far = rng.randbytes(3 << 20)
    data = base + far + base
    params = zstd.ZstdCompressionParameters.from_level(19, window_log=23, enable_ldm=True)
    comp = zstd.ZstdCompressor(compression_params=params).compress(data)
    w.add("ldm_w23", comp, data, content_size=len(data), fuzz=False)
    params = zstd.ZstdCompressionParameters.from_level(3, window_log=10, write_checksum=1)
    data = text_data(rng, 200000)
    comp = zstd.ZstdCompressor(compression_params=params).compress(data)
    w.add("small_window_w10", comp, data, content_size=len(data))

    # Multiple frames concatenated, with skippable frames in between.
    frames = []
    expected = b""
    first_size = None
    for i in range(6):
        d = GENERATORS[["text", "ints", "rep"][i % 3]](rng, rng.randint(0, 50000))
        frames.append(zstd.ZstdCompressor(level=[1, 3, 9][i % 3], write_checksum=bool(i & 1)).compress(d))
        expected += d
        if first_size is None:
            first_size = len(d)
        if i == 2:
            frames.append(struct.pack("<II", 0x184D2A53, 5) + b"hello")
    w.add("multi_frame", b"".join(frames), expected, content_size=first_size)
    skip_first = struct.pack("<II", 0x184D2A50, 3) + b"abc"
    d = text_data(rng, 1234)
    w.add("skippable_first", skip_first + zstd.ZstdCompressor(level=3).compress(d), d,
          content_size=len(d))
    w.add("skippable_only", struct.pack("<II", 0x184D2A5F, 0), b"", content_size=None)
    w.add("empty_input", b"", b"", content_size=None)

    # Dictionaries: trained (formatted) and raw content.
    samples = []
    for i in range(400):
        rec = (f'{{"id": {i}, "name": "{rng.choice(WORDS)} {rng.choice(WORDS)}", '
               f'"tags": ["{rng.choice(WORDS)}", "{rng.choice(WORDS)}"], '
               f'"score": {rng.randint(0, 10**6)}, "text": "{text_data(rng, rng.randint(20, 200)).decode()}"}}')
        samples.append(rec.encode())
    trained = zstd.train_dictionary(16384, samples[:300])
    dict_bytes = trained.as_bytes()
    tests = samples[300:] + [b"".join(samples[300:340]), b""]
    for level in levels:
        for i, s in enumerate(tests[::9]):
            cctx = zstd.ZstdCompressor(level=level, dict_data=trained, write_checksum=bool(i & 1))
            w.add(f"dict_trained_l{level}_{i}", cctx.compress(s), s, dict_bytes=dict_bytes,
                  content_size=len(s))
    # Trained dict, frames without dict id.
    cctx = zstd.ZstdCompressor(level=3, dict_data=trained, write_dict_id=False)
    s = tests[0]
    w.add("dict_trained_noid", cctx.compress(s), s, dict_bytes=dict_bytes, content_size=len(s))
    # Wrong dictionary id -> error.
    bad = bytearray(dict_bytes)
    bad[4] ^= 0x55
    w.add("dict_wrong_id", zstd.ZstdCompressor(level=3, dict_data=trained).compress(s), None,
          expect="err", dict_bytes=bytes(bad), content_size=len(s))
    raw_dict = b"".join(samples[:60])
    rd = zstd.ZstdCompressionDict(raw_dict, dict_type=zstd.DICT_TYPE_RAWCONTENT)
    for level in (1, 3, 19):
        for i, s in enumerate(tests[5::15]):
            cctx = zstd.ZstdCompressor(level=level, dict_data=rd, write_checksum=True)
            w.add(f"dict_raw_l{level}_{i}", cctx.compress(s), s, dict_bytes=raw_dict,
                  content_size=len(s))
    # Multiple frames sharing one dictionary.
    cctx = zstd.ZstdCompressor(level=3, dict_data=trained)
    comp = b"".join(cctx.compress(s) for s in tests[:20])
    w.add("dict_multi_frame", comp, b"".join(tests[:20]), dict_bytes=dict_bytes, content_size=len(tests[0]))

    # Expected failures.
    d = text_data(rng, 50000)
    good = zstd.ZstdCompressor(level=3, write_checksum=True).compress(d)
    bad = bytearray(good)
    bad[-1] ^= 1
    w.add("bad_checksum", bytes(bad), None, expect="err", content_size=len(d))
    w.add("truncated", good[:-10], None, expect="err", content_size=len(d))
    w.add("bad_magic", b"\x00" + good[1:], None, expect="err", content_size=None)
    w.add("trailing_garbage", good + b"\x01\x02", None, expect="err", content_size=len(d))

    # Throughput benchmark input: a few MB of text at level 3.
    bench = text_data(random.Random(7), 8 << 20)
    with open(os.path.join(outdir, "bench_text_l3.raw"), "wb") as f:
        f.write(bench)
    with open(os.path.join(outdir, "bench_text_l3.zst"), "wb") as f:
        f.write(zstd.ZstdCompressor(level=3, write_checksum=True).compress(bench))
    w.finish()
    print(f"wrote {len(w.lines)} cases to {outdir}")


if __name__ == "__main__":
    main()
