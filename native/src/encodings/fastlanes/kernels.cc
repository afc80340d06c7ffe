// FastLanes bulk kernels. See kernels.hpp for the contract and README.md for the layout.
//
// Strategy: for a fixed (T, W) every row of a block reads the same word-row k = row*W/bits(T) with
// the same shift in every lane, and writes a contiguous run of LANES outputs (fl_index(row, 0) +
// lane). So one function per (T, W) walks the lanes in SIMD-register-sized groups and, inside a
// group, runs the bits(T) rows fully unrolled with compile-time shifts and masks (fold over an
// index_sequence). GCC/Clang vector extensions give the same source an SSE2 (16-byte), AVX2
// (32-byte) and AVX-512 (64-byte) instantiation; the widest one the CPU supports is picked once at
// run time. The baseline build needs nothing beyond x86-64 SSE2 (or any target the vector
// extension lowers to).
#include "encodings/fastlanes/kernels.hpp"

#include <array>
#include <atomic>
#include <utility>

#pragma GCC diagnostic ignored "-Wpsabi"  // 32/64-byte vectors only cross always_inline boundaries

#if defined(__x86_64__) || defined(__i386__)
#define GYRE_FL_X86 1
#define GYRE_FL_AVX2 __attribute__((target("avx2")))
#define GYRE_FL_AVX512 __attribute__((target("avx512f,avx512bw,avx2")))
#else
#define GYRE_FL_X86 0
#define GYRE_FL_AVX2
#define GYRE_FL_AVX512
#endif
#define GYRE_FL_INLINE inline __attribute__((always_inline))

namespace gyre::fl {
namespace {

template <typename T, int VB>
struct VecOf {
  typedef T type __attribute__((vector_size(VB)));
};

template <typename V, typename T>
GYRE_FL_INLINE V vload(const T* p) {
  V v;
  __builtin_memcpy(&v, p, sizeof(V));
  return v;
}
template <typename V, typename T>
GYRE_FL_INLINE void vstore(T* p, const V& v) {
  __builtin_memcpy(p, &v, sizeof(V));
}

// Kernels for one (T, W) and one vector width VB (bytes). W in [1, bits(T)].
template <typename T, unsigned W, int VB>
struct Kern {
  using V = typename VecOf<T, VB>::type;
  static constexpr unsigned B = kBits<T>;
  static constexpr unsigned L = kLanes<T>;
  static constexpr unsigned N = VB / sizeof(T);  // lanes per vector; divides L
  static constexpr T M = low_mask<T>(W);
  static_assert(W >= 1 && W <= B && L % N == 0);

  // Row R of one lane group; adds `ref` (wrapping) to every value: 0 for plain unpack, the
  // frame-of-reference for fused FoR decode (one vector add per row, within measurement noise).
  template <unsigned R>
  static GYRE_FL_INLINE void unpack_row(const T* __restrict in, T* __restrict out, V& cur, const V& ref) {
    constexpr unsigned bit = R * W, k = bit / B, s = bit % B;
    if constexpr (s == 0) cur = vload<V>(in + k * L);
    V v;
    if constexpr (s + W <= B) {
      v = cur >> s;
      if constexpr (s + W < B) v &= M;
    } else {
      const V nx = vload<V>(in + (k + 1) * L);
      v = ((cur >> s) | (nx << (B - s))) & M;
      cur = nx;
    }
    vstore(out + fl_index(R, 0), v + ref);
  }

  template <unsigned R>
  static GYRE_FL_INLINE void pack_row(const T* __restrict in, T* __restrict out, V& acc) {
    constexpr unsigned bit = R * W, k = bit / B, s = bit % B;
    V v = vload<V>(in + fl_index(R, 0));
    if constexpr (W < B) v &= M;
    if constexpr (s == 0)
      acc = v;
    else
      acc |= v << s;
    if constexpr (s + W >= B) {
      vstore(out + k * L, acc);
      if constexpr (s + W > B) acc = v >> (B - s);
    }
  }

  template <size_t... R>
  static GYRE_FL_INLINE void unpack_group(const T* __restrict in, T* __restrict out, const V& ref,
                                          std::index_sequence<R...>) {
    V cur{};
    (unpack_row<R>(in, out, cur, ref), ...);
  }
  template <size_t... R>
  static GYRE_FL_INLINE void pack_group(const T* __restrict in, T* __restrict out, std::index_sequence<R...>) {
    V acc{};
    (pack_row<R>(in, out, acc), ...);
  }

  static GYRE_FL_INLINE void unpack(const T* __restrict in, T* __restrict out, T ref) {
    const V r = V{} + ref;
    for (unsigned g = 0; g < L; g += N) unpack_group(in + g, out + g, r, std::make_index_sequence<B>{});
  }
  static GYRE_FL_INLINE void pack(const T* __restrict in, T* __restrict out) {
    for (unsigned g = 0; g < L; g += N) pack_group(in + g, out + g, std::make_index_sequence<B>{});
  }
};

// W == 0: every value is `ref`.
template <typename T>
GYRE_FL_INLINE void fill_block(T* out, T ref) {
  for (unsigned i = 0; i < kBlockLen; ++i) out[i] = ref;
}

template <typename T>
using UnpackFn = void (*)(const T*, T*, T);
template <typename T>
using PackFn = void (*)(const T*, T*);

// One out-of-line function per (T, W, ISA). W == 0: unpack fills with ref, pack writes nothing.
// Unpack has SSE2 / AVX2 / AVX-512 variants, pack (writer only) SSE2 / AVX2.
template <typename T, unsigned W>
void unpack_sse(const T* in, T* out, T ref) {
  if constexpr (W == 0)
    fill_block(out, ref);
  else
    Kern<T, W, 16>::unpack(in, out, ref);
}
template <typename T, unsigned W>
void pack_sse(const T* in, T* out) {
  if constexpr (W != 0) Kern<T, W, 16>::pack(in, out);
}
#if GYRE_FL_X86
template <typename T, unsigned W>
GYRE_FL_AVX2 void unpack_avx2(const T* in, T* out, T ref) {
  if constexpr (W == 0)
    fill_block(out, ref);
  else
    Kern<T, W, 32>::unpack(in, out, ref);
}
template <typename T, unsigned W>
GYRE_FL_AVX2 void pack_avx2(const T* in, T* out) {
  if constexpr (W != 0) Kern<T, W, 32>::pack(in, out);
}
template <typename T, unsigned W>
GYRE_FL_AVX512 void unpack_avx512(const T* in, T* out, T ref) {
  if constexpr (W == 0)
    fill_block(out, ref);
  else
    Kern<T, W, 64>::unpack(in, out, ref);
}
#endif

template <typename T>
struct Tables {
  using U = std::array<UnpackFn<T>, kBits<T> + 1>;
  using P = std::array<PackFn<T>, kBits<T> + 1>;
  template <size_t... W>
  static constexpr U make_unpack(int isa, std::index_sequence<W...>) {
#if GYRE_FL_X86
    if (isa == 2) return U{&unpack_avx512<T, W>...};
    if (isa == 1) return U{&unpack_avx2<T, W>...};
#endif
    return U{&unpack_sse<T, W>...};
  }
  template <size_t... W>
  static constexpr P make_pack(int isa, std::index_sequence<W...>) {
#if GYRE_FL_X86
    if (isa >= 1) return P{&pack_avx2<T, W>...};  // writer-side: AVX2 is plenty, saves code size
#endif
    return P{&pack_sse<T, W>...};
  }
  static constexpr auto seq = std::make_index_sequence<kBits<T> + 1>{};
  static constexpr U unpack[3] = {make_unpack(0, seq), make_unpack(1, seq), make_unpack(2, seq)};
  static constexpr P pack[3] = {make_pack(0, seq), make_pack(1, seq), make_pack(2, seq)};
};

// ---- run-time ISA selection ----------------------------------------------------------------------

int detect_isa() {
#if GYRE_FL_X86
  __builtin_cpu_init();
  if (__builtin_cpu_supports("avx512f") && __builtin_cpu_supports("avx512bw")) return 2;
  if (__builtin_cpu_supports("avx2")) return 1;
#endif
  return 0;
}
std::atomic<int> g_isa{-1};

inline int isa() {
  int v = g_isa.load(std::memory_order_relaxed);
  if (v < 0) {
    v = detect_isa();
    g_isa.store(v, std::memory_order_relaxed);
  }
  return v;
}

template <typename T>
inline UnpackFn<T> unpack_fn(unsigned W) {
  return Tables<T>::unpack[isa()][W];
}
template <typename T>
inline PackFn<T> pack_fn(unsigned W) {
  return Tables<T>::pack[isa()][W];
}

// Untranspose in output order: out[l*64 + p*8 + s] = in[s*128 + FL_ORDER[p]*16 + l].
template <typename T>
inline void untranspose_impl(const T* __restrict in, T* __restrict out) {
  for (unsigned l = 0; l < 16; ++l)
    for (unsigned p = 0; p < 8; ++p) {
      const T* src = in + FL_ORDER[p] * 16 + l;
      T* dst = out + l * 64 + p * 8;
      for (unsigned s = 0; s < 8; ++s) dst[s] = src[s * 128];
    }
}
// Transpose in input-linear order: out[s*128 + FL_ORDER[p]*16 + l] = in[l*64 + p*8 + s].
template <typename T>
inline void transpose_impl(const T* __restrict in, T* __restrict out) {
  for (unsigned l = 0; l < 16; ++l)
    for (unsigned p = 0; p < 8; ++p) {
      const T* src = in + l * 64 + p * 8;
      T* dst = out + FL_ORDER[p] * 16 + l;
      for (unsigned s = 0; s < 8; ++s) dst[s * 128] = src[s];
    }
}

// Blocks whose requested part is at most this many values are decoded element by element.
constexpr size_t kSingleThreshold = 48;

// ref == 0 is the plain unpack; otherwise frame-of-reference values come out (wrapping add).
template <typename T>
bool unpack_range_impl(const T* packed, size_t packed_words, unsigned W, size_t first, size_t n, T ref, T* out) {
  if (W > kBits<T>) return false;
  if (W == 0) {
    for (size_t i = 0; i < n; ++i) out[i] = ref;
    return true;
  }
  const size_t bw = packed_block_words<T>(W);
  if (packed_words % bw != 0) return false;
  const size_t total = packed_words / bw * kBlockLen;
  if (first > total || n > total - first) return false;
  const UnpackFn<T> fn = unpack_fn<T>(W);
  alignas(64) T tmp[kBlockLen];
  size_t pos = first, left = n;
  T* o = out;
  while (left != 0) {
    const size_t off = pos % kBlockLen;
    const size_t take = left < kBlockLen - off ? left : kBlockLen - off;
    const T* blk = packed + (pos / kBlockLen) * bw;
    if (take == kBlockLen) {
      // Straight into the destination, even when misaligned (after a partial first block): that
      // measured faster than staging through the aligned scratch block and copying.
      fn(blk, o, ref);
    } else if (take <= kSingleThreshold) {
      for (size_t i = 0; i < take; ++i) o[i] = T(unpack_single<T>(blk, W, off + i) + ref);
    } else {
      fn(blk, tmp, ref);
      __builtin_memcpy(o, tmp + off, take * sizeof(T));
    }
    o += take;
    pos += take;
    left -= take;
  }
  return true;
}

}  // namespace

// ---- public entry points ---------------------------------------------------------------------------

template <Word T>
void unpack_block(const T* in, unsigned W, T* out) {
  if (W > kBits<T>) {
    __builtin_memset(out, 0, kBlockLen * sizeof(T));
    return;
  }
  unpack_fn<T>(W)(in, out, T(0));
}

template <Word T>
void unpack_block_for(const T* in, unsigned W, T reference, T* out) {
  if (W > kBits<T>) {
    __builtin_memset(out, 0, kBlockLen * sizeof(T));
    return;
  }
  unpack_fn<T>(W)(in, out, reference);
}

template <Word T>
void pack_block(const T* in, unsigned W, T* out) {
  if (W > kBits<T>) return;
  pack_fn<T>(W)(in, out);
}

template <Word T>
bool unpack_range(const T* packed, size_t packed_words, unsigned W, size_t first, size_t n, T* out) {
  return unpack_range_impl<T>(packed, packed_words, W, first, n, T(0), out);
}

template <Word T>
bool unpack_range_for(const T* packed, size_t packed_words, unsigned W, size_t first, size_t n, T reference,
                      T* out) {
  return unpack_range_impl<T>(packed, packed_words, W, first, n, reference, out);
}

template <Word T>
void transpose_block(const T* in, T* out) {
  transpose_impl(in, out);
}

template <Word T>
void untranspose_block(const T* in, T* out) {
  untranspose_impl(in, out);
}

template <Word T>
void undelta_block(const T* deltas_transposed, const T* bases, T* out) {
  constexpr unsigned L = kLanes<T>, B = kBits<T>;
  alignas(64) T acc[L];
  alignas(64) T tmp[kBlockLen];
  __builtin_memcpy(acc, bases, sizeof(acc));
  // Running sums down each lane; for a fixed row the LANES values are contiguous, so this vectorises.
  for (unsigned r = 0; r < B; ++r) {
    const T* d = deltas_transposed + fl_index(r, 0);
    T* t = tmp + fl_index(r, 0);
    for (unsigned l = 0; l < L; ++l) {
      acc[l] = T(acc[l] + d[l]);
      t[l] = acc[l];
    }
  }
  untranspose_impl(tmp, out);
}

template <Word T>
void delta_block(const T* in, T* bases_out, T* deltas_transposed_out) {
  constexpr unsigned L = kLanes<T>, B = kBits<T>;
  alignas(64) T tmp[kBlockLen];
  transpose_impl(in, tmp);
  __builtin_memcpy(bases_out, tmp, L * sizeof(T));
  // Row 0 minus its base is 0; row r minus row r-1 of the same lane otherwise.
  for (unsigned l = 0; l < L; ++l) deltas_transposed_out[l] = 0;
  for (unsigned r = 1; r < B; ++r) {
    const T* cur = tmp + fl_index(r, 0);
    const T* prev = tmp + fl_index(r - 1, 0);
    T* d = deltas_transposed_out + fl_index(r, 0);
    for (unsigned l = 0; l < L; ++l) d[l] = T(cur[l] - prev[l]);
  }
}

template <Word T>
bool undelta_stream(const T* bases, size_t bases_len, const T* deltas, size_t deltas_len, T* out) {
  constexpr unsigned L = kLanes<T>;
  const size_t nblocks = deltas_len / kBlockLen, rem = deltas_len % kBlockLen;
  if (bases_len / L < nblocks) return false;
  if (rem != 0 && bases_len < nblocks * L + 1) return false;
  for (size_t b = 0; b < nblocks; ++b)
    undelta_block<T>(deltas + b * kBlockLen, bases + b * L, out + b * kBlockLen);
  if (rem != 0) {
    T prev = bases[nblocks * L];
    const T* d = deltas + nblocks * kBlockLen;
    T* o = out + nblocks * kBlockLen;
    for (size_t i = 0; i < rem; ++i) {
      prev = T(prev + d[i]);
      o[i] = prev;
    }
  }
  return true;
}

const char* kernel_isa() {
  static const char* const names[3] = {GYRE_FL_X86 ? "sse2" : "generic", "avx2", "avx512"};
  return names[isa()];
}

void force_kernel_isa(int level) {
  const int best = detect_isa();
  g_isa.store(level < 0 ? 0 : (level > best ? best : level), std::memory_order_relaxed);
}

#define GYRE_FL_INSTANTIATE(T)                                                                \
  template void unpack_block<T>(const T*, unsigned, T*);                                      \
  template void unpack_block_for<T>(const T*, unsigned, T, T*);                               \
  template void pack_block<T>(const T*, unsigned, T*);                                        \
  template bool unpack_range<T>(const T*, size_t, unsigned, size_t, size_t, T*);              \
  template bool unpack_range_for<T>(const T*, size_t, unsigned, size_t, size_t, T, T*);       \
  template void transpose_block<T>(const T*, T*);                                             \
  template void untranspose_block<T>(const T*, T*);                                           \
  template void undelta_block<T>(const T*, const T*, T*);                                     \
  template void delta_block<T>(const T*, T*, T*);                                             \
  template bool undelta_stream<T>(const T*, size_t, const T*, size_t, T*);
GYRE_FL_INSTANTIATE(uint8_t)
GYRE_FL_INSTANTIATE(uint16_t)
GYRE_FL_INSTANTIATE(uint32_t)
GYRE_FL_INSTANTIATE(uint64_t)
#undef GYRE_FL_INSTANTIATE

}  // namespace gyre::fl
