// Array-level dictionaries (`vortex.dict`, vortex-format.md §5.1) for integers (only in the full
// compressor: zone tables, layout-dictionary values; data chunks use layout dictionaries) and
// floats. Values are the distinct valid values in order of first appearance (nullable dtype, all
// valid); codes carry the column's validity (nullable codes, is_nullable_codes set), are
// narrowed and compressed without FoR / ZigZag / Sequence; values never get run-end / RLE.
#include <cmath>

#include "common.hpp"

namespace gyre::write {
namespace {

// Open-addressing map from a value's bit pattern to its code.
template <typename U>
class CodeMap {
 public:
  explicit CodeMap(size_t expected) {
    size_t cap = 16;
    while (cap < expected * 2) cap <<= 1;
    keys_.resize(cap);
    codes_.assign(cap, kEmpty);
    mask_ = cap - 1;
  }
  // The code of k, assigning `next` when k is new.
  uint32_t code(U k, uint32_t next, bool& added) {
    if ((size_ + 1) * 2 > keys_.size()) grow();
    size_t i = slot(k);
    if (codes_[i] != kEmpty) {
      added = false;
      return codes_[i];
    }
    keys_[i] = k, codes_[i] = next, size_++;
    added = true;
    return next;
  }

 private:
  static constexpr uint32_t kEmpty = ~uint32_t(0);
  size_t slot(U k) const {
    size_t i = size_t((uint64_t(k) ^ (uint64_t(k) >> 31)) * 0x9E3779B97F4A7C15ULL >> 11) & mask_;
    while (codes_[i] != kEmpty && keys_[i] != k) i = (i + 1) & mask_;
    return i;
  }
  void grow() {
    std::vector<U> ok;
    std::vector<uint32_t> oc;
    ok.swap(keys_), oc.swap(codes_);
    keys_.resize(ok.size() * 2);
    codes_.assign(ok.size() * 2, kEmpty);
    mask_ = keys_.size() - 1;
    for (size_t j = 0; j < ok.size(); j++)
      if (oc[j] != kEmpty) {
        size_t i = slot(ok[j]);
        keys_[i] = ok[j], codes_[i] = oc[j];
      }
  }
  std::vector<U> keys_;
  std::vector<uint32_t> codes_;
  size_t mask_ = 0, size_ = 0;
};

bool dict_encode(const Column& c, const CompressCtx& ctx, EncodedArray& out) {
  const PType p = c.dtype->ptype;
  const bool nulls = has_nulls(c);
  const bool nullable = c.dtype->is_nullable();
  Column values, codes;
  with_word(ptype_width(p), [&]<typename U>() {
    const U* v = c.buffers[0].as<const U>();
    CodeMap<U> map(1024);
    std::vector<U> distinct;
    std::vector<uint32_t> code(c.length);
    for (uint64_t i = 0; i < c.length; i++) {
      if (nulls && !c.is_valid(i)) {
        code[i] = 0;
        continue;
      }
      bool added;
      code[i] = map.code(v[i], uint32_t(distinct.size()), added);
      if (added) distinct.push_back(v[i]);
    }
    values = new_primitive(p, nullable, distinct.size());
    if (!distinct.empty()) std::memcpy(values.buffers[0].data(), distinct.data(), distinct.size() * sizeof(U));
    const PType cp = distinct.size() <= 0xff ? PType::U8 : distinct.size() <= 0xffff ? PType::U16 : PType::U32;
    codes = new_primitive(cp, nullable, c.length);
    if (nulls) codes.validity = c.validity;
    with_word(ptype_width(cp), [&]<typename C>() {
      C* o = codes.buffers[0].as<C>();
      for (uint64_t i = 0; i < c.length; i++) o[i] = C(code[i]);
    });
  });
  codes = narrow_int(codes);
  out = EncodedArray();
  out.encoding = "vortex.dict";
  Proto m;
  m.u(1, values.length).u(2, uint64_t(codes.dtype->ptype)).opt_u(3, nullable ? 1 : 0).opt_u(4, 1);
  out.metadata = m.out;
  out.children.push_back(compress_child(codes, ctx, kDictCodesExcluded));
  out.children.push_back(compress_child(values, ctx, kDictValuesExcluded));
  return true;
}

class IntDict final : public SchemeBase {
 public:
  const char* id() const override { return ids::kIntDict; }
  bool applies(const Column& c, const CompressCtx&) const override {
    return c.dtype->kind == DTypeKind::Primitive && ptype_is_int(c.dtype->ptype);
  }
  Estimate estimate(ColumnStats& st, const CompressCtx&) const override {
    const uint64_t vc = st.value_count();
    if (vc == 0) return Estimate::skip();
    const uint64_t distinct = st.distinct_count(vc / 2);
    if (distinct > vc / 2) return Estimate::skip();
    const uint64_t bits = 8 * ptype_width(st.column().dtype->ptype);
    const uint64_t values_size = bits * distinct;
    const uint64_t codes_bw = bit_width_of(distinct);
    const uint64_t avg_run = std::max<uint64_t>(st.average_run_length(), 1);
    const uint64_t runs = vc / avg_run;
    const uint64_t codes_size = std::min(codes_bw * vc, (codes_bw + 32) * runs);
    return Estimate::of(double(vc * bits) / double(values_size + codes_size));
  }
  bool encode(const Column& c, const CompressCtx& ctx, EncodedArray& out) const override {
    return dict_encode(c, ctx, out);
  }
};

class FloatDict final : public SchemeBase {
 public:
  const char* id() const override { return ids::kFloatDict; }
  bool applies(const Column& c, const CompressCtx&) const override {
    return c.dtype->kind == DTypeKind::Primitive && ptype_is_float(c.dtype->ptype);
  }
  Estimate estimate(ColumnStats& st, const CompressCtx&) const override {
    const uint64_t vc = st.value_count();
    if (vc == 0) return Estimate::skip();
    // A dictionary of a nearly unique sample loses to ALP / ALP-RD on that sample anyway.
    if (vc > 4096 && st.strided_unique_fraction() > 0.9) return Estimate::skip();
    if (st.distinct_count(vc / 2) > vc / 2) return Estimate::skip();
    return Estimate::sample();
  }
  bool encode(const Column& c, const CompressCtx& ctx, EncodedArray& out) const override {
    return dict_encode(c, ctx, out);
  }
};

}  // namespace

GYRE_REGISTER_SCHEME(IntDict, order::kIntDict);
GYRE_REGISTER_SCHEME(FloatDict, order::kFloatDict);

}  // namespace gyre::write
