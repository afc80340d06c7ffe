// vortex.alp (vortex-format.md §5.6) and vortex.alprd (§5.7).
//
// ALP: out[i] = float(encoded[i]) * F10[f] * IF10[e], evaluated left to right in the target
// precision (f32 for F32, f64 for F64). The build uses -ffp-contract=off and SSE2 (no x87), so
// each multiplication rounds to the target type exactly like the reference implementation; the
// tables (alp_constants.hpp) are decimal literals rounded by the compiler to the target type.
// Patches (the exact original floats) are applied afterwards.
//
// ALP-RD: bits = (dict[left_code[i]] << R) | right[i] (patches replace the dictionary lookup of
// the left part), reinterpreted as the float.
#include <bit>

#include "alp_constants.hpp"
#include "common.hpp"

namespace gyre {
namespace {

using alp::kF10d;
using alp::kF10f;
using alp::kIF10d;
using alp::kIF10f;

struct AlpMeta {
  uint64_t e = 0, f = 0;
  bool has_patches = false;
  PatchesMeta patches;
};

AlpMeta parse_alp_meta(Bytes m) {
  AlpMeta a;
  pb::Reader r(m);
  pb::Field fld;
  while (r.next(fld)) {
    switch (fld.number) {
      case 1: a.e = fld.varint; break;
      case 2: a.f = fld.varint; break;
      case 3:
        if (fld.wire != pb::Wire::Len) corrupt("vortex.alp patches metadata has bad wire type");
        a.has_patches = true;
        a.patches = parse_patches(fld.bytes);
        break;
      default: break;
    }
  }
  return a;
}

// In place: the buffer holds len ints of type I; afterwards len floats of type F (same width).
template <typename F, typename I>
void alp_decode_inplace(uint8_t* buf, uint64_t len, F mul_f, F mul_e) {
  static_assert(sizeof(F) == sizeof(I));
  for (uint64_t i = 0; i < len; i++) {
    I enc;
    std::memcpy(&enc, buf + i * sizeof(I), sizeof(I));
    F v = F(enc);  // int -> float conversion rounds to nearest, like Rust `as`
    v = v * mul_f;
    v = v * mul_e;
    std::memcpy(buf + i * sizeof(F), &v, sizeof(F));
  }
}

Column decode_alp(DecodeCtx& ctx, const ArrayNode& node, const DTypePtr& d, uint64_t len) {
  const DType& p = d->physical();
  if (p.kind != DTypeKind::Primitive || (p.ptype != PType::F32 && p.ptype != PType::F64))
    corrupt("vortex.alp with dtype " + d->to_string());
  const bool f64 = p.ptype == PType::F64;
  AlpMeta m = parse_alp_meta(node.metadata());
  const uint64_t nexp = f64 ? 24 : 11;
  if (m.e >= nexp || m.f >= nexp) corrupt("vortex.alp exponents out of range");
  if (node.nchildren() < 1) corrupt("vortex.alp missing encoded child");
  Column c = decode_primitive(ctx, node.child(0), f64 ? PType::I64 : PType::I32, d->is_nullable(), len);
  make_unique_buffer(ctx, c, 0);
  if (c.buffers[0].size() < len * (f64 ? 8 : 4)) corrupt("vortex.alp encoded buffer too short");
  if (f64) alp_decode_inplace<double, int64_t>(c.buffers[0].data(), len, kF10d[m.f], kIF10d[m.e]);
  else alp_decode_inplace<float, int32_t>(c.buffers[0].data(), len, kF10f[m.f], kIF10f[m.e]);
  c.dtype = d;
  if (m.has_patches) apply_patches(ctx, node, 1, m.patches, d, c);
  return c;
}

// ---- ALP-RD ----------------------------------------------------------------------------------

struct AlpRdMeta {
  uint64_t right_bit_width = 0;
  uint64_t dict_len = 0;
  std::vector<uint64_t> dict;
  PType left_ptype = PType::U8;
  bool has_patches = false;
  PatchesMeta patches;
};

AlpRdMeta parse_alprd_meta(Bytes m) {
  AlpRdMeta a;
  pb::Reader r(m);
  pb::Field fld;
  while (r.next(fld)) {
    switch (fld.number) {
      case 1: a.right_bit_width = fld.varint; break;
      case 2: a.dict_len = fld.varint; break;
      case 3:
        pb::for_each_packed_varint(fld, [&](uint64_t v) {
          if (a.dict.size() >= 65536) corrupt("vortex.alprd dictionary too large");
          a.dict.push_back(v);
        });
        break;
      case 4: a.left_ptype = ptype_from_code(fld.varint); break;
      case 5:
        if (fld.wire != pb::Wire::Len) corrupt("vortex.alprd patches metadata has bad wire type");
        a.has_patches = true;
        a.patches = parse_patches(fld.bytes);
        break;
      default: break;
    }
  }
  return a;
}

// Combines left codes (integer column of type C) with the right parts (U, in place in `right`).
// Codes outside the dictionary give a zero left part and set `bad` (checked by the caller).
template <typename U, typename C>
void alprd_combine(const C* codes, const std::vector<U>& shifted, U* right, uint64_t len, bool& bad) {
  const uint64_t n = shifted.size();
  bool b = false;
  for (uint64_t i = 0; i < len; i++) {
    uint64_t code = uint64_t(codes[i]);
    if (code < n) {
      right[i] |= shifted[code];
    } else {
      b = true;
    }
  }
  bad = b;
}

Column decode_alprd(DecodeCtx& ctx, const ArrayNode& node, const DTypePtr& d, uint64_t len) {
  const DType& p = d->physical();
  if (p.kind != DTypeKind::Primitive || (p.ptype != PType::F32 && p.ptype != PType::F64))
    corrupt("vortex.alprd with dtype " + d->to_string());
  const bool f64 = p.ptype == PType::F64;
  const unsigned bits = f64 ? 64 : 32;
  AlpRdMeta m = parse_alprd_meta(node.metadata());
  if (m.right_bit_width >= bits) corrupt("vortex.alprd right bit width out of range");
  if (m.dict_len > m.dict.size()) corrupt("vortex.alprd dictionary shorter than dict_len");
  for (uint64_t i = 0; i < m.dict_len; i++)
    if (m.dict[i] > 0xffff) corrupt("vortex.alprd dictionary entry does not fit in 16 bits");
  if (!ptype_is_unsigned(m.left_ptype)) corrupt("vortex.alprd left parts must be unsigned");
  if (node.nchildren() < 2) corrupt("vortex.alprd missing children");
  const unsigned shift = unsigned(m.right_bit_width);

  Column left = decode_primitive(ctx, node.child(0), m.left_ptype, d->is_nullable(), len);
  Column right = decode_primitive(ctx, node.child(1), f64 ? PType::U64 : PType::U32, false, len);
  make_unique_buffer(ctx, right, 0);

  // Patched left parts: the actual left bit pattern of every row (a sentinel where the code is
  // outside the dictionary, acceptable only at null rows).
  constexpr uint64_t kNoEntry = ~uint64_t(0);
  Buffer left_vals;
  if (m.has_patches) {
    if (node.nchildren() < 4) corrupt("vortex.alprd patches children missing");
    left_vals = ctx.alloc.alloc(len * 8);
    uint64_t* out = left_vals.as<uint64_t>();
    dispatch_int(m.left_ptype, [&]<typename C>() {
      const C* codes = left.buffers[0].as<C>();
      for (uint64_t i = 0; i < len; i++) {
        uint64_t code = uint64_t(codes[i]);
        out[i] = code < m.dict_len ? m.dict[code] : kNoEntry;
      }
    });
    // Patch values: left bit patterns of the left-parts ptype (old writers gave them the array's
    // nullability, newer ones non-nullable; both are accepted).
    Column idx = decode_primitive(ctx, node.child(2), m.patches.indices_ptype, false, m.patches.len);
    Column pv = decode_primitive(ctx, node.child(3), m.left_ptype, d->is_nullable(), m.patches.len);
    std::vector<uint64_t> ix = int_column_u64(idx);
    std::vector<uint64_t> vals = int_column_u64(pv);
    for (uint64_t k = 0; k < ix.size(); k++) {
      if (ix[k] < m.patches.offset) continue;
      uint64_t pos = ix[k] - m.patches.offset;
      if (pos >= len) continue;
      if (vals[k] > 0xffff) corrupt("vortex.alprd patched left part does not fit in 16 bits");
      out[pos] = vals[k];
    }
  }

  bool bad = false;
  auto combine = [&]<typename U>() {
    U* r = right.buffers[0].as<U>();
    if (m.has_patches) {
      const uint64_t* lvp = left_vals.as<uint64_t>();
      for (uint64_t i = 0; i < len; i++) {
        uint64_t l = lvp[i];
        if (l == kNoEntry) {
          if (!left.is_valid(i)) continue;
          corrupt("vortex.alprd left code outside the dictionary");
        }
        r[i] |= U(U(l) << shift);
      }
      return;
    }
    std::vector<U> shifted(m.dict_len);
    for (uint64_t k = 0; k < m.dict_len; k++) shifted[k] = U(U(m.dict[k]) << shift);
    dispatch_int(m.left_ptype, [&]<typename C>() {
      alprd_combine<U, C>(left.buffers[0].as<C>(), shifted, r, len, bad);
    });
    if (bad) {
      // Out-of-dictionary codes are only acceptable at null rows (their values are arbitrary).
      dispatch_int(m.left_ptype, [&]<typename C>() {
        const C* codes = left.buffers[0].as<C>();
        for (uint64_t i = 0; i < len; i++)
          if (uint64_t(codes[i]) >= m.dict_len && left.is_valid(i))
            corrupt("vortex.alprd left code outside the dictionary");
      });
    }
  };
  if (f64) combine.template operator()<uint64_t>();
  else combine.template operator()<uint32_t>();

  Column c;
  c.dtype = d;
  c.length = len;
  c.buffers.push_back(right.buffers[0]);
  c.validity = left.validity;
  return c;
}

}  // namespace

GYRE_REGISTER_ENCODING("vortex.alp", decode_alp);
GYRE_REGISTER_ENCODING("vortex.alprd", decode_alprd);

}  // namespace gyre
