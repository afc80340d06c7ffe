// Sparse (`vortex.sparse`, vortex-format.md §5.10): a fill scalar plus patches.
//   * integer or float columns more than 90% null: fill = null, patches = the valid values;
//   * integer columns whose most frequent value covers at least 90% of the valid rows:
//     fill = that value, patches = every other row, null rows included (null patch values).
// Patch indices are narrowed and compressed (never dict / run-end / RLE / sparse); integer patch
// values are compressed, float ones stay canonical (the official schemes).
#include "common.hpp"

namespace gyre::write {
namespace {

bool null_dominated(uint64_t nulls, uint64_t len) { return double(nulls) / double(len) > 0.9; }

// Builds the node; positions/values already chosen.
EncodedArray sparse_node(std::vector<uint8_t> fill, const std::vector<uint64_t>& positions, EncodedArray indices,
                         EncodedArray values) {
  EncodedArray out;
  out.encoding = "vortex.sparse";
  Proto patches;
  patches.u(1, positions.size());
  patches.u(3, uint64_t(smallest_unsigned(positions.empty() ? 0 : positions.back())));
  Proto m;
  m.msg(1, patches.out);
  out.metadata = m.out;
  out.buffers.push_back({Buffer::copy_of(fill.data(), fill.size()), 0});
  out.children.push_back(std::move(indices));
  out.children.push_back(std::move(values));
  return out;
}

// The valid rows of c (positions and a nullable, all-valid values column).
void valid_rows(const Column& c, std::vector<uint64_t>& pos, Column& values) {
  const unsigned w = ptype_width(c.dtype->ptype);
  for (uint64_t i = 0; i < c.length; i++)
    if (c.is_valid(i)) pos.push_back(i);
  values = new_primitive(c.dtype->ptype, c.dtype->is_nullable(), pos.size());
  const uint8_t* src = c.buffers[0].data();
  uint8_t* dst = values.buffers[0].data();
  for (size_t k = 0; k < pos.size(); k++) std::memcpy(dst + k * w, src + pos[k] * w, w);
}

const std::vector<std::string> kIndicesExcluded = {ids::kIntDict, ids::kIntRunEnd, ids::kIntRLE, ids::kIntSparse};

class IntSparse final : public SchemeBase {
 public:
  const char* id() const override { return ids::kIntSparse; }
  bool applies(const Column& c, const CompressCtx&) const override {
    return c.dtype->kind == DTypeKind::Primitive && ptype_is_int(c.dtype->ptype);
  }
  Estimate estimate(ColumnStats& st, const CompressCtx&) const override {
    const uint64_t vc = st.value_count();
    if (vc == 0) return Estimate::skip();
    if (null_dominated(st.null_count(), st.len())) return Estimate::of(double(st.len()) / double(vc));
    auto top = st.majority(0.9);
    if (!top || top->second == vc) return Estimate::skip();
    if (double(top->second) / double(vc) < 0.9) return Estimate::skip();
    return Estimate::of(double(vc) / double(vc - top->second));
  }
  bool encode(const Column& c, const CompressCtx& ctx, EncodedArray& out) const override {
    if (c.length == 0) return false;
    const PType p = c.dtype->ptype;
    const unsigned w = ptype_width(p);
    const bool nulls = has_nulls(c);
    std::vector<uint64_t> pos;
    Column values;
    if (nulls && null_dominated(c.null_count(), c.length)) {
      valid_rows(c, pos, values);
      Column idx = narrowed_indices(pos);
      out = sparse_node(scalar_null(), pos, compress_child(idx, ctx, kIndicesExcluded),
                        compress_child(values, ctx, {}));
      return true;
    }
    ColumnStats st(c);
    auto top = st.majority();
    if (!top) return false;
    bool any_null_patch = false;
    with_word(w, [&]<typename U>() {
      const U* v = c.buffers[0].as<const U>();
      const U fill = U(top->first);
      for (uint64_t i = 0; i < c.length; i++) {
        const bool valid = !nulls || c.is_valid(i);
        if (!valid || v[i] != fill) pos.push_back(i), any_null_patch |= !valid;
      }
      values = new_primitive(p, c.dtype->is_nullable(), pos.size());
      U* o = values.buffers[0].as<U>();
      if (any_null_patch) values.validity = Buffer::zeros(bitmap_bytes(pos.size()));
      for (size_t k = 0; k < pos.size(); k++) {
        const bool valid = !nulls || c.is_valid(pos[k]);
        o[k] = valid ? v[pos[k]] : U(0);
        if (any_null_patch && valid) set_bit(values.validity.data(), k);
      }
    });
    const uint64_t fill_bits = top->first;
    std::vector<uint8_t> fill(w);
    std::memcpy(fill.data(), &fill_bits, w);
    std::vector<uint8_t> scalar = scalar_primitive(p, fill.data(), 0);
    if (pos.empty()) {
      out = constant_node(std::move(scalar));
      return true;
    }
    Column idx = narrowed_indices(pos);
    out = sparse_node(std::move(scalar), pos, compress_child(idx, ctx, kIndicesExcluded),
                      compress_child(values, ctx, {}));
    return true;
  }
};

class FloatSparse final : public SchemeBase {
 public:
  const char* id() const override { return ids::kFloatSparse; }
  bool applies(const Column& c, const CompressCtx&) const override {
    return c.dtype->kind == DTypeKind::Primitive && ptype_is_float(c.dtype->ptype);
  }
  Estimate estimate(ColumnStats& st, const CompressCtx&) const override {
    const uint64_t vc = st.value_count();
    if (vc == 0 || !null_dominated(st.null_count(), st.len())) return Estimate::skip();
    return Estimate::of(double(st.len()) / double(vc));
  }
  bool encode(const Column& c, const CompressCtx& ctx, EncodedArray& out) const override {
    if (c.length == 0 || !has_nulls(c) || !null_dominated(c.null_count(), c.length)) return false;
    std::vector<uint64_t> pos;
    Column values;
    valid_rows(c, pos, values);
    Column idx = narrowed_indices(pos);
    out = sparse_node(scalar_null(), pos, compress_child(idx, ctx, {ids::kIntSparse}), primitive_node(values));
    return true;
  }
};

}  // namespace

GYRE_REGISTER_SCHEME(IntSparse, order::kIntSparse);
GYRE_REGISTER_SCHEME(FloatSparse, order::kFloatSparse);

}  // namespace gyre::write
