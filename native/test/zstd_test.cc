// Standalone test for native/src/codec/zstd.cc.
//
// Build (with sanitizers):
//   g++ -std=c++20 -O2 -fsanitize=address,undefined native/src/codec/zstd.cc native/test/zstd_test.cc
// Vectors: python3 native/test/gen_zstd_vectors.py DIR   (needs the `zstandard` package)
// Run:
//   ./a.out DIR [--fuzz N] [--seed S]     vectors + N fuzz iterations (default 300000)
//   ./a.out --bench FILE.zst FILE.raw [REPS]   throughput measurement
// Prints "N passed, N failed" and exits non-zero on any failure.
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <iterator>
#include <random>
#include <sstream>
#include <string>
#include <vector>

#include <time.h>

#include "../src/codec/zstd.hpp"

using gyre::codec::xxhash64;
using gyre::codec::zstd_decompress;
using gyre::codec::zstd_frame_content_size;

namespace {

int g_pass = 0, g_fail = 0;

void check(bool cond, const std::string& what) {
  if (cond) {
    g_pass++;
  } else {
    g_fail++;
    std::fprintf(stderr, "FAIL: %s\n", what.c_str());
  }
}

bool read_file(const std::string& path, std::vector<uint8_t>& data) {
  std::ifstream f(path, std::ios::binary);
  if (!f) return false;
  data.assign(std::istreambuf_iterator<char>(f), std::istreambuf_iterator<char>());
  return true;
}

struct Case {
  std::string name, expect, dict, content_size;
  bool fuzz = false;
  std::vector<uint8_t> zst, raw, dict_bytes;
};

void test_xxhash() {
  std::string a = "abc";
  std::string b = "0123456789abcdef0123456789abcdef0123456789";
  std::vector<uint8_t> c;
  for (int r = 0; r < 3; r++)
    for (int i = 0; i < 256; i++) c.push_back(static_cast<uint8_t>(i));
  auto u = [](const std::string& s) { return reinterpret_cast<const uint8_t*>(s.data()); };
  check(xxhash64(nullptr, 0) == 0xef46db3751d8e999ull, "xxh64 empty");
  check(xxhash64(u("a"), 1) == 0xd24ec4f1a98c6e5bull, "xxh64 a");
  check(xxhash64(u(a), 3) == 0x44bc2cf5ad770999ull, "xxh64 abc");
  check(xxhash64(u(b), b.size()) == 0xa76190c3acf08a1cull, "xxh64 42 bytes");
  check(xxhash64(c.data(), c.size()) == 0x8e03c838c596036full, "xxh64 768 bytes");
  check(xxhash64(c.data(), c.size(), 12345) == 0x6ecac135863f12b2ull, "xxh64 seeded");
}

void run_case(const Case& k) {
  const uint8_t* dict = k.dict_bytes.empty() ? nullptr : k.dict_bytes.data();
  std::vector<uint8_t> out;
  std::string err;
  bool ok = zstd_decompress(k.zst.data(), k.zst.size(), dict, k.dict_bytes.size(), SIZE_MAX, out,
                            err);
  if (k.expect == "err") {
    check(!ok && !err.empty() && out.empty(), k.name + ": expected an error");
  } else {
    check(ok, k.name + ": decompress failed: " + err);
    check(ok && out == k.raw, k.name + ": output mismatch");
    if (ok && out == k.raw) {
      // Appending to a non-empty vector keeps the prefix.
      std::vector<uint8_t> out2 = {1, 2, 3};
      bool ok2 = zstd_decompress(k.zst.data(), k.zst.size(), dict, k.dict_bytes.size(),
                                 k.raw.size(), out2, err);
      check(ok2 && out2.size() == 3 + k.raw.size() && out2[0] == 1 && out2[2] == 3 &&
                std::equal(k.raw.begin(), k.raw.end(), out2.begin() + 3),
            k.name + ": append with exact max_output");
      if (!k.raw.empty()) {
        std::vector<uint8_t> out3 = {9};
        std::string err3;
        bool ok3 = zstd_decompress(k.zst.data(), k.zst.size(), dict, k.dict_bytes.size(),
                                   k.raw.size() - 1, out3, err3);
        check(!ok3 && out3.size() == 1 && out3[0] == 9 && !err3.empty(),
              k.name + ": max_output - 1 must fail");
      }
    }
  }
  uint64_t cs = 0;
  bool has = zstd_frame_content_size(k.zst.data(), k.zst.size(), cs);
  if (k.content_size == "-") {
    check(!has, k.name + ": content size should be absent");
  } else {
    check(has && cs == std::strtoull(k.content_size.c_str(), nullptr, 10),
          k.name + ": content size");
  }
}

// Mutation fuzzing of valid frames: must never crash (ASan/UBSan), and outputs respect max_output.
void fuzz(const std::vector<Case>& cases, long iters, uint64_t seed) {
  std::vector<const Case*> seeds;
  for (const Case& k : cases)
    if (k.fuzz && k.expect == "ok" && !k.zst.empty()) seeds.push_back(&k);
  if (seeds.empty()) {
    check(false, "fuzz: no seeds");
    return;
  }
  std::mt19937_64 rng(seed);
  long n_ok = 0, n_err = 0, violations = 0;
  std::vector<uint8_t> buf, out;
  std::string err;
  auto t0 = std::chrono::steady_clock::now();
  for (long it = 0; it < iters; it++) {
    const Case& k = *seeds[rng() % seeds.size()];
    buf = k.zst;
    std::vector<uint8_t> dict_mut;
    const std::vector<uint8_t>* dict = &k.dict_bytes;
    unsigned op = rng() % 10;
    auto flip = [&](std::vector<uint8_t>& v, unsigned nflips) {
      if (v.empty()) return;
      for (unsigned f = 0; f < nflips; f++) {
        size_t pos = rng() % v.size();
        // Bias towards headers (the first bytes) where structure is dense.
        if (rng() % 3 == 0) pos = rng() % std::min<size_t>(v.size(), 64);
        v[pos] ^= static_cast<uint8_t>(1u << (rng() % 8));
      }
    };
    switch (op) {
      case 0:
      case 1:
      case 2:
        flip(buf, 1);
        break;
      case 3:
        flip(buf, 1 + rng() % 8);
        break;
      case 4:  // truncation
        buf.resize(rng() % (buf.size() + 1));
        break;
      case 5:  // random byte overwrite
        if (!buf.empty()) buf[rng() % buf.size()] = static_cast<uint8_t>(rng());
        break;
      case 6: {  // splice a random run of bytes
        if (buf.size() > 8) {
          size_t pos = rng() % buf.size();
          size_t n = 1 + rng() % std::min<size_t>(16, buf.size() - pos);
          for (size_t i = 0; i < n; i++) buf[pos + i] = static_cast<uint8_t>(rng());
        }
        break;
      }
      case 7:  // flip + truncation
        flip(buf, 1);
        buf.resize(rng() % (buf.size() + 1));
        break;
      case 8:  // mutate the dictionary
        if (!dict->empty()) {
          dict_mut = *dict;
          flip(dict_mut, 1 + rng() % 3);
          dict = &dict_mut;
        } else {
          flip(buf, 2);
        }
        break;
      default:  // duplicate / insert bytes
        if (!buf.empty()) {
          size_t pos = rng() % buf.size();
          buf.insert(buf.begin() + static_cast<long>(pos), static_cast<uint8_t>(rng()));
        }
        break;
    }
    size_t max_out = k.raw.size() * 2 + 1024;
    if (rng() % 8 == 0) max_out = rng() % (k.raw.size() + 1);
    out.clear();
    if (rng() % 4 == 0) out.assign(rng() % 5, 0xAB);
    size_t before = out.size();
    err.clear();
    bool ok = zstd_decompress(buf.data(), buf.size(), dict->empty() ? nullptr : dict->data(),
                              dict->size(), max_out, out, err);
    if (ok) {
      n_ok++;
      if (out.size() - before > max_out) violations++;
    } else {
      n_err++;
      if (err.empty() || out.size() != before) violations++;
    }
    uint64_t cs;
    (void)zstd_frame_content_size(buf.data(), buf.size(), cs);
  }
  // Pure random inputs that start with the frame magic.
  for (long it = 0; it < iters / 10; it++) {
    buf.resize(4 + rng() % 300);
    for (auto& b : buf) b = static_cast<uint8_t>(rng());
    buf[0] = 0x28;
    buf[1] = 0xB5;
    buf[2] = 0x2F;
    buf[3] = 0xFD;
    if (buf.size() > 4) buf[4] &= 0xF7;  // clear reserved bit so deeper code is reached
    out.clear();
    bool ok = zstd_decompress(buf.data(), buf.size(), nullptr, 0, 1 << 20, out, err);
    if (ok) n_ok++; else n_err++;
  }
  double secs =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  std::printf("fuzz: %ld iterations (+%ld random) over %zu seeds: %ld ok, %ld errors, %.1fs\n",
              iters, iters / 10, seeds.size(), n_ok, n_err, secs);
  check(violations == 0, "fuzz: contract violations = " + std::to_string(violations));
}

void edge_cases() {
  std::vector<uint8_t> out;
  std::string err;
  // Empty input: nothing appended.
  check(zstd_decompress(nullptr, 0, nullptr, 0, 0, out, err) && out.empty(), "empty input");
  // Hand-made frames: single-segment, FCS 1 byte.
  // Raw block "hello": magic, FHD=0x20 (single segment, FCS 1 byte), FCS=5, block hdr.
  std::vector<uint8_t> f = {0x28, 0xB5, 0x2F, 0xFD, 0x20, 5};
  uint32_t bh = 1u | (0u << 1) | (5u << 3);
  f.push_back(bh & 0xFF);
  f.push_back((bh >> 8) & 0xFF);
  f.push_back((bh >> 16) & 0xFF);
  for (char c : std::string("hello")) f.push_back(static_cast<uint8_t>(c));
  out.clear();
  bool ok = zstd_decompress(f.data(), f.size(), nullptr, 0, 100, out, err);
  check(ok && std::string(out.begin(), out.end()) == "hello", "hand-made raw block");
  // RLE block of 100000 'x', no FCS (non single segment, window descriptor).
  std::vector<uint8_t> g = {0x28, 0xB5, 0x2F, 0xFD, 0x00, 0x58};
  bh = 1u | (1u << 1) | (100000u << 3);
  g.push_back(bh & 0xFF);
  g.push_back((bh >> 8) & 0xFF);
  g.push_back((bh >> 16) & 0xFF);
  g.push_back('x');
  out.clear();
  ok = zstd_decompress(g.data(), g.size(), nullptr, 0, 100000, out, err);
  check(ok && out.size() == 100000 && out[0] == 'x' && out[99999] == 'x', "hand-made RLE block");
  out.clear();
  ok = zstd_decompress(g.data(), g.size(), nullptr, 0, 99999, out, err);
  check(!ok && err.find("max_output") != std::string::npos, "RLE over max_output: " + err);
  // Many RLE blocks: bounded by max_output ("zip bomb").
  std::vector<uint8_t> bomb = {0x28, 0xB5, 0x2F, 0xFD, 0x00, 0x58};
  for (int i = 0; i < 2000; i++) {
    bh = (i == 1999 ? 1u : 0u) | (1u << 1) | (131072u << 3);
    bomb.push_back(bh & 0xFF);
    bomb.push_back((bh >> 8) & 0xFF);
    bomb.push_back((bh >> 16) & 0xFF);
    bomb.push_back('y');
  }
  out.clear();
  ok = zstd_decompress(bomb.data(), bomb.size(), nullptr, 0, 10 << 20, out, err);
  check(!ok && out.empty() && out.capacity() <= (10u << 20) + 4096, "bomb bounded by max_output");
  // Reserved block type.
  std::vector<uint8_t> r = {0x28, 0xB5, 0x2F, 0xFD, 0x00, 0x58, 0x07, 0x00, 0x00};
  out.clear();
  check(!zstd_decompress(r.data(), r.size(), nullptr, 0, 100, out, err), "reserved block type");
  uint64_t cs = 0;
  check(zstd_frame_content_size(f.data(), f.size(), cs) && cs == 5, "content size hand-made");
  check(!zstd_frame_content_size(g.data(), g.size(), cs), "content size absent hand-made");
  check(!zstd_frame_content_size(f.data(), 3, cs), "content size truncated");
}

int bench(const char* zpath, const char* rpath, int reps) {
  std::vector<uint8_t> z, raw, out;
  if (!read_file(zpath, z) || !read_file(rpath, raw)) {
    std::fprintf(stderr, "cannot read bench files\n");
    return 2;
  }
  std::string err;
  // CPU time (the machine may be shared), plus wall time for reference.
  auto cpu_now = [] {
    timespec ts;
    clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
    return ts.tv_sec + ts.tv_nsec * 1e-9;
  };
  double best = 1e30, best_wall = 1e30;
  for (int r = 0; r < reps; r++) {
    out.clear();
    double c0 = cpu_now();
    auto t0 = std::chrono::steady_clock::now();
    bool ok = zstd_decompress(z.data(), z.size(), nullptr, 0, raw.size(), out, err);
    double dt = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
    double dc = cpu_now() - c0;
    if (!ok || out != raw) {
      std::fprintf(stderr, "bench: decompression failed: %s\n", err.c_str());
      return 1;
    }
    if (dc < best) best = dc;
    if (dt < best_wall) best_wall = dt;
  }
  std::printf("bench: %zu -> %zu bytes, best of %d: %.2f ms cpu (%.0f MB/s), %.2f ms wall (%.0f MB/s)\n",
              z.size(), raw.size(), reps, best * 1e3, raw.size() / best / 1e6, best_wall * 1e3,
              raw.size() / best_wall / 1e6);
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  if (argc >= 4 && std::strcmp(argv[1], "--bench") == 0)
    return bench(argv[2], argv[3], argc >= 5 ? std::atoi(argv[4]) : 20);
  if (argc < 2) {
    std::fprintf(stderr, "usage: %s VECTOR_DIR [--fuzz N] [--seed S]\n", argv[0]);
    return 2;
  }
  std::string dir = argv[1];
  long fuzz_iters = 300000;
  uint64_t seed = 1;
  for (int i = 2; i + 1 < argc; i += 2) {
    if (std::strcmp(argv[i], "--fuzz") == 0) fuzz_iters = std::atol(argv[i + 1]);
    if (std::strcmp(argv[i], "--seed") == 0) seed = std::strtoull(argv[i + 1], nullptr, 10);
  }
  test_xxhash();
  edge_cases();

  std::ifstream mf(dir + "/manifest.txt");
  if (!mf) {
    std::fprintf(stderr, "cannot read %s/manifest.txt\n", dir.c_str());
    return 2;
  }
  std::vector<Case> cases;
  std::string line;
  while (std::getline(mf, line)) {
    if (line.empty()) continue;
    std::istringstream ls(line);
    Case k;
    int fz = 0;
    ls >> k.name >> k.expect >> k.dict >> k.content_size >> fz;
    k.fuzz = fz != 0;
    bool ok = read_file(dir + "/" + k.name + ".zst", k.zst);
    if (k.expect == "ok") ok = ok && read_file(dir + "/" + k.name + ".raw", k.raw);
    if (k.dict != "-") ok = ok && read_file(dir + "/" + k.dict, k.dict_bytes);
    check(ok, k.name + ": cannot read vector files");
    if (ok) cases.push_back(std::move(k));
  }
  size_t n_bytes = 0;
  for (const Case& k : cases) {
    run_case(k);
    n_bytes += k.raw.size();
  }
  std::printf("vectors: %zu cases, %zu bytes of expected output\n", cases.size(), n_bytes);
  if (fuzz_iters > 0) fuzz(cases, fuzz_iters, seed);
  std::printf("%d passed, %d failed\n", g_pass, g_fail);
  return g_fail == 0 ? 0 : 1;
}
