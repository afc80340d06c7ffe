// FastLanes schemes: frame of reference (`fastlanes.for` over `fastlanes.bitpacked`) and plain
// bit-packing with patches (`fastlanes.bitpacked`, vortex-format.md §5.2–5.3, §4.8).
//
// Bit-packing picks its width from a histogram of the valid values' bit widths, minimising
// packed bytes + exceptions·(type bytes + 4); wider valid values become patches with chunk
// offsets. FoR subtracts the minimum of the valid values (nulls become 0) and always bit-packs
// the result (never cascading further), like the official FoRScheme.
#include "common.hpp"

namespace gyre::write {
namespace {

bool is_int(const Column& c) { return c.dtype->kind == DTypeKind::Primitive && ptype_is_int(c.dtype->ptype); }

bool any_negative(const Column& c) {
  bool neg = false;
  const bool nulls = has_nulls(c);
  with_int_type(c.dtype->ptype, [&]<typename T>() {
    if constexpr (std::is_signed_v<T>) {
      const T* v = c.buffers[0].as<const T>();
      for (uint64_t i = 0; i < c.length && !neg; i++) neg = v[i] < 0 && (!nulls || c.is_valid(i));
    }
  });
  return neg;
}

// Bit-packs at the best width; the canonical primitive when that is the full width.
EncodedArray bitpack_best(const Column& c) {
  const unsigned W = best_bit_width(c);
  if (W >= 8 * ptype_width(c.dtype->ptype)) return primitive_node(c);
  return bitpack_node(c, W);
}

class BitPacking final : public SchemeBase {
 public:
  const char* id() const override { return ids::kIntBitPacking; }
  bool applies(const Column& c, const CompressCtx&) const override { return is_int(c); }
  Estimate estimate(ColumnStats& st, const CompressCtx&) const override {
    return st.ints().min_is_negative() ? Estimate::skip() : Estimate::sample();
  }
  bool encode(const Column& c, const CompressCtx&, EncodedArray& out) const override {
    if (any_negative(c)) return false;
    const unsigned W = best_bit_width(c);
    if (W >= 8 * ptype_width(c.dtype->ptype)) return false;
    out = bitpack_node(c, W);
    return true;
  }
};

class FoR final : public SchemeBase {
 public:
  const char* id() const override { return ids::kIntFoR; }
  bool applies(const Column& c, const CompressCtx&) const override { return is_int(c); }
  Estimate estimate(ColumnStats& st, const CompressCtx& ctx) const override {
    if (cascade_exhausted(ctx)) return Estimate::skip();
    const auto& s = st.ints();
    if (s.min_is_zero()) return Estimate::skip();
    const unsigned for_bw = bit_width_of(s.max_minus_min());
    if (for_bw == 0) return Estimate::skip();
    if (!s.min_is_negative() && s.max_u64() != 0 && for_bw >= bit_width_of(s.max_u64())) return Estimate::skip();
    return Estimate::of(double(8 * ptype_width(st.column().dtype->ptype)) / double(for_bw));
  }
  bool encode(const Column& c, const CompressCtx&, EncodedArray& out) const override {
    const PType p = c.dtype->ptype;
    const bool nulls = has_nulls(c);
    Column enc = new_primitive(p, c.dtype->is_nullable(), c.length);
    if (nulls) enc.validity = c.validity;
    uint64_t min_bits = 0;
    bool any = false;
    with_int_type(p, [&]<typename T>() {
      using U = std::make_unsigned_t<T>;
      const T* v = c.buffers[0].as<const T>();
      T mn{};
      for_each_valid_range(c, [&](uint64_t b, uint64_t e) {
        if (!any) mn = v[b], any = true;
        for (uint64_t i = b; i < e; i++) mn = std::min(mn, v[i]);
      });
      U* o = enc.buffers[0].as<U>();
      const U umin = U(mn);
      for (uint64_t i = 0; i < c.length; i++) o[i] = U(U(v[i]) - umin);
      if (nulls) for_each_null_range(c, [&](uint64_t b, uint64_t e) { std::fill(o + b, o + e, U(0)); });
      min_bits = uint64_t(umin);
    });
    if (!any) return false;
    out = EncodedArray();
    out.encoding = "fastlanes.for";
    out.metadata = scalar_int_bits(p, min_bits);
    out.children.push_back(bitpack_best(enc));
    return true;
  }
};

}  // namespace

GYRE_REGISTER_SCHEME(FoR, order::kIntFoR);
GYRE_REGISTER_SCHEME(BitPacking, order::kIntBitPacking);

}  // namespace gyre::write
