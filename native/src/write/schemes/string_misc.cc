// Constant and null-dominated sparse encodings for Utf8 / Binary columns (the official
// StringConstantScheme, BinaryConstantScheme and string NullDominatedSparseScheme):
//   * every valid value equal, no nulls   → vortex.constant(value)
//   * every valid value equal, some nulls → vortex.masked(vortex.constant(value), validity)
//   * all null                            → vortex.constant(null)
//   * more than 90 % null (Utf8)          → vortex.sparse: fill = null, patches = the valid rows
//     (u-narrowed indices compressed without Sparse / IntDict, values kept canonical)
#include <vector>

#include "string_common.hpp"

namespace gyre::write {
namespace {

// Index of the first valid row, or c.length.
uint64_t first_valid(const StrCol& s) {
  uint64_t i = 0;
  while (i < s.rows && !s.valid(i)) i++;
  return i;
}

bool all_valid_equal(const StrCol& s, uint64_t first) {
  const std::string_view v = s.str(first);
  for (uint64_t i = first + 1; i < s.rows; i++)
    if (s.valid(i) && s.str(i) != v) return false;
  return true;
}

class ConstantScheme : public SchemeBase {
 public:
  explicit ConstantScheme(bool utf8) : utf8_(utf8) {}
  const char* id() const override { return utf8_ ? ids::kStringConstant : ids::kBinaryConstant; }
  bool applies(const Column& c, const CompressCtx&) const override {
    return (utf8_ ? is_utf8(c) : is_binary(c)) && c.length > 0;
  }
  Estimate estimate(ColumnStats& st, const CompressCtx& ctx) const override {
    // A constant sample says nothing about the column.
    if (is_sample(ctx)) return Estimate::skip();
    if (st.value_count() == 0) return Estimate::always();
    const StrCol s(st.column());
    return all_valid_equal(s, first_valid(s)) ? Estimate::always() : Estimate::skip();
  }

  bool encode(const Column& c, const CompressCtx&, EncodedArray& out) const override {
    const StrCol s(c);
    const uint64_t first = first_valid(s);
    out = EncodedArray();
    if (first == c.length) {
      out = constant_node(scalar_null());
      return true;
    }
    if (!all_valid_equal(s, first)) return false;
    EncodedArray cst = constant_node(scalar_string(utf8_, s.str(first)));
    if (!has_nulls(c)) {
      out = std::move(cst);
      return true;
    }
    out.encoding = "vortex.masked";
    out.children.push_back(std::move(cst));
    out.children.push_back(validity_node(c));
    return true;
  }

 private:
  bool utf8_;
};

struct Utf8Constant final : ConstantScheme {
  Utf8Constant() : ConstantScheme(true) {}
};
struct BinaryConstant final : ConstantScheme {
  BinaryConstant() : ConstantScheme(false) {}
};

class SparseScheme final : public SchemeBase {
 public:
  const char* id() const override { return ids::kStringSparse; }
  bool applies(const Column& c, const CompressCtx&) const override {
    return is_utf8(c) && c.length > 0 && c.dtype->is_nullable();
  }
  Estimate estimate(ColumnStats& st, const CompressCtx&) const override {
    const uint64_t values = st.value_count();
    if (values == 0) return Estimate::skip();  // constant(null) is better
    if (double(st.null_count()) / double(st.len()) > 0.9) return Estimate::of(double(st.len()) / double(values));
    return Estimate::skip();
  }

  bool encode(const Column& c, const CompressCtx& ctx, EncodedArray& out) const override {
    const StrCol s(c);
    std::vector<uint64_t> idx;
    uint64_t bytes = 0;
    for (uint64_t i = 0; i < c.length; i++) {
      if (!s.valid(i)) continue;
      idx.push_back(i);
      bytes += s.len(i);
    }
    if (idx.empty()) return false;
    // Patch values: the valid rows, dtype = the column's (nullable, all valid).
    Column vals;
    vals.dtype = c.dtype;
    vals.length = idx.size();
    vals.large = bytes > 0x7fffffffull;
    Buffer offs = Buffer::alloc(size_t((idx.size() + 1) * (vals.large ? 8 : 4)));
    Buffer data = Buffer::alloc(size_t(bytes));
    uint64_t pos = 0;
    for (size_t k = 0; k < idx.size(); k++) {
      if (vals.large) offs.as<int64_t>()[k] = int64_t(pos);
      else offs.as<int32_t>()[k] = int32_t(pos);
      const uint64_t l = s.len(idx[k]);
      if (l) std::memcpy(data.data() + pos, s.ptr(idx[k]), size_t(l));
      pos += l;
    }
    if (vals.large) offs.as<int64_t>()[idx.size()] = int64_t(pos);
    else offs.as<int32_t>()[idx.size()] = int32_t(pos);
    vals.buffers.push_back(offs);
    vals.buffers.push_back(data);

    const Column indices = narrowed_indices(idx);
    Proto patches;
    patches.u(1, idx.size()).u(3, uint64_t(indices.dtype->ptype));
    Proto meta;
    meta.msg(1, patches.out);

    out = EncodedArray();
    out.encoding = "vortex.sparse";
    out.metadata = std::move(meta.out);
    out.buffers.push_back({[] {
                             auto b = scalar_null();
                             return Buffer::copy_of(b.data(), b.size());
                           }(),
                           0});
    out.children.push_back(compress_child(indices, ctx, {ids::kIntSparse, ids::kIntDict}));
    out.children.push_back(encode_canonical(vals));
    return true;
  }
};

GYRE_REGISTER_SCHEME(Utf8Constant, order::kStringConstant);
GYRE_REGISTER_SCHEME(SparseScheme, order::kStringSparse);
GYRE_REGISTER_SCHEME(BinaryConstant, order::kBinaryConstant);

}  // namespace
}  // namespace gyre::write
