// ALP (`vortex.alp`, vortex-format.md §5.6) and ALP-RD (`vortex.alprd`, §5.7) for f32 / f64.
//
// ALP: encoded = round(v · 10^e · 10^-f) (the "sweet" add/subtract rounding, then Rust's
// saturating float→int `as` cast, emulated: NaN → 0, out of range → min/max). A valid value is
// patched when decode(encoded) = encoded · 10^f · 10^-e (same precision, same order, no FMA — the
// build uses -ffp-contract=off) is not bit-identical to it, so -0.0, NaN, ±inf and values that
// overflow always become patches. Patched and null slots hold the first kept encoded value. The
// exponents come from the official search over a 32-value sample (e from max-1 down, f < e).
//
// ALP-RD: the float's bits are cut at 64−p (or 32−p) for the p ∈ [1, 16] minimising
// right bits + left code bits + exceptions·32 / n; the up to 8 most frequent left parts form the
// dictionary, the others become patches. Left codes and right parts are bit-packed.
#include <algorithm>
#include <bit>
#include <limits>

#include "../../encodings/alp_constants.hpp"
#include "common.hpp"

namespace gyre::write {
namespace {

template <typename F>
struct AlpTraits;

template <>
struct AlpTraits<float> {
  using I = int32_t;
  using U = uint32_t;
  static constexpr int kMaxExponent = 10;
  static constexpr float kSweet = float(1 << 23) + float(1 << 22);
  static constexpr const float* F10 = alp::kF10f;
  static constexpr const float* IF10 = alp::kIF10f;
};

template <>
struct AlpTraits<double> {
  using I = int64_t;
  using U = uint64_t;
  static constexpr int kMaxExponent = 18;
  static constexpr double kSweet = double(uint64_t(1) << 52) + double(uint64_t(1) << 51);
  static constexpr const double* F10 = alp::kF10d;
  static constexpr const double* IF10 = alp::kIF10d;
};

// Rust `f as iN`: saturating, NaN → 0.
template <typename F, typename I>
I saturating_cast(F x) {
  constexpr F lim = F(uint64_t(1) << (8 * sizeof(I) - 1));  // 2^(bits-1), exact
  if (x != x) return 0;
  if (x >= lim) return std::numeric_limits<I>::max();
  if (x < -lim) return std::numeric_limits<I>::min();
  return I(x);
}

template <typename F>
typename AlpTraits<F>::I alp_encode_one(F v, int e, int f) {
  using Tr = AlpTraits<F>;
  F x = v * Tr::F10[e];
  x = x * Tr::IF10[f];
  x = (x + Tr::kSweet) - Tr::kSweet;
  return saturating_cast<F, typename Tr::I>(x);
}

template <typename F>
F alp_decode_one(typename AlpTraits<F>::I n, int e, int f) {
  using Tr = AlpTraits<F>;
  F x = F(n);
  x = x * Tr::F10[f];
  x = x * Tr::IF10[e];
  return x;
}

template <typename F>
bool same_bits(F a, F b) {
  return std::bit_cast<typename AlpTraits<F>::U>(a) == std::bit_cast<typename AlpTraits<F>::U>(b);
}

// The official estimate_encoded_size_for_exponents.
template <typename F>
uint64_t estimate_size(const std::vector<F>& values, int e, int f) {
  using I = typename AlpTraits<F>::I;
  bool any_kept = false, any = false;
  I kmin = 0, kmax = 0, amin = 0, amax = 0;
  uint64_t patches = 0;
  for (F v : values) {
    const I enc = alp_encode_one(v, e, f);
    if (!any) amin = amax = enc, any = true;
    else amin = std::min(amin, enc), amax = std::max(amax, enc);
    if (same_bits(alp_decode_one<F>(enc, e, f), v)) {
      if (!any_kept) kmin = kmax = enc, any_kept = true;
      else kmin = std::min(kmin, enc), kmax = std::max(kmax, enc);
    } else {
      patches++;
    }
  }
  const bool all_patched = patches == values.size();
  const bool have = all_patched ? any : any_kept;
  const I lo = all_patched ? amin : kmin, hi = all_patched ? amax : kmax;
  uint64_t bits = 8 * sizeof(I);
  if (have) {
    I range;
    if (!__builtin_sub_overflow(hi, lo, &range)) bits = range == 0 ? 0 : bit_width_of(uint64_t(range));
  }
  return (values.size() * bits + 7) / 8 + patches * (sizeof(F) + 2);
}

template <typename F>
std::pair<int, int> find_best_exponents(const std::vector<F>& all) {
  constexpr size_t kSample = 32;
  std::vector<F> sample;
  if (all.size() > kSample) {
    const size_t step = all.size() / kSample;
    for (size_t i = 0; i < all.size(); i += step) sample.push_back(all[i]);
  } else {
    sample = all;
  }
  int be = 0, bf = 0;
  uint64_t best = std::numeric_limits<uint64_t>::max();
  for (int e = AlpTraits<F>::kMaxExponent - 1; e >= 0; e--) {
    for (int f = 0; f < e; f++) {
      const uint64_t size = estimate_size(sample, e, f);
      if (size < best) best = size, be = e, bf = f;
      else if (size == best && e - f < be - bf) be = e, bf = f;
    }
  }
  return {be, bf};
}

template <typename F>
std::vector<F> valid_values(const Column& c) {
  const F* v = c.buffers[0].as<const F>();
  if (!has_nulls(c)) return std::vector<F>(v, v + c.length);
  std::vector<F> out;
  for (uint64_t i = 0; i < c.length; i++)
    if (c.is_valid(i)) out.push_back(v[i]);
  return out;
}

template <typename F>
bool alp_encode(const Column& c, const CompressCtx& ctx, EncodedArray& out) {
  using I = typename AlpTraits<F>::I;
  const bool nulls = has_nulls(c);
  const F* v = c.buffers[0].as<const F>();
  auto [e, f] = find_best_exponents(valid_values<F>(c));

  Column enc = new_primitive(ptype_of<I>(), c.dtype->is_nullable(), c.length);
  if (nulls) enc.validity = c.validity;
  I* o = enc.buffers[0].as<I>();
  PatchSet patches;
  patches.with_chunk_offsets = true;
  bool have_fill = false;
  I fill = 0;
  for (uint64_t i = 0; i < c.length; i++) {
    if (i % 1024 == 0) patches.chunk_offsets.push_back(patches.indices.size());
    if (nulls && !c.is_valid(i)) {
      o[i] = 0;
      continue;
    }
    const I x = alp_encode_one(v[i], e, f);
    if (same_bits(alp_decode_one<F>(x, e, f), v[i])) {
      o[i] = x;
      if (!have_fill) fill = x, have_fill = true;
    } else {
      o[i] = 0;
      patches.indices.push_back(i);
    }
  }
  // Null and patched slots take the fill value (the first kept value), which compresses best.
  if (have_fill && fill != 0) {
    for (uint64_t i : patches.indices) o[i] = fill;
    if (nulls)
      for (uint64_t i = 0; i < c.length; i++)
        if (!c.is_valid(i)) o[i] = fill;
  }
  if (!patches.empty()) {
    patches.values = new_primitive(c.dtype->ptype, c.dtype->is_nullable(), patches.indices.size());
    F* pv = patches.values.buffers[0].as<F>();
    for (size_t k = 0; k < patches.indices.size(); k++) pv[k] = v[patches.indices[k]];
  }
  out = EncodedArray();
  out.encoding = "vortex.alp";
  Proto m;
  m.u(1, uint64_t(e)).u(2, uint64_t(f));
  if (!patches.empty()) m.msg(3, patches.metadata());
  out.metadata = m.out;
  out.children.push_back(compress_child(enc, ctx, {}));
  if (!patches.empty()) patches.push_children(out);
  return true;
}

class ALP final : public SchemeBase {
 public:
  const char* id() const override { return ids::kFloatALP; }
  bool applies(const Column& c, const CompressCtx&) const override {
    return c.dtype->kind == DTypeKind::Primitive && (c.dtype->ptype == PType::F32 || c.dtype->ptype == PType::F64);
  }
  Estimate estimate(ColumnStats&, const CompressCtx& ctx) const override {
    return cascade_exhausted(ctx) ? Estimate::skip() : Estimate::sample();
  }
  bool encode(const Column& c, const CompressCtx& ctx, EncodedArray& out) const override {
    return c.dtype->ptype == PType::F32 ? alp_encode<float>(c, ctx, out) : alp_encode<double>(c, ctx, out);
  }
};

// ---- ALP-RD ----------------------------------------------------------------------------------------

constexpr unsigned kCutLimit = 16;
constexpr size_t kMaxDict = 8;

unsigned rd_bit_width(uint64_t v) { return v == 0 ? 1 : bit_width_of(v); }

template <typename F>
bool alprd_encode(const Column& c, EncodedArray& out) {
  using U = typename AlpTraits<F>::U;
  constexpr unsigned B = 8 * sizeof(U);
  const bool nulls = has_nulls(c);
  const U* bits = c.buffers[0].as<const U>();
  const uint64_t n = c.length;
  // (top 16 bits, count) of the valid values, sorted by value: a histogram for long columns, a
  // sort for short ones (samples, dictionary values) where 64 Ki buckets would dominate.
  std::vector<std::pair<uint32_t, uint32_t>> tops;
  uint64_t nvalid = 0;
  if (n > 16384) {
    std::vector<uint32_t> hist(size_t(1) << kCutLimit, 0);
    for (uint64_t i = 0; i < n; i++) {
      if (nulls && !c.is_valid(i)) continue;
      hist[size_t(bits[i] >> (B - kCutLimit))]++;
      nvalid++;
    }
    for (uint32_t t = 0; t < hist.size(); t++)
      if (hist[t]) tops.emplace_back(t, hist[t]);
  } else {
    std::vector<uint32_t> t16;
    t16.reserve(size_t(n));
    for (uint64_t i = 0; i < n; i++)
      if (!nulls || c.is_valid(i)) t16.push_back(uint32_t(bits[i] >> (B - kCutLimit)));
    nvalid = t16.size();
    std::sort(t16.begin(), t16.end());
    for (size_t i = 0; i < t16.size();) {
      size_t j = i;
      while (j < t16.size() && t16[j] == t16[i]) j++;
      tops.emplace_back(t16[i], uint32_t(j - i));
      i = j;
    }
  }
  if (nvalid == 0) return false;
  double best_size = std::numeric_limits<double>::max();
  unsigned best_right = 0;
  std::vector<uint16_t> best_dict;
  std::vector<std::pair<uint32_t, uint32_t>> counts;  // (count, left)
  for (unsigned p = 1; p <= kCutLimit; p++) {
    const unsigned right = B - p;
    // Group the sorted top-16 values by their top p bits.
    counts.clear();
    for (auto& [t, k] : tops) {
      const uint32_t l = t >> (kCutLimit - p);
      if (!counts.empty() && counts.back().second == l) counts.back().first += k;
      else counts.emplace_back(k, l);
    }
    const size_t k = std::min(kMaxDict, counts.size());
    std::partial_sort(counts.begin(), counts.begin() + k, counts.end(),
                      [](auto& a, auto& b) { return a.first != b.first ? a.first > b.first : a.second < b.second; });
    uint64_t exceptions = 0;
    for (size_t j = k; j < counts.size(); j++) exceptions += counts[j].first;
    const unsigned left_bw = rd_bit_width(k - 1);
    const double size = double(right) + double(left_bw) + double(exceptions * 32) / double(nvalid);
    if (size < best_size) {
      best_size = size, best_right = right;
      best_dict.clear();
      for (size_t j = 0; j < k; j++) best_dict.push_back(uint16_t(counts[j].second));
    }
  }
  const unsigned right_bw = best_right;
  const unsigned left_bw = rd_bit_width(best_dict.size() - 1);
  const U right_mask = U((U(1) << right_bw) - 1);

  Column left = new_primitive(PType::U16, c.dtype->is_nullable(), n);
  if (nulls) left.validity = c.validity;
  Column rightc = new_primitive(ptype_of<U>(), false, n);
  uint16_t* lo = left.buffers[0].as<uint16_t>();
  U* ro = rightc.buffers[0].as<U>();
  // left part -> dictionary code (0xff: not in the dictionary, a patch).
  const unsigned p = B - right_bw;
  std::vector<uint8_t> lut(size_t(1) << p, 0xff);
  for (size_t k = 0; k < best_dict.size(); k++) lut[best_dict[k]] = uint8_t(k);
  PatchSet patches;
  std::vector<uint16_t> exc;
  for (uint64_t i = 0; i < n; i++) {
    const U x = bits[i];
    const uint16_t l = uint16_t(x >> right_bw);
    const uint8_t code = lut[l];
    ro[i] = U(x & right_mask);
    lo[i] = code == 0xff ? 0 : code;
    if (code == 0xff && (!nulls || c.is_valid(i))) {
      patches.indices.push_back(i);
      exc.push_back(l);
    }
  }
  if (nulls)
    for (uint64_t i = 0; i < n; i++)
      if (!c.is_valid(i)) lo[i] = 0, ro[i] = 0;
  if (!patches.empty()) {
    patches.values = new_primitive(PType::U16, false, exc.size());
    std::memcpy(patches.values.buffers[0].data(), exc.data(), exc.size() * 2);
  }
  out = EncodedArray();
  out.encoding = "vortex.alprd";
  Proto m;
  std::vector<uint64_t> dict(best_dict.begin(), best_dict.end());
  m.u(1, right_bw).u(2, dict.size()).packed(3, dict).u(4, uint64_t(PType::U16));
  if (!patches.empty()) m.msg(5, patches.metadata());
  out.metadata = m.out;
  out.children.push_back(bitpack_node(left, left_bw, false));
  out.children.push_back(bitpack_node(rightc, right_bw, false));
  if (!patches.empty()) patches.push_children(out);
  return true;
}

class ALPRD final : public SchemeBase {
 public:
  const char* id() const override { return ids::kFloatALPRD; }
  bool applies(const Column& c, const CompressCtx&) const override {
    return c.dtype->kind == DTypeKind::Primitive && (c.dtype->ptype == PType::F32 || c.dtype->ptype == PType::F64);
  }
  bool encode(const Column& c, const CompressCtx&, EncodedArray& out) const override {
    return c.dtype->ptype == PType::F32 ? alprd_encode<float>(c, out) : alprd_encode<double>(c, out);
  }
};

}  // namespace

GYRE_REGISTER_SCHEME(ALP, order::kFloatALP);
GYRE_REGISTER_SCHEME(ALPRD, order::kFloatALPRD);

}  // namespace gyre::write
