// FastLanes kernels (Rust `fastlanes` crate layout, vortex-format.md §5.2, §5.4, §5.5).
// Pure C++20, no Node headers. T is one of uint8_t, uint16_t, uint32_t, uint64_t; signed columns
// are processed through their unsigned counterpart (two's-complement bits). One block = 1024 values.
//
// Layout summary (see README.md next to this file): a block packed at width W is W*LANES words of T
// (LANES = 1024 / bits(T)); word[k*LANES + lane]. Lane `lane` holds rows 0..bits(T)-1 as one
// LSB-first bit stream, row r at stream bits [r*W, r*W+W); element index of (row, lane) is
// fl_index(row, lane) = FL_ORDER[row/8]*16 + (row%8)*128 + lane.
//
// Bulk kernels (unpack/pack/delta) are defined in kernels.cc: one function per (T, W), unrolled at
// compile time, vectorised over lanes, with SSE2 / AVX2 / AVX-512 variants picked at run time.
// For full speed give unpack a 64-byte aligned destination (misaligned wide stores split cache
// lines: about 40% slower when the output is not L1-resident).
#pragma once
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <type_traits>

namespace gyre::fl {

inline constexpr unsigned kBlockLen = 1024;
inline constexpr unsigned FL_ORDER[8] = {0, 4, 2, 6, 1, 5, 3, 7};  // its own inverse

template <typename T>
concept Word = std::is_same_v<T, uint8_t> || std::is_same_v<T, uint16_t> || std::is_same_v<T, uint32_t> ||
               std::is_same_v<T, uint64_t>;

template <typename T>
inline constexpr unsigned kBits = unsigned(sizeof(T) * 8);
template <typename T>
inline constexpr unsigned kLanes = kBlockLen / kBits<T>;

// Words of T (and bytes) one packed block occupies at width W.
template <typename T>
constexpr size_t packed_block_words(unsigned W) {
  return size_t(W) * kLanes<T>;
}
constexpr size_t packed_block_bytes(unsigned W) { return size_t(W) * 128; }

// Element index (within a block) of FastLanes (row, lane); row < bits(T), lane < LANES.
constexpr unsigned fl_index(unsigned row, unsigned lane) {
  return FL_ORDER[row / 8] * 16 + (row % 8) * 128 + lane;
}

// Inverse of fl_index for type T: block element j -> (row, lane).
template <typename T>
constexpr void fl_position(unsigned j, unsigned& row, unsigned& lane) {
  const unsigned r = j % 128;
  lane = r % kLanes<T>;
  row = 8 * FL_ORDER[(r - lane) / 16] + j / 128;
}

// The transpose permutation of §5.5 (independent of T): transposed[i] = linear[transpose_index(i)].
constexpr unsigned transpose_index(unsigned i) { return (i % 16) * 64 + FL_ORDER[(i / 16) % 8] * 8 + i / 128; }

// Low-W-bit mask in T (W may equal bits(T)).
template <Word T>
constexpr T low_mask(unsigned W) {
  return W >= kBits<T> ? T(~T(0)) : T((uint64_t(1) << W) - 1);
}

// ---- bit-packing -----------------------------------------------------------------------------

// Unpack one block packed at width W (0..bits(T)) from `in` (packed_block_words<T>(W) words) into
// out[1024]. W > bits(T) is a precondition violation; the output is then zero-filled.
template <Word T>
void unpack_block(const T* in, unsigned W, T* out);

// Fused frame-of-reference decode: out[i] = unpacked[i] + reference (wrapping), same speed as
// unpack_block.
template <Word T>
void unpack_block_for(const T* in, unsigned W, T reference, T* out);

// Pack in[1024] at width W into packed_block_words<T>(W) words. Only the low W bits of each input
// value are stored (wider values are the writer's patches).
template <Word T>
void pack_block(const T* in, unsigned W, T* out);

// Random access: element i of a packed stream (any number of blocks).
template <Word T>
inline T unpack_single(const T* packed, unsigned W, size_t i) {
  if (W == 0) return 0;
  constexpr unsigned B = kBits<T>;
  unsigned row, lane;
  fl_position<T>(unsigned(i % kBlockLen), row, lane);
  const T* blk = packed + (i / kBlockLen) * packed_block_words<T>(W);
  const unsigned bit = row * W, k = bit / B, s = bit % B;
  uint64_t v = uint64_t(blk[k * kLanes<T> + lane]) >> s;
  if (s + W > B) v |= uint64_t(blk[(k + 1) * kLanes<T> + lane]) << (B - s);
  return T(v) & low_mask<T>(W);
}

// Unpack elements [first, first+n) of a packed stream of packed_words words (the stream holds
// packed_words / packed_block_words(W) whole blocks; W == 0 streams may be empty) into out[0..n).
// Partial first/last blocks are handled. Returns false (writing nothing) if W > bits(T), if
// packed_words is not a whole number of blocks, or if the range does not lie inside the stream
// (for W == 0 any range is accepted and zero-filled).
template <Word T>
bool unpack_range(const T* packed, size_t packed_words, unsigned W, size_t first, size_t n, T* out);

// Same, fused with frame-of-reference decode: out[i] = unpacked[i] + reference (wrapping).
template <Word T>
bool unpack_range_for(const T* packed, size_t packed_words, unsigned W, size_t first, size_t n, T reference,
                      T* out);

// ---- transposition / delta (§5.5) --------------------------------------------------------------

// out[i] = in[transpose_index(i)]  (linear -> transposed)
template <Word T>
void transpose_block(const T* in, T* out);
// out[transpose_index(i)] = in[i]  (transposed -> linear)
template <Word T>
void untranspose_block(const T* in, T* out);

// Decode one delta block: deltas in transposed order, bases[LANES]; out[1024] in linear order.
// Per lane, a wrapping running sum over rows in fl_index order starting at bases[lane], then untranspose.
template <Word T>
void undelta_block(const T* deltas_transposed, const T* bases, T* out);

// Writer inverse: in[1024] linear; bases_out[LANES] = transposed[0..LANES); deltas in transposed order.
template <Word T>
void delta_block(const T* in, T* bases_out, T* deltas_transposed_out);

// Whole `fastlanes.delta` deltas child: deltas_len values, bases_len bases. Full 1024-blocks use
// undelta_block with LANES bases each; a trailing partial block (written by older Vortex versions,
// bases_len == nblocks*LANES + 1) is a plain linear scalar delta from bases[nblocks*LANES]. Writes
// deltas_len values. Returns false if bases_len is too small.
template <Word T>
bool undelta_stream(const T* bases, size_t bases_len, const T* deltas, size_t deltas_len, T* out);

// ---- RLE helpers (§5.4) -------------------------------------------------------------------------

// Decode one block's n (<= 1024) values: out[j] = values[min(indices[j], nvalues-1)] (indices at
// null positions may be garbage, hence the clamp). nvalues == 0 yields zeros.
template <typename V, typename I>
inline void rle_decode_block(const V* values, size_t nvalues, const I* indices, size_t n, V* out) {
  if (nvalues <= 1) {
    const V fill = nvalues ? values[0] : V{};
    for (size_t j = 0; j < n; ++j) out[j] = fill;
    return;
  }
  const size_t last = nvalues - 1;
  for (size_t j = 0; j < n; ++j) {
    size_t k = size_t(indices[j]);
    out[j] = values[k < last ? k : last];
  }
}

// Decode logical rows [first, first+n) of an RLE array (before its own `offset` is applied, i.e.
// pass first = offset + row). values[values_len]; indices[indices_len] (multiple of 1024, linear,
// not transposed); offsets[noffsets] = values_idx_offsets (one per block; rebased on offsets[0]).
// Returns false on inconsistent input (range outside indices, offsets out of order or past values).
template <typename V, typename I, typename O>
inline bool rle_decode_range(const V* values, size_t values_len, const I* indices, size_t indices_len,
                             const O* offsets, size_t noffsets, size_t first, size_t n, V* out) {
  if (first > indices_len || n > indices_len - first) return false;
  if (n == 0) return true;
  const size_t b0 = first / kBlockLen, b1 = (first + n - 1) / kBlockLen;
  if (b1 >= noffsets) return false;
  const uint64_t origin = uint64_t(offsets[0]);
  size_t done = 0;
  for (size_t b = b0; b <= b1; ++b) {
    const uint64_t lo = uint64_t(offsets[b]) - origin;
    const uint64_t hi = b + 1 < noffsets ? uint64_t(offsets[b + 1]) - origin : uint64_t(values_len);
    if (uint64_t(offsets[b]) < origin || lo > hi || hi > values_len) return false;
    const size_t start = b == b0 ? first % kBlockLen : 0;
    const size_t take = (b == b1 ? (first + n - 1) % kBlockLen + 1 : kBlockLen) - start;
    rle_decode_block(values + lo, size_t(hi - lo), indices + b * kBlockLen + start, take, out + done);
    done += take;
  }
  return true;
}

// Encode one block for the writer: runs of equal values (bitwise equality; pass float columns as
// their unsigned bit pattern) become values_out[0..k) and indices_out[1024] = run number per
// position. Positions n..1023 repeat the last value (the writer's tail padding). Returns k
// (0 iff n == 0, in which case all indices are 0). values_out must hold up to n entries.
template <typename V>
inline size_t rle_encode_block(const V* in, size_t n, V* values_out, uint16_t* indices_out) {
  if (n == 0) {
    std::memset(indices_out, 0, kBlockLen * sizeof(uint16_t));
    return 0;
  }
  size_t k = 0;
  V prev = in[0];
  values_out[k++] = prev;
  indices_out[0] = 0;
  for (size_t j = 1; j < n; ++j) {
    if (std::memcmp(&in[j], &prev, sizeof(V)) != 0) {
      prev = in[j];
      values_out[k++] = prev;
    }
    indices_out[j] = uint16_t(k - 1);
  }
  for (size_t j = n; j < kBlockLen; ++j) indices_out[j] = uint16_t(k - 1);
  return k;
}

// Which SIMD variant the bulk kernels use on this machine ("avx512", "avx2", "sse2" or "generic").
const char* kernel_isa();
// Force a variant for tests/benchmarks: 0 = baseline, 1 = AVX2, 2 = AVX-512 (clamped to what the
// CPU supports). Not thread-safe; call before decoding starts.
void force_kernel_isa(int level);

#define GYRE_FL_EXTERN(T)                                                                                   \
  extern template void unpack_block<T>(const T*, unsigned, T*);                                             \
  extern template void unpack_block_for<T>(const T*, unsigned, T, T*);                                     \
  extern template void pack_block<T>(const T*, unsigned, T*);                                               \
  extern template bool unpack_range<T>(const T*, size_t, unsigned, size_t, size_t, T*);                     \
  extern template bool unpack_range_for<T>(const T*, size_t, unsigned, size_t, size_t, T, T*);              \
  extern template void transpose_block<T>(const T*, T*);                                                    \
  extern template void untranspose_block<T>(const T*, T*);                                                  \
  extern template void undelta_block<T>(const T*, const T*, T*);                                            \
  extern template void delta_block<T>(const T*, T*, T*);                                                    \
  extern template bool undelta_stream<T>(const T*, size_t, const T*, size_t, T*);
GYRE_FL_EXTERN(uint8_t)
GYRE_FL_EXTERN(uint16_t)
GYRE_FL_EXTERN(uint32_t)
GYRE_FL_EXTERN(uint64_t)
#undef GYRE_FL_EXTERN

}  // namespace gyre::fl
