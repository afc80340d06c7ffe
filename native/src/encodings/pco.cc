// vortex.pco (vortex-format.md §5.17): numbers compressed with pcodec ("pco", Rust crate 1.0.x,
// format version 4.x, "wrapped" mode). Our own decoder, written from the format as the reference
// implements it:
//
//   vortex metadata  PcoMetadata{header, chunks[{pages[{n_values}]}]}
//   buffers          one chunk-meta buffer per chunk, then every page (chunk-major)
//   children         [validity (opt)]: only valid values are stored; they are scattered to the
//                    valid rows in order.
//
//   header     u8 major version (≤ 4), u8 minor version when major ≥ 4
//   chunk meta (LSB-first bit stream)
//              mode: 4 bits {0 classic, 1 int mult (base), 2 float mult (base), 3 float quant (k:8),
//                    4 dict (n:25, byte align, n latents)}
//              delta encoding: 4 bits {0 none, 1 consecutive (order:3, secondary:1),
//                    2 lookback (window_log-1:5, state_log:4, secondary:1),
//                    3 conv1 (quantization:5, bias:64, order-1:5, weights:32 each)}
//                    (major < 3: just order:3 → none/consecutive)
//              latent variables [delta (lookback only, u32)], primary, [secondary]:
//                    ans_size_log:4, n_bins:15, bins {weight-1: ans_size_log, lower: L bits,
//                    offset_bits: log2(L bits)+1 bits}
//              zero bits to the byte boundary
//   page       per latent variable: delta state (n_per_state latents of L bits) and 4 final tANS
//              state indices (ans_size_log bits each); zero bits to the byte boundary; then batches
//              of 256 numbers: for each latent variable, the tANS-coded bins of the batch
//              (4 interleaved states), then the offsets within the bins; zero bits at the end.
//
// Latents are unsigned words the width of the number type; numbers map to latents order-
// preservingly (signed: flip the sign bit; floats: flip sign bit, or all bits when negative).
// Every length and index from the file is validated; reads are bounds-checked per batch against a
// zero-padded copy of each buffer.
#include <bit>
#include <cmath>
#include <vector>
#ifdef GYRE_PCO_TRACE
#include <cstdio>
#endif

#include "common.hpp"

namespace gyre {
namespace {

constexpr unsigned kBatchN = 256;
constexpr unsigned kInterleave = 4;
constexpr unsigned kMaxAnsBits = 14;
constexpr unsigned kMaxLookbackWindowLog = 24;
constexpr unsigned kMaxConv1Order = 32;
// Upper bound of the bytes one latent variable's batch can span (tANS bits + 64-bit offsets),
// plus the 16 bytes a read may touch past its position.
constexpr size_t kBatchSpan = kBatchN * (kMaxAnsBits + 64) / 8 + 32;
constexpr size_t kPad = kBatchSpan + 64;

[[noreturn]] void pco_corrupt(const std::string& m) { corrupt("vortex.pco: " + m); }

// LSB-first bit reader over a zero-padded copy of a buffer.
class BitReader {
 public:
  explicit BitReader(Bytes b) : size_(b.size), buf_(b.size + kPad, 0) {
    if (b.size) std::memcpy(buf_.data(), b.data, b.size);
  }
  uint64_t bit() const { return bit_; }
  void set_bit(uint64_t b) { bit_ = b; }
  const uint8_t* data() const { return buf_.data(); }
  // Reads n ≤ 64 bits (guarded).
  uint64_t read(unsigned n) {
    guard(16);
    uint64_t v = peek_at(bit_, n);
    bit_ += n;
    return v;
  }
  uint64_t peek_at(uint64_t bit, unsigned n) const {
    if (n == 0) return 0;
    const uint8_t* p = buf_.data() + (bit >> 3);
    unsigned s = unsigned(bit & 7);
    uint64_t v = load_le<uint64_t>(p) >> s;
    if (n > 64 - s) v |= load_le<uint64_t>(p + 8) << (64 - s);
    return n >= 64 ? v : v & ((uint64_t(1) << n) - 1);
  }
  // Makes sure `bytes` more bytes from the current position lie within the padded copy.
  void guard(size_t bytes) const {
    if ((bit_ >> 3) + bytes > buf_.size()) pco_corrupt("read past the end of a buffer");
  }
  // Everything read so far must lie within the real bytes.
  void check() const {
    if (bit_ > uint64_t(size_) * 8) pco_corrupt("data truncated");
  }
  void drain_empty_byte(const char* what) {
    check();
    unsigned r = unsigned(bit_ & 7);
    if (r) {
      if (buf_[bit_ >> 3] >> r) pco_corrupt(what);
      bit_ += 8 - r;
    }
  }
  size_t size() const { return size_; }
  uint64_t bits_left() const { return bit_ > uint64_t(size_) * 8 ? 0 : uint64_t(size_) * 8 - bit_; }

 private:
  size_t size_;
  std::vector<uint8_t> buf_;
  uint64_t bit_ = 0;
};

// ---- chunk metadata ---------------------------------------------------------------------------

enum class ModeKind { Classic, IntMult, FloatMult, FloatQuant, Dict };
struct Mode {
  ModeKind kind = ModeKind::Classic;
  uint64_t base = 0;  // int/float mult (a latent)
  unsigned k = 0;     // float quant
  std::vector<uint64_t> dict;
};

enum class DeltaKind { NoOp, Consecutive, Lookback, Conv1 };
struct DeltaEncoding {
  DeltaKind kind = DeltaKind::NoOp;
  unsigned order = 0;
  bool secondary_uses_delta = false;
  unsigned window_n_log = 0, state_n_log = 0;
  unsigned quantization = 0;
  int64_t bias = 0;
  std::vector<int64_t> weights;
};
// The delta encoding as it applies to one latent variable.
struct VarDelta {
  DeltaKind kind = DeltaKind::NoOp;
  unsigned order = 0;
  unsigned window_n_log = 0, state_n_log = 0;
  unsigned quantization = 0;
  int64_t bias = 0;
  std::vector<int64_t> weights;
  size_t n_per_state() const {
    switch (kind) {
      case DeltaKind::NoOp: return 0;
      case DeltaKind::Consecutive: return order;
      case DeltaKind::Lookback: return size_t(1) << state_n_log;
      case DeltaKind::Conv1: return weights.size();
    }
    return 0;
  }
};
enum class VarKey { Delta, Primary, Secondary };

VarDelta for_var(const DeltaEncoding& d, VarKey key) {
  VarDelta v;
  if (d.kind == DeltaKind::NoOp || key == VarKey::Delta) return v;
  if (key == VarKey::Secondary && (d.kind == DeltaKind::Conv1 || !d.secondary_uses_delta)) return v;
  v.kind = d.kind;
  v.order = d.order;
  v.window_n_log = d.window_n_log;
  v.state_n_log = d.state_n_log;
  v.quantization = d.quantization;
  v.bias = d.bias;
  v.weights = d.weights;
  return v;
}

struct Bin {
  uint32_t weight;
  uint64_t lower;
  uint32_t offset_bits;
};
struct LatentVarMeta {
  unsigned bits = 0;  // latent width
  unsigned ans_size_log = 0;
  std::vector<Bin> bins;
};

struct ChunkMeta {
  Mode mode;
  DeltaEncoding delta;
  bool has_delta_var = false, has_secondary = false;
  LatentVarMeta delta_var, primary, secondary;
};

LatentVarMeta read_latent_var(BitReader& r, unsigned bits) {
  LatentVarMeta m;
  m.bits = bits;
  m.ans_size_log = unsigned(r.read(4));
  uint64_t n_bins = r.read(15);
  if ((uint64_t(1) << m.ans_size_log) < n_bins) pco_corrupt("tANS size too small for the bins");
  if (n_bins == 1 && m.ans_size_log > 0) pco_corrupt("one bin with a nonzero tANS size");
  if (m.ans_size_log > kMaxAnsBits) pco_corrupt("tANS size log too large");
  const unsigned ob_bits = 32 - unsigned(std::countl_zero(uint32_t(bits)));
  const uint64_t bin_bits = m.ans_size_log + bits + ob_bits;
  if (n_bins * bin_bits > r.bits_left() + 64) pco_corrupt("bins exceed the chunk metadata");
  m.bins.reserve(n_bins);
  for (uint64_t i = 0; i < n_bins; i++) {
    Bin b;
    b.weight = uint32_t(r.read(m.ans_size_log)) + 1;
    b.lower = r.read(bits);
    b.offset_bits = uint32_t(r.read(ob_bits));
    if (b.offset_bits > bits) pco_corrupt("bin offset bits exceed the latent width");
    m.bins.push_back(b);
  }
  r.check();
  return m;
}

// Reads one latent (L bits) as a signed value the way pco orders signed ints (flip the sign bit).
int64_t i64_from_latent(uint64_t l) { return int64_t(l ^ (uint64_t(1) << 63)); }
int64_t i32_from_latent(uint64_t l) { return int64_t(int32_t(uint32_t(l) ^ 0x80000000u)); }

struct NumberInfo {
  unsigned bits;           // latent width
  bool is_float;
  bool is_signed;
  unsigned precision_bits;  // floats: mantissa bits
};

ChunkMeta read_chunk_meta(Bytes bytes, unsigned major, const NumberInfo& num) {
  BitReader r(bytes);
  ChunkMeta cm;
  const unsigned L = num.bits;
  // Mode.
  switch (r.read(4)) {
    case 0: cm.mode.kind = ModeKind::Classic; break;
    case 1:
      if (major == 0) pco_corrupt("int mult mode of pco format 0 is not supported");
      cm.mode.kind = ModeKind::IntMult;
      cm.mode.base = r.read(L);
      break;
    case 2:
      cm.mode.kind = ModeKind::FloatMult;
      cm.mode.base = r.read(L);
      break;
    case 3:
      cm.mode.kind = ModeKind::FloatQuant;
      cm.mode.k = unsigned(r.read(8));
      break;
    case 4: {
      cm.mode.kind = ModeKind::Dict;
      uint64_t n = r.read(25);
      r.drain_empty_byte("nonzero bits after the dictionary length");
      if (n * L > r.bits_left()) pco_corrupt("dictionary exceeds the chunk metadata");
      cm.mode.dict.resize(n);
      for (uint64_t i = 0; i < n; i++) cm.mode.dict[i] = r.read(L);
      break;
    }
    default: pco_corrupt("unknown mode");
  }
  r.check();
  // Delta encoding.
  DeltaEncoding& d = cm.delta;
  if (major < 3) {
    unsigned order = unsigned(r.read(3));
    if (order) d.kind = DeltaKind::Consecutive, d.order = order;
  } else {
    switch (r.read(4)) {
      case 0: break;
      case 1:
        d.kind = DeltaKind::Consecutive;
        d.order = unsigned(r.read(3));
        if (d.order == 0) pco_corrupt("consecutive delta order 0");
        d.secondary_uses_delta = r.read(1);
        break;
      case 2:
        d.kind = DeltaKind::Lookback;
        d.window_n_log = 1 + unsigned(r.read(5));
        d.state_n_log = unsigned(r.read(4));
        if (d.window_n_log > kMaxLookbackWindowLog) pco_corrupt("lookback window too large");
        if (d.state_n_log > d.window_n_log) pco_corrupt("lookback state larger than its window");
        d.secondary_uses_delta = r.read(1);
        break;
      case 3: {
        d.kind = DeltaKind::Conv1;
        d.quantization = unsigned(r.read(5));
        d.bias = i64_from_latent(r.read(64));
        unsigned order = 1 + unsigned(r.read(5));
        for (unsigned i = 0; i < order; i++) d.weights.push_back(i32_from_latent(r.read(32)));
        break;
      }
      default: pco_corrupt("unknown delta encoding");
    }
  }
  r.check();
  // Latent variables.
  if (d.kind == DeltaKind::Lookback) {
    cm.has_delta_var = true;
    cm.delta_var = read_latent_var(r, 32);
  }
  cm.primary = read_latent_var(r, cm.mode.kind == ModeKind::Dict ? 32 : L);
  if (cm.mode.kind == ModeKind::IntMult || cm.mode.kind == ModeKind::FloatMult ||
      cm.mode.kind == ModeKind::FloatQuant) {
    cm.has_secondary = true;
    cm.secondary = read_latent_var(r, L);
  }
  r.drain_empty_byte("nonzero bits at the end of the chunk metadata");

  // Consistency checks (as the reference makes them).
  if (d.kind == DeltaKind::Lookback) {
    uint64_t window_n = uint64_t(1) << d.window_n_log;
    for (const Bin& b : cm.delta_var.bins)
      if (b.lower < 1 || b.lower > window_n) pco_corrupt("lookback bin outside the window");
  }
  if (d.kind == DeltaKind::Conv1) {
    const unsigned pl = cm.primary.bits;
    if (pl > 32) pco_corrupt("conv1 delta on 64-bit latents");
    const unsigned conv_bits = pl * 2;  // u8→i16, u16→i32, u32→i64
    const unsigned max_q = std::min(31u, conv_bits - 1);
    if (d.quantization > max_q) pco_corrupt("conv1 quantization too large");
    double sum = 0;
    for (int64_t w : d.weights) sum += std::fabs(double(w));
    double max_pred = std::fabs(double(d.bias)) + std::ldexp(1.0, int(pl)) * sum;
    if (max_pred >= std::ldexp(1.0, int(conv_bits) - 1)) pco_corrupt("conv1 weights risk overflow");
    // bias and weights must fit the convolution type
    const int64_t lim = conv_bits >= 64 ? INT64_MAX : (int64_t(1) << (conv_bits - 1)) - 1;
    if (d.bias > lim || d.bias < -lim - 1) pco_corrupt("conv1 bias out of range");
    if (d.weights.size() > kMaxConv1Order) pco_corrupt("conv1 order too large");
  }
  // Mode validity for the number type.
  switch (cm.mode.kind) {
    case ModeKind::Classic:
    case ModeKind::Dict: break;
    case ModeKind::IntMult:
      if (num.is_float || cm.mode.base == 0) pco_corrupt("invalid int mult mode");
      break;
    case ModeKind::FloatMult:
      if (!num.is_float) pco_corrupt("float mode for an integer type");
      break;  // base finiteness checked by the typed decoder
    case ModeKind::FloatQuant:
      if (!num.is_float || cm.mode.k == 0 || cm.mode.k > num.precision_bits) pco_corrupt("invalid float quant mode");
      break;
  }
  return cm;
}

// ---- tANS + bins + offsets per latent variable --------------------------------------------------

struct AnsNode {
  uint16_t next_state_idx_base;
  uint8_t offset_bits;
  uint8_t bits_to_read;
};

template <typename L>
struct ChunkLatentDecoder {
  VarDelta delta;
  size_t n_bins = 0;
  unsigned max_offset_bits = 0;
  std::vector<AnsNode> nodes;
  std::vector<L> state_lowers;
  // Scratch (persists across batches and pages of the chunk, like the reference).
  uint32_t offset_bits_csum[kBatchN] = {};
  uint32_t offset_bits[kBatchN] = {};
  L latents[kBatchN] = {};

  ChunkLatentDecoder(const LatentVarMeta& m, VarDelta d) : delta(std::move(d)) {
    n_bins = m.bins.size();
    for (const Bin& b : m.bins) max_offset_bits = std::max(max_offset_bits, b.offset_bits);
    // tANS spec: spread the symbols over the table.
    std::vector<uint32_t> weights;
    for (const Bin& b : m.bins) weights.push_back(b.weight);
    if (weights.empty()) weights.push_back(1);
    const uint32_t table_size = uint32_t(1) << m.ans_size_log;
    uint64_t total = 0;
    for (uint32_t w : weights) total += w;
    if (total != table_size) pco_corrupt("tANS weights do not sum to the table size");
    std::vector<uint32_t> state_symbols(table_size, 0);
    uint32_t stride = (3 * table_size) / 5;
    if (stride % 2 == 0) stride += 1;
    const uint32_t mask = table_size - 1;
    uint32_t step = 0;
    for (uint32_t s = 0; s < weights.size(); s++)
      for (uint32_t k = 0; k < weights[s]; k++) state_symbols[(stride * step++) & mask] = s;
    // Decoder nodes.
    std::vector<uint32_t> x_s = weights;
    nodes.resize(table_size);
    state_lowers.resize(table_size);
    const unsigned lz_table = unsigned(std::countl_zero(table_size));
    for (uint32_t i = 0; i < table_size; i++) {
      uint32_t s = state_symbols[i];
      uint32_t x = x_s[s]++;
      unsigned bits_to_read = unsigned(std::countl_zero(x)) - lz_table;
      uint32_t next = x << bits_to_read;
      nodes[i].next_state_idx_base = uint16_t(next - table_size);
      nodes[i].bits_to_read = uint8_t(bits_to_read);
      nodes[i].offset_bits = uint8_t(s < m.bins.size() ? m.bins[s].offset_bits : 0);
      state_lowers[i] = s < m.bins.size() ? L(m.bins[s].lower) : L(0);
    }
    if (n_bins == 1) {
      uint32_t csum = 0;
      for (unsigned i = 0; i < kBatchN; i++) {
        offset_bits[i] = m.bins[0].offset_bits;
        offset_bits_csum[i] = csum;
        latents[i] = L(m.bins[0].lower);
        csum += m.bins[0].offset_bits;
      }
    }
  }
};

template <typename L>
constexpr L kMid = L(L(1) << (sizeof(L) * 8 - 1));

template <typename L>
struct PageLatentDecoder {
  uint32_t states[kInterleave] = {};
  std::vector<L> delta_state;
  size_t delta_pos = 0;

  PageLatentDecoder(const VarDelta& d, std::vector<L> stored, const uint32_t final_states[kInterleave],
                    Allocator* alloc) {
    for (unsigned j = 0; j < kInterleave; j++) states[j] = final_states[j];
    if (d.kind == DeltaKind::Lookback) {
      size_t window_n = size_t(1) << d.window_n_log;
      size_t buffer_n = std::max<size_t>(window_n, kBatchN) * 2;
      // The official encoder uses windows up to 2^15; larger ones (allowed up to 2^24) count
      // against the decode budget.
      if (alloc && buffer_n * sizeof(L) > (size_t(1) << 20)) alloc->charge(buffer_n * sizeof(L));
      delta_state.assign(buffer_n, L(0));
      std::copy(stored.begin(), stored.end(), delta_state.begin() + (window_n - stored.size()));
      delta_pos = window_n;
    } else {
      delta_state = std::move(stored);
    }
  }

  // Reads batch_n bins (tANS) and their offsets into cld.latents.
  void read_batch_pre_delta(BitReader& r, size_t batch_n, ChunkLatentDecoder<L>& cld) {
    if (batch_n == 0) return;
    r.guard(kBatchSpan);
    const uint8_t* src = r.data();
    uint64_t bit = r.bit();
    if (cld.n_bins > 1) {
      uint32_t offset_bit_idx = 0;
      const AnsNode* nodes = cld.nodes.data();
      const L* lowers = cld.state_lowers.data();
      for (size_t i = 0; i < batch_n; i++) {
        const unsigned j = unsigned(i % kInterleave);
        const uint32_t st = states[j];
        const AnsNode& node = nodes[st];
        uint64_t packed = load_le<uint64_t>(src + (bit >> 3)) >> (bit & 7);
        uint32_t ans_val = uint32_t(packed) & ((uint32_t(1) << node.bits_to_read) - 1);
        cld.offset_bits_csum[i] = offset_bit_idx;
        cld.offset_bits[i] = node.offset_bits;
        cld.latents[i] = lowers[st];
        bit += node.bits_to_read;
        offset_bit_idx += node.offset_bits;
        states[j] = uint32_t(node.next_state_idx_base) + ans_val;
      }
    } else {
      std::fill(cld.latents, cld.latents + batch_n, cld.state_lowers[0]);
    }
    if (cld.max_offset_bits > 0) {
      for (size_t i = 0; i < batch_n; i++) {
        uint64_t off = r.peek_at(bit + cld.offset_bits_csum[i], cld.offset_bits[i]);
        cld.latents[i] = L(cld.latents[i] + L(off));
      }
      bit += uint64_t(cld.offset_bits_csum[batch_n - 1]) + cld.offset_bits[batch_n - 1];
    }
    r.set_bit(bit);
    r.check();
  }

  // Reads a batch and undoes the delta encoding; the decoded latents are cld.latents[0..dst_n).
  void read_batch(BitReader& r, const uint32_t* lookbacks, size_t n_remaining, ChunkLatentDecoder<L>& cld) {
    const VarDelta& d = cld.delta;
    const size_t per_state = d.n_per_state();
    const size_t pre = std::min<size_t>(kBatchN, n_remaining > per_state ? n_remaining - per_state : 0);
    read_batch_pre_delta(r, pre, cld);
    const size_t n = std::min<size_t>(n_remaining, kBatchN);
    L* lat = cld.latents;
    switch (d.kind) {
      case DeltaKind::NoOp: break;
      case DeltaKind::Consecutive: {
        for (size_t i = 0; i < n; i++) lat[i] = L(lat[i] + kMid<L>);
        for (size_t m = delta_state.size(); m-- > 0;) {
          L moment = delta_state[m];
          for (size_t i = 0; i < n; i++) {
            L tmp = lat[i];
            lat[i] = moment;
            moment = L(moment + tmp);
          }
          delta_state[m] = moment;
        }
        break;
      }
      case DeltaKind::Lookback: {
        for (size_t i = 0; i < n; i++) lat[i] = L(lat[i] + kMid<L>);
        const size_t window_n = size_t(1) << d.window_n_log, state_n = size_t(1) << d.state_n_log;
        size_t start = delta_pos;
        L* buf = delta_state.data();
        if (start + n > delta_state.size()) {
          std::copy(buf + (start - window_n), buf + start, buf);
          start = window_n;
        }
        bool oob = false;
        for (size_t i = 0; i < n; i++) {
          size_t lb = lookbacks[i];
          if (lb > window_n) oob = true, lb = 1;
          buf[start + i] = L(lat[i] + buf[start + i - lb]);
        }
        std::copy(buf + (start - state_n), buf + (start + n - state_n), lat);
        delta_pos = start + n;
        if (oob) pco_corrupt("delta lookback exceeds the window");
        break;
      }
      case DeltaKind::Conv1: {
        for (size_t i = 0; i < n; i++) lat[i] = L(lat[i] + kMid<L>);
        const size_t order = d.weights.size();
        std::vector<L> res(order + n);
        std::copy(delta_state.begin(), delta_state.end(), res.begin());
        std::copy(lat, lat + n, res.begin() + order);
        for (size_t i = order; i < res.size(); i++) {
          // Exact in 64 bits: the chunk metadata check bounds |bias| + 2^bits * sum|w| below the
          // convolution type's range (computed with wrapping unsigned arithmetic to stay UB-free).
          uint64_t acc = uint64_t(d.bias);
          for (size_t k = 0; k < order; k++) acc += uint64_t(d.weights[k]) * uint64_t(res[i - order + k]);
          const int64_t s = int64_t(acc);
          L pred = L(uint64_t(std::max<int64_t>(s, 0) >> d.quantization));
          res[i] = L(res[i] + pred);
        }
        std::copy(res.begin(), res.begin() + n, lat);
        std::copy(res.begin() + n, res.end(), delta_state.begin());
        break;
      }
    }
  }
};

// ---- number types -----------------------------------------------------------------------------

uint16_t f32_to_f16_bits(float f) {
  uint32_t x = std::bit_cast<uint32_t>(f);
  uint32_t sign = (x >> 16) & 0x8000u, exp = (x >> 23) & 0xffu, man = x & 0x7fffffu;
  if (exp == 0xff) return uint16_t(sign | 0x7c00u | (man ? 0x200u : 0u) | (man >> 13));
  int e = int(exp) - 127 + 15;
  if (e >= 0x1f) return uint16_t(sign | 0x7c00u);
  if (e <= 0) {
    if (14 - e > 24) return uint16_t(sign);
    uint32_t m = man | 0x800000u;
    uint32_t half_man = m >> (14 - e);
    uint32_t round_bit = uint32_t(1) << (13 - e);
    if ((m & round_bit) && (m & (3 * round_bit - 1))) half_man++;
    return uint16_t(sign | half_man);
  }
  uint32_t h = sign | (uint32_t(e) << 10) | (man >> 13);
  if ((man & 0x1000u) && (man & 0x2fffu)) h++;
  return uint16_t(h);
}
float f16_bits_to_f32(uint16_t h) {
  uint32_t sign = uint32_t(h & 0x8000u) << 16, exp = (h >> 10) & 0x1fu, man = h & 0x3ffu;
  uint32_t bits;
  if (exp == 0) {
    if (man == 0) bits = sign;
    else {
      int e = -1;
      do { e++; man <<= 1; } while (!(man & 0x400u));
      bits = sign | (uint32_t(127 - 15 - e) << 23) | ((man & 0x3ffu) << 13);
    }
  } else if (exp == 0x1f) {
    bits = sign | 0x7f800000u | (man << 13);
  } else {
    bits = sign | ((exp + 127 - 15) << 23) | (man << 13);
  }
  return std::bit_cast<float>(bits);
}

// Float helpers per latent width (L = u16 for f16, u32 for f32, u64 for f64).
template <typename L>
struct FloatOps;
template <>
struct FloatOps<uint16_t> {
  static constexpr unsigned kMantissaDigits = 11;
  static uint16_t from_int(uint16_t abs_int) {  // exact for < 2048
    return f32_to_f16_bits(float(abs_int));
  }
  static uint16_t mul(uint16_t a, uint16_t b) { return f32_to_f16_bits(f16_bits_to_f32(a) * f16_bits_to_f32(b)); }
  static bool finite_nonzero(uint16_t b) { return (b & 0x7c00u) != 0x7c00u && (b & 0x7fffu) != 0; }
};
template <>
struct FloatOps<uint32_t> {
  static constexpr unsigned kMantissaDigits = 24;
  static uint32_t from_int(uint32_t abs_int) { return std::bit_cast<uint32_t>(float(abs_int)); }
  static uint32_t mul(uint32_t a, uint32_t b) {
    return std::bit_cast<uint32_t>(std::bit_cast<float>(a) * std::bit_cast<float>(b));
  }
  static bool finite_nonzero(uint32_t b) { return (b & 0x7f800000u) != 0x7f800000u && (b & 0x7fffffffu) != 0; }
};
template <>
struct FloatOps<uint64_t> {
  static constexpr unsigned kMantissaDigits = 53;
  static uint64_t from_int(uint64_t abs_int) { return std::bit_cast<uint64_t>(double(abs_int)); }
  static uint64_t mul(uint64_t a, uint64_t b) {
    return std::bit_cast<uint64_t>(std::bit_cast<double>(a) * std::bit_cast<double>(b));
  }
  static bool finite_nonzero(uint64_t b) {
    return (b & 0x7ff0000000000000ull) != 0x7ff0000000000000ull && (b & 0x7fffffffffffffffull) != 0;
  }
};

template <typename L>
L float_bits_from_latent_ordered(L l) {
  constexpr L sign = kMid<L>;
  return (l & sign) ? L(l ^ sign) : L(~l);
}
template <typename L>
L float_latent_ordered_from_bits(L b) {
  constexpr L sign = kMid<L>;
  return (b & sign) ? L(~b) : L(b ^ sign);
}
// A float holding the integer the latent represents (pco's int_float_from_latent), as bits.
template <typename L>
L int_float_from_latent(L l) {
  constexpr L mid = kMid<L>;
  bool negative = l < mid;
  L abs_int = negative ? L(mid - 1 - l) : L(l - mid);
  constexpr L gpi = L(L(1) << FloatOps<L>::kMantissaDigits);
  L abs_bits = abs_int < gpi ? FloatOps<L>::from_int(abs_int) : L(FloatOps<L>::from_int(gpi) + L(abs_int - gpi));
  return negative ? L(abs_bits ^ mid) : abs_bits;
}

template <typename L>
L wrapping_mul(L a, L b) {
  if constexpr (sizeof(L) < 4) return L(uint32_t(a) * uint32_t(b));
  else return L(a * b);
}

// Converts decoded latents of a batch into numbers (stored as their LE bit patterns of width L).
template <typename L>
void join_batch(const Mode& mode, const NumberInfo& num, const L* primary, const L* secondary, const uint32_t* idx,
                size_t n, L* dst) {
  auto from_latent = [&](L l) -> L {
    if (num.is_float) return float_bits_from_latent_ordered(l);
    if (num.is_signed) return L(l ^ kMid<L>);  // (l as signed) + MIN, wrapping
    return l;
  };
  switch (mode.kind) {
    case ModeKind::Classic:
      for (size_t i = 0; i < n; i++) dst[i] = from_latent(primary[i]);
      break;
    case ModeKind::Dict:
      for (size_t i = 0; i < n; i++) {
        if (idx[i] >= mode.dict.size()) pco_corrupt("dictionary index out of range");
        dst[i] = from_latent(L(mode.dict[idx[i]]));
      }
      break;
    case ModeKind::IntMult: {
      const L base = L(mode.base);
      for (size_t i = 0; i < n; i++) dst[i] = from_latent(L(wrapping_mul<L>(primary[i], base) + secondary[i]));
      break;
    }
    case ModeKind::FloatMult: {
      if constexpr (sizeof(L) >= 2) {
        const L base_bits = float_bits_from_latent_ordered(L(mode.base));
        for (size_t i = 0; i < n; i++) {
          L unadjusted = FloatOps<L>::mul(int_float_from_latent(primary[i]), base_bits);
          L l = L(L(float_latent_ordered_from_bits(unadjusted) + secondary[i]) + kMid<L>);
          dst[i] = float_bits_from_latent_ordered(l);
        }
      }
      break;
    }
    case ModeKind::FloatQuant: {
      const unsigned k = mode.k;
      const L sign_cutoff = L(kMid<L> >> k);
      const L low_max = L((L(1) << k) - 1);
      for (size_t i = 0; i < n; i++) {
        L y = primary[i], m = secondary[i];
        L low = y >= sign_cutoff ? m : L(low_max - m);
        dst[i] = float_bits_from_latent_ordered(L(L(y << k) + low));
      }
      break;
    }
  }
}

// Decodes all pages of all chunks into `out` (n_total numbers of latent width L).
template <typename L>
void decode_pco(const NumberInfo& num, unsigned major, const std::vector<Bytes>& chunk_metas,
                const std::vector<std::vector<uint32_t>>& pages_n, const std::vector<Bytes>& pages, L* out,
                uint64_t n_total, Allocator* alloc) {
  uint64_t written = 0;
  size_t page_idx = 0;
  for (size_t c = 0; c < chunk_metas.size(); c++) {
    if (pages_n[c].empty()) continue;
    ChunkMeta cm = read_chunk_meta(chunk_metas[c], major, num);
#ifdef GYRE_PCO_TRACE
    std::fprintf(stderr, "pco chunk: bits=%u float=%d signed=%d mode=%d k=%u dict=%zu delta=%d order=%u window=%u state=%u sec_delta=%d conv=%zu bins=%zu/%zu/%zu\n",
                 num.bits, num.is_float, num.is_signed, int(cm.mode.kind), cm.mode.k, cm.mode.dict.size(), int(cm.delta.kind),
                 cm.delta.order, cm.delta.window_n_log, cm.delta.state_n_log, int(cm.delta.secondary_uses_delta),
                 cm.delta.weights.size(), cm.delta_var.bins.size(), cm.primary.bins.size(), cm.secondary.bins.size());
#endif
    if (cm.mode.kind == ModeKind::FloatMult) {
      if constexpr (sizeof(L) >= 2) {
        if (!FloatOps<L>::finite_nonzero(float_bits_from_latent_ordered(L(cm.mode.base))))
          pco_corrupt("float mult base must be finite and nonzero");
      }
    }
    // Latent decoders for the chunk (primary of dict mode has u32 latents).
    std::unique_ptr<ChunkLatentDecoder<uint32_t>> delta_cld, dict_cld;
    std::unique_ptr<ChunkLatentDecoder<L>> prim_cld, sec_cld;
    if (cm.has_delta_var) delta_cld = std::make_unique<ChunkLatentDecoder<uint32_t>>(cm.delta_var, VarDelta());
    const bool dict = cm.mode.kind == ModeKind::Dict;
    if (dict) dict_cld = std::make_unique<ChunkLatentDecoder<uint32_t>>(cm.primary, for_var(cm.delta, VarKey::Primary));
    else prim_cld = std::make_unique<ChunkLatentDecoder<L>>(cm.primary, for_var(cm.delta, VarKey::Primary));
    if (cm.has_secondary) sec_cld = std::make_unique<ChunkLatentDecoder<L>>(cm.secondary, for_var(cm.delta, VarKey::Secondary));
    const size_t primary_per_state = for_var(cm.delta, VarKey::Primary).n_per_state();

    for (uint32_t n : pages_n[c]) {
      Bytes page = pages[page_idx++];
      if (n > n_total - written) pco_corrupt("pages hold more values than valid rows");
      BitReader r(page);
      // Page metadata.
      auto read_var_meta = [&](const LatentVarMeta& m, const VarDelta& d, auto tag, auto& pld_out) {
        using LL = decltype(tag);
        size_t k = d.n_per_state();
        if (k * m.bits > r.bits_left()) pco_corrupt("delta state exceeds the page");
        std::vector<LL> stored(k);
        for (size_t i = 0; i < k; i++) stored[i] = LL(r.read(m.bits));
        uint32_t finals[kInterleave];
        for (unsigned j = 0; j < kInterleave; j++) finals[j] = uint32_t(r.read(m.ans_size_log));
        pld_out = std::make_unique<PageLatentDecoder<LL>>(d, std::move(stored), finals, alloc);
      };
      std::unique_ptr<PageLatentDecoder<uint32_t>> delta_pld, dict_pld;
      std::unique_ptr<PageLatentDecoder<L>> prim_pld, sec_pld;
      if (cm.has_delta_var) read_var_meta(cm.delta_var, delta_cld->delta, uint32_t(), delta_pld);
      if (dict) read_var_meta(cm.primary, dict_cld->delta, uint32_t(), dict_pld);
      else read_var_meta(cm.primary, prim_cld->delta, L(), prim_pld);
      if (cm.has_secondary) read_var_meta(cm.secondary, sec_cld->delta, L(), sec_pld);
      r.drain_empty_byte("nonzero bits at the end of the page metadata");

      const size_t n_in_body = n > primary_per_state ? n - primary_per_state : 0;
      if (n_in_body > 0) {
        // As the reference: every latent variable needs bins once the page has a body.
        if ((dict ? dict_cld->n_bins : prim_cld->n_bins) == 0 || (cm.has_secondary && sec_cld->n_bins == 0) ||
            (cm.has_delta_var && delta_cld->n_bins == 0))
          pco_corrupt("no bins for a nonempty page");
      }

      size_t remaining = n;
      L* dst = out + written;
      while (remaining > 0) {
        const size_t batch_n = std::min<size_t>(kBatchN, remaining);
        const uint32_t* lookbacks = nullptr;
        if (cm.has_delta_var) {
          size_t limit = std::min(remaining > primary_per_state ? remaining - primary_per_state : 0, batch_n);
          delta_pld->read_batch_pre_delta(r, limit, *delta_cld);
          lookbacks = delta_cld->latents;
        }
        if (dict) dict_pld->read_batch(r, lookbacks, remaining, *dict_cld);
        else prim_pld->read_batch(r, lookbacks, remaining, *prim_cld);
        if (cm.has_secondary) sec_pld->read_batch(r, lookbacks, remaining, *sec_cld);
        join_batch<L>(cm.mode, num, dict ? nullptr : prim_cld->latents, cm.has_secondary ? sec_cld->latents : nullptr,
                      dict ? dict_cld->latents : nullptr, batch_n, dst);
        dst += batch_n;
        remaining -= batch_n;
      }
      r.drain_empty_byte("nonzero bits at the end of the page");
      written += n;
    }
  }
  if (written != n_total) pco_corrupt("pages hold fewer values than valid rows");
}

Column decode_pco_array(DecodeCtx& ctx, const ArrayNode& node, const DTypePtr& d, uint64_t len) {
  const DType& p = d->physical();
  if (p.kind != DTypeKind::Primitive) corrupt("vortex.pco with dtype " + d->to_string());
  // Metadata.
  Bytes header;
  std::vector<std::vector<uint32_t>> chunks;
  uint64_t total_pages = 0, total_values = 0;
  {
    pb::Reader r(node.metadata());
    pb::Field f;
    while (r.next(f)) {
      if (f.number == 1) {
        header = f.bytes;
      } else if (f.number == 2) {
        if (f.wire != pb::Wire::Len) pco_corrupt("chunk metadata has bad wire type");
        if (chunks.size() >= node.nbuffers()) pco_corrupt("more chunks than buffers");
        std::vector<uint32_t> pages;
        pb::Reader cr(f.bytes);
        pb::Field cf;
        while (cr.next(cf)) {
          if (cf.number != 1) continue;
          if (cf.wire != pb::Wire::Len) pco_corrupt("page metadata has bad wire type");
          if (total_pages >= node.nbuffers()) pco_corrupt("more pages than buffers");
          uint64_t nv = 0;
          pb::Reader pr(cf.bytes);
          pb::Field pf;
          while (pr.next(pf))
            if (pf.number == 1) nv = pf.varint;
          if (nv > 0xffffffffull) pco_corrupt("page too large");
          pages.push_back(uint32_t(nv));
          total_pages++;
          total_values += nv;
        }
        chunks.push_back(std::move(pages));
      }
    }
  }
  if (uint64_t(node.nbuffers()) != chunks.size() + total_pages) pco_corrupt("buffer count does not match the chunks and pages");
  if (node.nchildren() > 1) pco_corrupt("expects at most one child");
  Buffer validity = optional_validity(ctx, node, 0, len, *d);
  const uint64_t n_valid = validity.empty() ? len : count_set_bits(validity.data(), len);
  if (total_values != n_valid) pco_corrupt("value count does not match the valid rows");

  // Header: format version.
  unsigned major = 0;
  if (n_valid > 0) {
    if (header.size < 1) pco_corrupt("missing header");
    major = header.data[0];
    if (major >= 4 && header.size < 2) pco_corrupt("truncated header");
    if (major > 4) unsupported("vortex.pco: pco format version " + std::to_string(major) + " is newer than supported (4)");
  }

  std::vector<Bytes> metas, pages;
  for (size_t c = 0; c < chunks.size(); c++) metas.push_back(node.buffer(uint32_t(c)));
  for (uint64_t k = 0; k < total_pages; k++) pages.push_back(node.buffer(uint32_t(chunks.size() + k)));

  NumberInfo num{};
  num.bits = ptype_width(p.ptype) * 8;
  num.is_float = ptype_is_float(p.ptype);
  num.is_signed = ptype_is_signed(p.ptype);
  num.precision_bits = p.ptype == PType::F16 ? 10 : p.ptype == PType::F32 ? 23 : p.ptype == PType::F64 ? 52 : 0;
  const unsigned w = ptype_width(p.ptype);

  Buffer values = ctx.alloc.alloc(n_valid * w);
  auto run = [&]<typename L>() { decode_pco<L>(num, major, metas, chunks, pages, values.as<L>(), n_valid, &ctx.alloc); };
  switch (w) {
    case 1: run.template operator()<uint8_t>(); break;
    case 2: run.template operator()<uint16_t>(); break;
    case 4: run.template operator()<uint32_t>(); break;
    case 8: run.template operator()<uint64_t>(); break;
    default: corrupt("vortex.pco unsupported width");
  }

  Column c;
  c.dtype = d;
  c.length = len;
  c.validity = validity;
  if (validity.empty()) {
    c.buffers.push_back(values);
    return c;
  }
  Buffer out = ctx.alloc.zeros(len * w);
  const uint8_t* src = values.data();
  for (uint64_t i = 0; i < len; i++) {
    if (!get_bit(validity.data(), i)) continue;
    std::memcpy(out.data() + i * w, src, w);
    src += w;
  }
  c.buffers.push_back(out);
  return c;
}

}  // namespace

GYRE_REGISTER_ENCODING("vortex.pco", decode_pco_array);

}  // namespace gyre
