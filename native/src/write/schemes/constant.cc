// Constant schemes (bool, integer, float): a column whose valid values all have the same bit
// pattern becomes `vortex.constant`, or `vortex.masked(vortex.constant, validity)` when it also
// has nulls. All-null columns never get here (the driver makes them constant null).
#include "common.hpp"

namespace gyre::write {
namespace {

bool is_int(const Column& c) { return c.dtype->kind == DTypeKind::Primitive && ptype_is_int(c.dtype->ptype); }
bool is_float(const Column& c) { return c.dtype->kind == DTypeKind::Primitive && ptype_is_float(c.dtype->ptype); }

bool encode_constant(const Column& c, EncodedArray& out) {
  uint64_t first = 0;
  const bool nulls = has_nulls(c);
  if (nulls)
    while (first < c.length && !c.is_valid(first)) first++;
  if (first >= c.length) return false;
  std::vector<uint8_t> scalar = c.dtype->kind == DTypeKind::Bool
                                    ? scalar_bool(get_bit(c.buffers[0].data(), first))
                                    : scalar_primitive(c.dtype->ptype, c.buffers[0].data(), first);
  if (!nulls) {
    out = constant_node(std::move(scalar));
    return true;
  }
  out = EncodedArray();
  out.encoding = "vortex.masked";
  out.children.push_back(constant_node(std::move(scalar)));
  out.children.push_back(validity_node(c));
  return true;
}

class BoolConstant final : public SchemeBase {
 public:
  const char* id() const override { return ids::kBoolConstant; }
  bool applies(const Column& c, const CompressCtx&) const override { return c.dtype->kind == DTypeKind::Bool; }
  Estimate estimate(ColumnStats& st, const CompressCtx& ctx) const override {
    if (is_sample(ctx)) return Estimate::skip();
    return st.is_constant() ? Estimate::always() : Estimate::skip();
  }
  bool encode(const Column& c, const CompressCtx&, EncodedArray& out) const override { return encode_constant(c, out); }
};

class IntConstant final : public SchemeBase {
 public:
  const char* id() const override { return ids::kIntConstant; }
  bool applies(const Column& c, const CompressCtx&) const override { return is_int(c); }
  Estimate estimate(ColumnStats& st, const CompressCtx& ctx) const override {
    if (is_sample(ctx)) return Estimate::skip();
    return st.ints().max_minus_min() == 0 ? Estimate::always() : Estimate::skip();
  }
  bool encode(const Column& c, const CompressCtx&, EncodedArray& out) const override { return encode_constant(c, out); }
};

class FloatConstant final : public SchemeBase {
 public:
  const char* id() const override { return ids::kFloatConstant; }
  bool applies(const Column& c, const CompressCtx&) const override { return is_float(c); }
  Estimate estimate(ColumnStats& st, const CompressCtx& ctx) const override {
    if (is_sample(ctx)) return Estimate::skip();
    return st.is_constant() ? Estimate::always() : Estimate::skip();
  }
  bool encode(const Column& c, const CompressCtx&, EncodedArray& out) const override { return encode_constant(c, out); }
};

}  // namespace

GYRE_REGISTER_SCHEME(BoolConstant, order::kBoolConstant);
GYRE_REGISTER_SCHEME(IntConstant, order::kIntConstant);
GYRE_REGISTER_SCHEME(FloatConstant, order::kFloatConstant);

}  // namespace gyre::write
