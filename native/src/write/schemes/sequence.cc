// Sequence (`vortex.sequence`, vortex-format.md §5.12): a null-free integer column equal to
// base + i·multiplier (multiplier ≠ 0, no overflow anywhere) is stored as two scalars. Like the
// official scheme it is judged on the whole column (never on a sample): ratio = len / 2.
#include <limits>

#include "common.hpp"

namespace gyre::write {
namespace {

// base and multiplier (as two's complement bits) when c is an exact arithmetic progression.
std::optional<std::pair<uint64_t, uint64_t>> as_sequence(const Column& c) {
  if (c.length == 0 || has_nulls(c)) return std::nullopt;
  std::optional<std::pair<uint64_t, uint64_t>> out;
  with_int_type(c.dtype->ptype, [&]<typename T>() {
    const T* v = c.buffers[0].as<const T>();
    using U = std::make_unsigned_t<T>;
    if (c.length == 1) {
      out = std::make_pair(uint64_t(U(v[0])), uint64_t(0));
      return;
    }
    T mult;
    if (__builtin_sub_overflow(v[1], v[0], &mult) || mult == 0) return;
    // The last value base + (len-1)·mult must be representable.
    T span, last;
    if (c.length - 1 > uint64_t(std::numeric_limits<T>::max())) return;
    if (__builtin_mul_overflow(T(c.length - 1), mult, &span) || __builtin_add_overflow(v[0], span, &last)) return;
    for (uint64_t i = 1; i < c.length; i++) {
      T next;
      if (__builtin_add_overflow(v[i - 1], mult, &next) || next != v[i]) return;
    }
    out = std::make_pair(uint64_t(U(v[0])), uint64_t(U(mult)));
  });
  return out;
}

class Sequence final : public SchemeBase {
 public:
  const char* id() const override { return ids::kIntSequence; }
  bool applies(const Column& c, const CompressCtx&) const override {
    return c.dtype->kind == DTypeKind::Primitive && ptype_is_int(c.dtype->ptype);
  }
  Estimate estimate(ColumnStats& st, const CompressCtx& ctx) const override {
    if (is_sample(ctx) || st.null_count() > 0) return Estimate::skip();
    return Estimate::callback();
  }
  Estimate deferred(ColumnStats& st, const CompressCtx&, double best) const override {
    const double max_ratio = double(st.len()) / 2.0;
    if (best > 0 && max_ratio <= best) return Estimate::skip();
    if (!as_sequence(st.column())) return Estimate::skip();
    return Estimate::of(max_ratio);
  }
  bool encode(const Column& c, const CompressCtx&, EncodedArray& out) const override {
    auto seq = as_sequence(c);
    if (!seq) return false;
    const PType p = c.dtype->ptype;
    out = EncodedArray();
    out.encoding = "vortex.sequence";
    Proto m;
    m.msg(1, scalar_int_bits(p, seq->first)).msg(2, scalar_int_bits(p, seq->second));
    out.metadata = m.out;
    return true;
  }
};

}  // namespace

GYRE_REGISTER_SCHEME(Sequence, order::kIntSequence);

}  // namespace gyre::write
