// Run-end (`vortex.runend`, vortex-format.md §5.9) for integer columns whose average run of
// equal valid values is at least 4: ends (exclusive, narrowed unsigned) and one value per run
// (runs of nulls are null values). Ends never get dict / run-end / RLE / sparse.
#include "common.hpp"

namespace gyre::write {
namespace {

constexpr uint64_t kRunEndThreshold = 4;

class RunEnd final : public SchemeBase {
 public:
  const char* id() const override { return ids::kIntRunEnd; }
  bool applies(const Column& c, const CompressCtx&) const override {
    return c.dtype->kind == DTypeKind::Primitive && ptype_is_int(c.dtype->ptype);
  }
  Estimate estimate(ColumnStats& st, const CompressCtx&) const override {
    return st.average_run_length() < kRunEndThreshold ? Estimate::skip() : Estimate::sample();
  }
  bool encode(const Column& c, const CompressCtx& ctx, EncodedArray& out) const override {
    if (c.length == 0) return false;
    const PType p = c.dtype->ptype;
    const bool nulls = has_nulls(c);
    std::vector<uint64_t> ends;
    Column values;
    with_word(ptype_width(p), [&]<typename U>() {
      const U* v = c.buffers[0].as<const U>();
      std::vector<U> vals;
      std::vector<bool> valid;
      bool pv = !nulls || c.is_valid(0);
      U prev = pv ? v[0] : U(0);
      for (uint64_t i = 1; i < c.length; i++) {
        const bool iv = !nulls || c.is_valid(i);
        const U x = iv ? v[i] : U(0);
        if (iv != pv || x != prev) {
          ends.push_back(i);
          vals.push_back(prev);
          valid.push_back(pv);
          prev = x, pv = iv;
        }
      }
      ends.push_back(c.length);
      vals.push_back(prev);
      valid.push_back(pv);
      values = new_primitive(p, c.dtype->is_nullable(), vals.size());
      std::memcpy(values.buffers[0].data(), vals.data(), vals.size() * sizeof(U));
      if (nulls) {
        values.validity = Buffer::zeros(bitmap_bytes(vals.size()));
        for (size_t k = 0; k < valid.size(); k++)
          if (valid[k]) set_bit(values.validity.data(), k);
      }
    });
    Column ends_col = narrowed_indices(ends);
    out = EncodedArray();
    out.encoding = "vortex.runend";
    Proto m;
    m.u(1, uint64_t(ends_col.dtype->ptype)).u(2, ends.size());
    out.metadata = m.out;
    out.children.push_back(
        compress_child(ends_col, ctx, {ids::kIntDict, ids::kIntRunEnd, ids::kIntRLE, ids::kIntSparse}));
    out.children.push_back(compress_child(values, ctx, {}));
    return true;
  }
};

}  // namespace

GYRE_REGISTER_SCHEME(RunEnd, order::kIntRunEnd);

}  // namespace gyre::write
