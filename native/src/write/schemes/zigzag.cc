// ZigZag (`vortex.zigzag`, vortex-format.md §5.11): signed integers with negative values become
// unsigned (v << 1) ^ (v >> (bits - 1)), compressed further (never dict / run-end / sparse).
#include "common.hpp"

namespace gyre::write {
namespace {

class ZigZag final : public SchemeBase {
 public:
  const char* id() const override { return ids::kIntZigZag; }
  bool applies(const Column& c, const CompressCtx&) const override {
    return c.dtype->kind == DTypeKind::Primitive && ptype_is_signed(c.dtype->ptype);
  }
  Estimate estimate(ColumnStats& st, const CompressCtx& ctx) const override {
    if (cascade_exhausted(ctx)) return Estimate::skip();
    return st.ints().min_is_negative() ? Estimate::sample() : Estimate::skip();
  }
  bool encode(const Column& c, const CompressCtx& ctx, EncodedArray& out) const override {
    const PType p = c.dtype->ptype;
    const bool nulls = has_nulls(c);
    Column enc = new_primitive(ptype_unsigned(p), c.dtype->is_nullable(), c.length);
    if (nulls) enc.validity = c.validity;
    with_int_type(p, [&]<typename T>() {
      using U = std::make_unsigned_t<T>;
      constexpr unsigned B = 8 * sizeof(T);
      const T* v = c.buffers[0].as<const T>();
      U* o = enc.buffers[0].as<U>();
      for (uint64_t i = 0; i < c.length; i++) o[i] = U(U(U(v[i]) << 1) ^ U(v[i] >> (B - 1)));
      if (nulls) for_each_null_range(c, [&](uint64_t b, uint64_t e) { std::fill(o + b, o + e, U(0)); });
    });
    out = EncodedArray();
    out.encoding = "vortex.zigzag";
    out.children.push_back(compress_child(enc, ctx, {ids::kIntDict, ids::kIntRunEnd, ids::kIntSparse}));
    return true;
  }
};

}  // namespace

GYRE_REGISTER_SCHEME(ZigZag, order::kIntZigZag);

}  // namespace gyre::write
