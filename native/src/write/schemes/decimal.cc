// DecimalByteParts (`vortex.decimal_byte_parts`, vortex-format.md §5.14): decimals whose valid
// unscaled values fit in 64 bits are stored as the narrowest signed integer (i8…i64) holding them,
// compressed further; wider ones stay canonical `vortex.decimal`.
#include "common.hpp"

namespace gyre::write {
namespace {

class DecimalByteParts final : public SchemeBase {
 public:
  const char* id() const override { return ids::kDecimalByteParts; }
  bool applies(const Column& c, const CompressCtx&) const override { return c.dtype->kind == DTypeKind::Decimal; }
  Estimate estimate(ColumnStats&, const CompressCtx&) const override { return Estimate::always(); }
  bool encode(const Column& c, const CompressCtx& ctx, EncodedArray& out) const override {
    const uint64_t n = c.length;
    if (n == 0) return false;
    const uint64_t w = c.buffers.at(0).size() / n;
    if (w != 16 && w != 32) return false;
    const bool nulls = has_nulls(c);
    const uint8_t* src = c.buffers[0].data();
    std::vector<int64_t> vals(n);
    int64_t mn = 0, mx = 0;
    bool any = false;
    for (uint64_t i = 0; i < n; i++) {
      if (nulls && !c.is_valid(i)) {
        vals[i] = 0;
        continue;
      }
      uint64_t lo;
      std::memcpy(&lo, src + i * w, 8);
      const uint64_t sign = uint64_t(int64_t(lo) >> 63);
      for (uint64_t k = 8; k < w; k += 8) {
        uint64_t word;
        std::memcpy(&word, src + i * w + k, 8);
        if (word != sign) return false;  // needs more than 64 bits
      }
      const int64_t x = int64_t(lo);
      vals[i] = x;
      if (!any) mn = mx = x, any = true;
      else mn = std::min(mn, x), mx = std::max(mx, x);
    }
    PType p = PType::I64;
    if (mn >= INT8_MIN && mx <= INT8_MAX) p = PType::I8;
    else if (mn >= INT16_MIN && mx <= INT16_MAX) p = PType::I16;
    else if (mn >= INT32_MIN && mx <= INT32_MAX) p = PType::I32;
    Column msp = new_primitive(p, c.dtype->is_nullable(), n);
    if (nulls) msp.validity = c.validity;
    with_int_type(p, [&]<typename T>() {
      T* o = msp.buffers[0].as<T>();
      for (uint64_t i = 0; i < n; i++) o[i] = T(vals[i]);
    });
    out = EncodedArray();
    out.encoding = "vortex.decimal_byte_parts";
    Proto m;
    m.u(1, uint64_t(p));
    out.metadata = m.out;
    out.children.push_back(compress_child(msp, ctx, {}));
    return true;
  }
};

}  // namespace

GYRE_REGISTER_SCHEME(DecimalByteParts, order::kDecimalByteParts);

}  // namespace gyre::write
