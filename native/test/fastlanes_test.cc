// Standalone tests + micro benchmark for the FastLanes kernels (native/src/encodings/fastlanes).
//
//   g++ -std=c++20 -O2 -fsanitize=address,undefined -I native/src
//       native/test/fastlanes_test.cc native/src/encodings/fastlanes/kernels.cc -o /tmp/fastlanes_test
//   /tmp/fastlanes_test            # correctness, every T, every W, every ISA variant the CPU has
//   /tmp/fastlanes_test --bench    # also GB/s (build with -O3 and no sanitizers for meaningful numbers)
//
// The references below are written straight from vortex-format.md §5.2/§5.5, bit by bit, and
// share no code with the kernels.
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>
#include <vector>

#include "encodings/fastlanes/kernels.hpp"

using namespace gyre::fl;

namespace {

int g_failures = 0;
#define CHECK(cond, ...)                                                    \
  do {                                                                      \
    if (!(cond)) {                                                          \
      if (++g_failures <= 20) {                                             \
        std::fprintf(stderr, "FAIL %s:%d: %s: ", __FILE__, __LINE__, #cond); \
        std::fprintf(stderr, __VA_ARGS__);                                  \
        std::fprintf(stderr, "\n");                                         \
      }                                                                     \
    }                                                                       \
  } while (0)

uint64_t g_rng = 0x9E3779B97F4A7C15ull;
uint64_t rnd() {  // splitmix64
  uint64_t z = (g_rng += 0x9E3779B97F4A7C15ull);
  z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
  z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
  return z ^ (z >> 31);
}

template <typename T>
T rnd_bits(unsigned W) {
  return W == 0 ? T(0) : T(rnd() & (W >= 64 ? ~0ull : ((1ull << W) - 1)));
}

template <typename T>
const char* tname() {
  return sizeof(T) == 1 ? "u8" : sizeof(T) == 2 ? "u16" : sizeof(T) == 4 ? "u32" : "u64";
}

// ---- naive references (digest §5.2 steps 3-6, one bit at a time) ----------------------------------

constexpr unsigned ORDER[8] = {0, 4, 2, 6, 1, 5, 3, 7};
unsigned ref_idx(unsigned row, unsigned lane) { return ORDER[row / 8] * 16 + (row % 8) * 128 + lane; }

template <typename T>
void ref_unpack(const T* in, unsigned W, T* out) {
  const unsigned B = sizeof(T) * 8, LANES = 1024 / B;
  for (unsigned lane = 0; lane < LANES; ++lane)
    for (unsigned row = 0; row < B; ++row) {
      uint64_t v = 0;
      for (unsigned i = 0; i < W; ++i) {
        const unsigned b = row * W + i;  // stream bit
        const T word = in[(b / B) * LANES + lane];
        v |= uint64_t((word >> (b % B)) & 1u) << i;
      }
      out[ref_idx(row, lane)] = T(v);
    }
}

template <typename T>
void ref_pack(const T* in, unsigned W, T* out) {
  const unsigned B = sizeof(T) * 8, LANES = 1024 / B;
  std::memset(out, 0, size_t(W) * LANES * sizeof(T));
  for (unsigned lane = 0; lane < LANES; ++lane)
    for (unsigned row = 0; row < B; ++row) {
      const uint64_t v = in[ref_idx(row, lane)];
      for (unsigned i = 0; i < W; ++i) {
        const unsigned b = row * W + i;
        if ((v >> i) & 1u) out[(b / B) * LANES + lane] |= T(T(1) << (b % B));
      }
    }
}

unsigned ref_transpose(unsigned i) { return (i % 16) * 64 + ORDER[(i / 16) % 8] * 8 + i / 128; }

// §5.5: transpose, bases = first LANES transposed values, per-lane deltas in fl_index order.
template <typename T>
void ref_delta(const T* in, T* bases, T* deltas) {
  const unsigned B = sizeof(T) * 8, LANES = 1024 / B;
  T tr[1024];
  for (unsigned i = 0; i < 1024; ++i) tr[i] = in[ref_transpose(i)];
  for (unsigned lane = 0; lane < LANES; ++lane) {
    bases[lane] = tr[lane];
    T prev = bases[lane];
    for (unsigned row = 0; row < B; ++row) {
      const unsigned p = ref_idx(row, lane);
      deltas[p] = T(tr[p] - prev);
      prev = tr[p];
    }
  }
}
template <typename T>
void ref_undelta(const T* deltas, const T* bases, T* out) {
  const unsigned B = sizeof(T) * 8, LANES = 1024 / B;
  T tr[1024];
  for (unsigned lane = 0; lane < LANES; ++lane) {
    T prev = bases[lane];
    for (unsigned row = 0; row < B; ++row) {
      const unsigned p = ref_idx(row, lane);
      prev = T(prev + deltas[p]);
      tr[p] = prev;
    }
  }
  for (unsigned i = 0; i < 1024; ++i) out[ref_transpose(i)] = tr[i];
}

// ---- tests ---------------------------------------------------------------------------------------

void test_index_math() {
  bool seen[1024] = {};
  for (unsigned i = 0; i < 1024; ++i) {
    CHECK(transpose_index(i) == ref_transpose(i), "i=%u", i);
    seen[transpose_index(i)] = true;
  }
  for (unsigned i = 0; i < 1024; ++i) CHECK(seen[i], "transpose not a permutation at %u", i);
  auto inv = [](auto tag) {
    using T = decltype(tag);
    for (unsigned row = 0; row < kBits<T>; ++row)
      for (unsigned lane = 0; lane < kLanes<T>; ++lane) {
        const unsigned j = fl_index(row, lane);
        CHECK(j == ref_idx(row, lane), "fl_index");
        unsigned r2, l2;
        fl_position<T>(j, r2, l2);
        CHECK(r2 == row && l2 == lane, "%s fl_position(%u) = (%u,%u), want (%u,%u)", tname<T>(), j, r2, l2, row,
              lane);
      }
  };
  inv(uint8_t{});
  inv(uint16_t{});
  inv(uint32_t{});
  inv(uint64_t{});
  // Digest example: T=32, j=40 -> lane 8, row 16.
  unsigned r, l;
  fl_position<uint32_t>(40, r, l);
  CHECK(r == 16 && l == 8, "T=32 j=40 -> (%u,%u)", r, l);
}

// Digest sanity example: T=8, W=1 => bit r of byte `lane` is element r*128 + lane.
void test_sanity_example() {
  uint8_t packed[128];
  for (auto& b : packed) b = uint8_t(rnd());
  uint8_t out[1024];
  unpack_block<uint8_t>(packed, 1, out);
  for (unsigned lane = 0; lane < 128; ++lane)
    for (unsigned r = 0; r < 8; ++r)
      CHECK(out[r * 128 + lane] == ((packed[lane] >> r) & 1), "T=8 W=1 lane %u bit %u", lane, r);
  // One set bit: element 3*128+5 only.
  uint8_t vals[1024] = {};
  vals[3 * 128 + 5] = 1;
  pack_block<uint8_t>(vals, 1, packed);
  for (unsigned lane = 0; lane < 128; ++lane) CHECK(packed[lane] == (lane == 5 ? 8 : 0), "pack T=8 W=1 lane %u", lane);
}

template <typename T>
void test_bitpacking_type(const char* isa) {
  constexpr unsigned B = kBits<T>;
  constexpr size_t NB = 3;  // blocks per stream
  std::vector<T> vals(NB * 1024), got(NB * 1024), refout(1024);
  for (unsigned W = 0; W <= B; ++W) {
    const size_t bw = packed_block_words<T>(W);
    std::vector<T> packed(NB * bw + 1), refpacked(bw + 1);  // +1 so data() is never null
    // pack: exact bytes vs reference; extra high bits in the input must be dropped.
    for (size_t i = 0; i < vals.size(); ++i) vals[i] = rnd_bits<T>(W);
    for (size_t b = 0; b < NB; ++b) {
      std::vector<T> noisy(vals.begin() + b * 1024, vals.begin() + (b + 1) * 1024);
      if (W < B)
        for (auto& v : noisy) v = T(v | (T(rnd()) & T(~low_mask<T>(W))));
      pack_block<T>(noisy.data(), W, packed.data() + b * bw);
      ref_pack<T>(vals.data() + b * 1024, W, refpacked.data());
      CHECK(std::memcmp(packed.data() + b * bw, refpacked.data(), bw * sizeof(T)) == 0, "%s %s W=%u pack block %zu",
            isa, tname<T>(), W, b);
    }
    // round trip
    for (size_t b = 0; b < NB; ++b) unpack_block<T>(packed.data() + b * bw, W, got.data() + b * 1024);
    CHECK(got == vals, "%s %s W=%u unpack(pack(x)) != x", isa, tname<T>(), W);
    // unpack of arbitrary packed words vs the bit-by-bit reference
    for (size_t i = 0; i < NB * bw; ++i) packed[i] = T(rnd());
    for (size_t b = 0; b < NB; ++b) {
      unpack_block<T>(packed.data() + b * bw, W, got.data() + b * 1024);
      ref_unpack<T>(packed.data() + b * bw, W, refout.data());
      CHECK(std::memcmp(got.data() + b * 1024, refout.data(), 1024 * sizeof(T)) == 0, "%s %s W=%u unpack vs ref",
            isa, tname<T>(), W);
    }
    // fused frame of reference
    {
      const T ref = T(rnd());
      std::vector<T> f(1024);
      unpack_block_for<T>(packed.data() + bw, W, ref, f.data());
      for (size_t i = 0; i < 1024; ++i)
        if (f[i] != T(got[1024 + i] + ref)) {
          CHECK(false, "%s %s W=%u unpack_block_for at %zu", isa, tname<T>(), W, i);
          break;
        }
    }
    // random access
    for (size_t i = 0; i < NB * 1024; ++i)
      if (unpack_single<T>(packed.data(), W, i) != got[i]) {
        CHECK(false, "%s %s W=%u unpack_single(%zu)", isa, tname<T>(), W, i);
        break;
      }
    // ranges (partial first/last blocks, tiny and large), plain and fused FoR
    const size_t words = NB * bw;
    std::vector<T> rout(NB * 1024 + 1);
    for (int t = 0; t < 60; ++t) {
      size_t first, n;
      if (t < 6) {
        static const size_t cases[6][2] = {{0, 3072}, {0, 0}, {1023, 2}, {1, 3071}, {3072, 0}, {2048, 1024}};
        first = cases[t][0];
        n = cases[t][1];
      } else {
        first = rnd() % (NB * 1024 + 1);
        n = (t % 3 == 0) ? rnd() % 40 : rnd() % (NB * 1024 - first + 1);
        if (first + n > NB * 1024) n = NB * 1024 - first;
      }
      const T ref = T(rnd());
      bool ok = unpack_range<T>(packed.data(), words, W, first, n, rout.data());
      CHECK(ok, "%s %s W=%u unpack_range(%zu,%zu) returned false", isa, tname<T>(), W, first, n);
      CHECK(std::memcmp(rout.data(), got.data() + first, n * sizeof(T)) == 0, "%s %s W=%u unpack_range(%zu,%zu)", isa,
            tname<T>(), W, first, n);
      ok = unpack_range_for<T>(packed.data(), words, W, first, n, ref, rout.data());
      CHECK(ok, "unpack_range_for returned false");
      for (size_t i = 0; i < n; ++i)
        if (rout[i] != T(got[first + i] + ref)) {
          CHECK(false, "%s %s W=%u unpack_range_for(%zu,%zu) at %zu", isa, tname<T>(), W, first, n, i);
          break;
        }
    }
    // rejected inputs
    if (W > 0) {
      CHECK(!unpack_range<T>(packed.data(), words, W, 1, NB * 1024, rout.data()), "range past end accepted");
      CHECK(!unpack_range<T>(packed.data(), words - 1, W, 0, 1, rout.data()), "partial block accepted");
    }
  }
  CHECK(!unpack_range<T>(vals.data(), 0, B + 1, 0, 1, got.data()), "W > bits accepted");
}

template <typename T>
void test_delta_type() {
  constexpr unsigned L = kLanes<T>;
  alignas(64) T in[1024], bases[L], deltas[1024], rb[L], rd[1024], out[1024], tr[1024], back[1024];
  for (int trial = 0; trial < 4; ++trial) {
    // sorted-ish, random, and wrapping data
    T acc = T(rnd());
    for (unsigned i = 0; i < 1024; ++i) {
      acc = T(acc + (trial == 0 ? T(rnd() % 5) : T(rnd())));
      in[i] = trial == 3 ? T(rnd()) : acc;
    }
    delta_block<T>(in, bases, deltas);
    ref_delta<T>(in, rb, rd);
    CHECK(std::memcmp(bases, rb, sizeof(rb)) == 0, "%s delta bases", tname<T>());
    CHECK(std::memcmp(deltas, rd, sizeof(rd)) == 0, "%s delta deltas", tname<T>());
    undelta_block<T>(deltas, bases, out);
    CHECK(std::memcmp(out, in, sizeof(in)) == 0, "%s undelta(delta(x)) != x", tname<T>());
    // arbitrary deltas/bases vs reference
    for (auto& v : rd) v = T(rnd());
    for (auto& v : rb) v = T(rnd());
    undelta_block<T>(rd, rb, out);
    ref_undelta<T>(rd, rb, back);
    CHECK(std::memcmp(out, back, sizeof(out)) == 0, "%s undelta vs ref", tname<T>());
    transpose_block<T>(in, tr);
    for (unsigned i = 0; i < 1024; ++i) CHECK(tr[i] == in[ref_transpose(i)], "%s transpose %u", tname<T>(), i);
    untranspose_block<T>(tr, back);
    CHECK(std::memcmp(back, in, sizeof(in)) == 0, "%s untranspose(transpose(x)) != x", tname<T>());
  }
  // Stream with a scalar remainder (older writers): 2 blocks + 100 values.
  const size_t n = 2148;
  std::vector<T> src(n), b(2 * L + 1), d(n), dec(n);
  for (size_t i = 0; i < n; ++i) src[i] = T(i * 3 + (rnd() & 3));
  for (size_t k = 0; k < 2; ++k) delta_block<T>(src.data() + k * 1024, b.data() + k * L, d.data() + k * 1024);
  b[2 * L] = src[2048];
  T prev = src[2048];
  for (size_t i = 2048; i < n; ++i) {
    d[i] = T(src[i] - prev);
    prev = src[i];
  }
  CHECK(undelta_stream<T>(b.data(), b.size(), d.data(), n, dec.data()), "undelta_stream false");
  CHECK(dec == src, "%s undelta_stream", tname<T>());
  CHECK(!undelta_stream<T>(b.data(), 2 * L, d.data(), n, dec.data()), "missing remainder base accepted");
  CHECK(undelta_stream<T>(b.data(), 2 * L, d.data(), 2048, dec.data()), "padded stream rejected");
}

void test_rle() {
  for (int trial = 0; trial < 50; ++trial) {
    const size_t n = trial == 0 ? 1024 : trial == 1 ? 1 : 1 + rnd() % 1024;
    std::vector<uint32_t> in(n), vals(n), out(1024);
    uint32_t cur = uint32_t(rnd());
    for (size_t j = 0; j < n; ++j) {
      if (rnd() % 10 == 0) cur = uint32_t(rnd() % 4);
      in[j] = cur;
    }
    uint16_t idx[1024];
    const size_t k = rle_encode_block<uint32_t>(in.data(), n, vals.data(), idx);
    size_t runs = 1;
    for (size_t j = 1; j < n; ++j) runs += in[j] != in[j - 1];
    CHECK(k == runs, "rle runs %zu vs %zu", k, runs);
    for (size_t j = 1; j < 1024; ++j) CHECK(idx[j] == idx[j - 1] || idx[j] == idx[j - 1] + 1, "rle idx step");
    rle_decode_block(vals.data(), k, idx, 1024, out.data());
    for (size_t j = 0; j < 1024; ++j) CHECK(out[j] == in[j < n ? j : n - 1], "rle decode %zu", j);
  }
  // Multi-block stream: offsets rebased on offsets[0]; garbage indices at "null" positions clamp.
  const size_t nb = 3;
  std::vector<uint64_t> src(nb * 1024), values;
  std::vector<uint8_t> indices(nb * 1024);
  std::vector<uint32_t> offsets;
  for (size_t i = 0; i < src.size(); ++i) src[i] = (i / 100) * 7;
  for (size_t b = 0; b < nb; ++b) {
    offsets.push_back(uint32_t(values.size() + 5));  // non-zero origin
    std::vector<uint64_t> bv(1024);
    uint16_t bi[1024];
    const size_t k = rle_encode_block<uint64_t>(src.data() + b * 1024, 1024, bv.data(), bi);
    values.insert(values.end(), bv.begin(), bv.begin() + long(k));
    for (size_t j = 0; j < 1024; ++j) indices[b * 1024 + j] = uint8_t(bi[j]);
  }
  indices[1500] = 255;  // garbage -> clamped to the block's last value
  std::vector<uint64_t> out(src.size());
  CHECK(rle_decode_range(values.data(), values.size(), indices.data(), indices.size(), offsets.data(), offsets.size(),
                         size_t(0), src.size(), out.data()),
        "rle_decode_range false");
  for (size_t i = 0; i < src.size(); ++i)
    if (i != 1500) CHECK(out[i] == src[i], "rle range %zu", i);
  CHECK(out[1500] == src[2047], "clamp");
  for (int t = 0; t < 30; ++t) {
    const size_t first = rnd() % src.size(), n = rnd() % (src.size() - first + 1);
    std::vector<uint64_t> o(n + 1);
    CHECK(rle_decode_range(values.data(), values.size(), indices.data(), indices.size(), offsets.data(),
                           offsets.size(), first, n, o.data()),
          "rle range false");
    for (size_t i = 0; i < n; ++i)
      if (first + i != 1500) CHECK(o[i] == src[first + i], "rle sub-range %zu+%zu", first, i);
  }
  CHECK(!rle_decode_range(values.data(), values.size(), indices.data(), indices.size(), offsets.data(), size_t(2),
                          size_t(2048), size_t(1), out.data()),
        "missing offset accepted");
}

// ---- benchmark -------------------------------------------------------------------------------------

double now_s() {
  return std::chrono::duration<double>(std::chrono::steady_clock::now().time_since_epoch()).count();
}

volatile uint64_t g_sink;
size_t g_skew = 0;  // output misalignment in bytes for the benchmark

// 64-byte aligned buffer (decoders hand out 64-byte aligned Arrow buffers); `skew` bytes shift it.
template <typename T>
struct Aligned {
  explicit Aligned(size_t n, size_t skew = 0)
      : raw(static_cast<char*>(std::aligned_alloc(64, (n * sizeof(T) + skew + 127) / 64 * 64))) {
    p = reinterpret_cast<T*>(raw + skew);
    std::memset(p, 0, n * sizeof(T));
  }
  ~Aligned() { std::free(raw); }
  Aligned(const Aligned&) = delete;
  Aligned& operator=(const Aligned&) = delete;
  T& operator[](size_t i) { return p[i]; }
  T* data() { return p; }
  char* raw;
  T* p;
};

// Best throughput (bytes/s / 1e9) over short trials: the machine is shared, so take the best.
template <typename F>
double best_gbps(size_t bytes_per_call, F&& f, double budget = 0.2) {
  double best = 0;
  const double end = now_s() + budget;
  do {
    int calls = 0;
    const double s = now_s();
    double e;
    do {
      f();
      ++calls;
      e = now_s();
    } while (e - s < 0.002);
    best = std::max(best, double(bytes_per_call) * calls / (e - s) / 1e9);
  } while (now_s() < end);
  return best;
}

// hot:    4 packed blocks unpacked over and over into a 4-block (L1-resident) buffer (unpack_block).
// 256KiB: unpack_range of a typical decoded chunk (L2-resident output).
// +off:   the same with a slice offset of 3 (partial first block, misaligned full blocks after it).
// +FoR:   unpack_range_for (frame-of-reference add fused per block).
// 32MiB:  unpack_range into a pre-faulted 32 MiB output (DRAM write bandwidth bound).
// pack:   pack_block, GB/s of unpacked input.
template <typename T>
void bench_unpack(unsigned W) {
  const size_t bw = packed_block_words<T>(W);
  constexpr size_t HB = 4;
  Aligned<T> vals(HB * 1024), packed(HB * bw + 1), out(HB * 1024, g_skew);
  for (size_t i = 0; i < HB * 1024; ++i) vals[i] = rnd_bits<T>(W);
  for (size_t b = 0; b < HB; ++b) pack_block<T>(vals.data() + b * 1024, W, packed.data() + b * bw);
  const double hot = best_gbps(HB * 1024 * sizeof(T), [&] {
    for (size_t b = 0; b < HB; ++b) unpack_block<T>(packed.data() + b * bw, W, out.data() + b * 1024);
  });
  g_sink = g_sink + out[7];

  const size_t mblk = (size_t(256) << 10) / (1024 * sizeof(T)), mlen = mblk * 1024;
  Aligned<T> mid(mblk * bw + 1), midout(mlen, g_skew);
  for (size_t b = 0; b < mblk; ++b) std::memcpy(mid.data() + b * bw, packed.data() + (b % HB) * bw, bw * sizeof(T));
  const size_t mw = mblk * bw;
  const double l2 = best_gbps(mlen * sizeof(T), [&] { unpack_range<T>(mid.data(), mw, W, 0, mlen, midout.data()); });
  const double l2off = best_gbps((mlen - 3) * sizeof(T),
                                 [&] { unpack_range<T>(mid.data(), mw, W, 3, mlen - 3, midout.data()); });
  const double l2for = best_gbps(mlen * sizeof(T),
                                 [&] { unpack_range_for<T>(mid.data(), mw, W, 0, mlen, T(1000), midout.data()); });
  g_sink = g_sink + midout[9];

  const size_t nblk = (size_t(32) << 20) / (1024 * sizeof(T));
  Aligned<T> big(nblk * bw + 1), bigout(nblk * 1024, g_skew);
  for (size_t b = 0; b < nblk; ++b) std::memcpy(big.data() + b * bw, packed.data() + (b % HB) * bw, bw * sizeof(T));
  const double stream = best_gbps(nblk * 1024 * sizeof(T),
                                  [&] { unpack_range<T>(big.data(), nblk * bw, W, 0, nblk * 1024, bigout.data()); },
                                  0.5);
  g_sink = g_sink + bigout[123];

  const double pk = best_gbps(HB * 1024 * sizeof(T), [&] {
    for (size_t b = 0; b < HB; ++b) pack_block<T>(vals.data() + b * 1024, W, packed.data() + b * bw);
  }, 0.1);
  g_sink = g_sink + packed[0];
  std::printf("  %-4s W=%-2u %7.1f %7.1f %7.1f %7.1f %7.1f   %7.1f\n", tname<T>(), W, hot, l2, l2off, l2for, stream,
              pk);
}

template <typename T>
void bench_delta() {
  constexpr unsigned L = kLanes<T>;
  alignas(64) T in[1024], bases[L], deltas[1024], out[1024];
  for (unsigned i = 0; i < 1024; ++i) in[i] = T(i * 3);
  delta_block<T>(in, bases, deltas);
  const double u = best_gbps(sizeof(in), [&] { undelta_block<T>(deltas, bases, out); }, 0.1);
  g_sink = g_sink + out[5];
  const double d = best_gbps(sizeof(in), [&] { delta_block<T>(in, bases, deltas); }, 0.1);
  g_sink = g_sink + deltas[5];
  std::printf("  %-4s undelta_block %6.2f GB/s   delta_block %6.2f GB/s\n", tname<T>(), u, d);
}

void bench() {
  std::printf("output buffers 64-byte aligned + %zu bytes\nmemcpy 32MiB: ", g_skew);
  {
    std::vector<char> a(32 << 20, 1), b(32 << 20, 2);
    double best = 1e9;
    for (int r = 0; r < 5; ++r) {
      const double s = now_s();
      std::memcpy(b.data(), a.data(), a.size());
      best = std::min(best, now_s() - s);
    }
    g_sink = g_sink + uint64_t(b[77]);
    std::printf("%.2f GB/s\n", double(a.size()) / best / 1e9);
  }
  for (int level = 0; level <= 2; ++level) {
    force_kernel_isa(level);
    if (level > 0 && std::strcmp(kernel_isa(), level == 1 ? "avx2" : "avx512") != 0) continue;
    std::printf("ISA %s            GB/s:  hot  256KiB    +off    +FoR   32MiB      pack\n", kernel_isa());
    for (unsigned W : {1u, 3u, 5u}) bench_unpack<uint8_t>(W);
    for (unsigned W : {3u, 9u, 13u}) bench_unpack<uint16_t>(W);
    for (unsigned W : {3u, 7u, 13u, 21u, 32u}) bench_unpack<uint32_t>(W);
    for (unsigned W : {11u, 40u}) bench_unpack<uint64_t>(W);
  }
  force_kernel_isa(99);
  std::printf("delta (%s)\n", kernel_isa());
  bench_delta<uint8_t>();
  bench_delta<uint16_t>();
  bench_delta<uint32_t>();
  bench_delta<uint64_t>();
}

}  // namespace

int main(int argc, char** argv) {
  const bool want_bench = argc > 1 && std::string(argv[1]) == "--bench";
  if (argc > 2) g_skew = size_t(std::atoi(argv[2])) / 8 * 8;  // e.g. --bench 16: misaligned output
  test_index_math();
  test_sanity_example();
  for (int level = 0; level <= 2; ++level) {
    force_kernel_isa(level);
    const char* isa = kernel_isa();
    if (level == 1 && std::strcmp(isa, "avx2") != 0) continue;
    if (level == 2 && std::strcmp(isa, "avx512") != 0) continue;
    const int before = g_failures;
    test_bitpacking_type<uint8_t>(isa);
    test_bitpacking_type<uint16_t>(isa);
    test_bitpacking_type<uint32_t>(isa);
    test_bitpacking_type<uint64_t>(isa);
    std::printf("bit-packing (every T, every W) on %s: %s\n", isa, g_failures == before ? "ok" : "FAILED");
  }
  force_kernel_isa(99);
  test_sanity_example();
  test_delta_type<uint8_t>();
  test_delta_type<uint16_t>();
  test_delta_type<uint32_t>();
  test_delta_type<uint64_t>();
  test_rle();
  if (g_failures != 0) {
    std::fprintf(stderr, "%d check(s) failed\n", g_failures);
    return 1;
  }
  std::printf("all fastlanes tests passed (kernels: %s)\n", kernel_isa());
  if (want_bench) bench();
  return 0;
}
