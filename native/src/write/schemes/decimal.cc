// DecimalByteParts (`vortex.decimal_byte_parts`, vortex-format.md §5.14): decimals whose valid
// unscaled values fit in 64 bits are stored as the narrowest signed integer (i8…i64) holding them,
// compressed further; wider ones stay canonical `vortex.decimal`.
#include "common.hpp"

namespace gyre::write {
namespace {

// Whether every valid value of a decimal column of `w`-byte values fits in `bytes` bytes (the
// words above are the sign extension).
bool fits(const Column& c, uint64_t w, uint64_t bytes) {
  const uint8_t* src = c.buffers[0].data();
  bool ok = true;
  for_each_valid_range(c, [&](uint64_t b, uint64_t e) {
    for (uint64_t i = b; i < e && ok; i++) {
      int64_t top;
      std::memcpy(&top, src + i * w + bytes - 8, 8);
      const uint64_t sign = uint64_t(top >> 63);
      for (uint64_t k = bytes; k < w && ok; k += 8) {
        uint64_t word;
        std::memcpy(&word, src + i * w + k, 8);
        ok = word == sign;
      }
    }
  });
  return ok;
}

// 256-bit decimals whose values fit in 128 bits: `vortex.decimal` with i128 values (the official
// narrowing), half the canonical size.
bool narrow_to_i128(const Column& c, EncodedArray& out) {
  const uint64_t n = c.length;
  Buffer values = Buffer::alloc(size_t(n * 16));
  for (uint64_t i = 0; i < n; i++) std::memcpy(values.data() + 16 * i, c.buffers[0].data() + 32 * i, 16);
  for_each_null_range(c, [&](uint64_t b, uint64_t e) { std::memset(values.data() + 16 * b, 0, size_t(16 * (e - b))); });
  out = EncodedArray();
  out.encoding = "vortex.decimal";
  Proto m;
  m.u(1, 4);  // DecimalType I128
  out.metadata = m.out;
  out.buffers.push_back({values, 4});
  push_validity(out, c);
  return true;
}

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
    if (!fits(c, w, 8)) return w == 32 && fits(c, w, 16) && narrow_to_i128(c, out);
    std::vector<int64_t> vals(n);
    int64_t mn = 0, mx = 0;
    bool any = false;
    for (uint64_t i = 0; i < n; i++) {
      if (nulls && !c.is_valid(i)) {
        vals[i] = 0;
        continue;
      }
      int64_t x;
      std::memcpy(&x, src + i * w, 8);
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
