// Integer-oriented (and generic) compression encodings: vortex.zigzag (§5.11), vortex.sequence
// (§5.12), vortex.runend (§5.9), vortex.sparse (§5.10) and the array-level vortex.dict (§5.1).
//
// Primitive (and, where cheap, Bool) outputs have dedicated tight loops writing into one freshly
// allocated buffer; every other dtype goes through the generic Column helpers (constant_column,
// concat_columns, take_column), so Utf8/Binary/Decimal/Struct/List/... values all work.
#include <algorithm>

#include "common.hpp"

namespace gyre {
namespace {

constexpr uint64_t kMaxRows = uint64_t(1) << 48;

uint64_t byte_size(uint64_t n, uint64_t w) {
  if (n > kMaxRows) throw VortexError(kLimit, "array length " + std::to_string(n) + " is too large");
  return n * w;
}


// Calls fn(k, value) for every row of a non-nullable integer column (negative values rejected).
template <typename Fn>
void for_each_index(const Column& c, Fn&& fn) {
  dispatch_int(c.dtype->physical().ptype, [&]<typename T>() {
    const T* p = c.buffers.at(0).as<const T>();
    for (uint64_t k = 0; k < c.length; k++) {
      if constexpr (std::is_signed_v<T>) {
        if (p[k] < 0) corrupt("negative index");
      }
      fn(k, uint64_t(p[k]));
    }
  });
}

// A u64 index column (non-nullable) of n rows allocated through the context.
Column index_column(DecodeCtx& ctx, uint64_t n) {
  Column ix;
  ix.dtype = DType::primitive(PType::U64, false);
  ix.length = n;
  ix.buffers.push_back(ctx.alloc.alloc(byte_size(n, 8)));
  return ix;
}

// ---- vortex.zigzag --------------------------------------------------------------------------------

Column decode_zigzag(DecodeCtx& ctx, const ArrayNode& node, const DTypePtr& d, uint64_t len) {
  const DType& p = d->physical();
  if (!p.is_int() || !ptype_is_signed(p.ptype)) corrupt("vortex.zigzag with dtype " + d->to_string());
  if (node.nchildren() != 1) corrupt("vortex.zigzag expects exactly 1 child");
  Column c = decode_primitive(ctx, node.child(0), ptype_unsigned(p.ptype), d->is_nullable(), len);
  if (len) {
    make_unique_buffer(ctx, c, 0);
    dispatch_width(ptype_width(p.ptype), [&]<typename U>() {
      U* v = c.buffers[0].as<U>();
      for (uint64_t i = 0; i < len; i++) v[i] = U(v[i] >> 1) ^ U(0 - U(v[i] & 1));
    });
  }
  c.dtype = d;
  return c;
}

// ---- vortex.sequence -------------------------------------------------------------------------------

Column decode_sequence(DecodeCtx& ctx, const ArrayNode& node, const DTypePtr& d, uint64_t len) {
  const DType& p = d->physical();
  if (!p.is_int()) corrupt("vortex.sequence with dtype " + d->to_string());
  if (node.nchildren() != 0) corrupt("vortex.sequence expects no children");
  bool has_base = false, has_mult = false;
  Scalar base, mult;
  pb::Reader r(node.metadata());
  pb::Field f;
  while (r.next(f)) {
    if (f.wire != pb::Wire::Len) continue;
    if (f.number == 1) base = parse_scalar(f.bytes), has_base = true;
    else if (f.number == 2) mult = parse_scalar(f.bytes), has_mult = true;
  }
  if (!has_base || !has_mult) corrupt("vortex.sequence metadata lacks base or multiplier");
  auto int_of = [](const Scalar& s) {
    if (s.kind != Scalar::Kind::Int && s.kind != Scalar::Kind::UInt) corrupt("vortex.sequence base/multiplier must be integers");
    return s.int_bits();
  };
  const uint64_t b = int_of(base), m = int_of(mult);
  Column c;
  c.dtype = d;
  c.length = len;
  Buffer out = ctx.alloc.alloc(byte_size(len, ptype_width(p.ptype)));
  dispatch_width(ptype_width(p.ptype), [&]<typename U>() {
    U* o = out.as<U>();
    // Wrapping arithmetic in u64 (narrow types would otherwise promote to int and could overflow),
    // truncated to the array's width: the same bits as wrapping arithmetic in that width.
    for (uint64_t i = 0; i < len; i++) o[i] = U(b + i * m);
  });
  c.buffers.push_back(out);
  return c;
}

// ---- vortex.runend ---------------------------------------------------------------------------------

// Fills out[run start .. run end) for each run intersecting [offset, offset+len); calls
// fill(k, from, to) with output positions.
template <typename Fill>
void for_each_run(const std::vector<uint64_t>& ends, uint64_t offset, uint64_t len, Fill&& fill) {
  if (len == 0) return;
  // First run whose end is > offset.
  size_t k = size_t(std::upper_bound(ends.begin(), ends.end(), offset) - ends.begin());
  uint64_t pos = 0;
  const uint64_t stop = offset + len;
  for (; k < ends.size() && pos < len; k++) {
    const uint64_t e = std::min(ends[k], stop) - offset;
    if (e > pos) {
      fill(k, pos, e);
      pos = e;
    }
  }
  if (pos != len) corrupt("vortex.runend ends do not cover the array");
}

Column decode_runend(DecodeCtx& ctx, const ArrayNode& node, const DTypePtr& d, uint64_t len) {
  PType ends_pt = PType::U8;
  uint64_t num_runs = 0, offset = 0;
  pb::Reader r(node.metadata());
  pb::Field f;
  while (r.next(f)) {
    switch (f.number) {
      case 1: ends_pt = ptype_from_code(f.varint); break;
      case 2: num_runs = f.varint; break;
      case 3: offset = f.varint; break;
      default: break;
    }
  }
  if (!ptype_is_int(ends_pt)) corrupt("vortex.runend ends must be integers");
  if (node.nchildren() != 2) corrupt("vortex.runend expects 2 children");
  if (offset > kMaxRows || len > kMaxRows) corrupt("vortex.runend offset/length too large");
  Column ends_col = decode_primitive(ctx, node.child(0), ends_pt, false, num_runs);
  std::vector<uint64_t> ends = int_column_u64(ends_col);
  for (size_t k = 1; k < ends.size(); k++)
    if (ends[k] < ends[k - 1]) corrupt("vortex.runend ends are not sorted");
  if (len && (ends.empty() || ends.back() < offset + len)) corrupt("vortex.runend ends do not cover the array");
  Column values = ctx.decode(node.child(1), d, num_runs);
  const DType& p = d->physical();

  Column c;
  c.dtype = d;
  c.length = len;
  const bool nullable_vals = d->is_nullable() && !values.validity.empty();
  if (p.kind == DTypeKind::Primitive) {
    Buffer out = ctx.alloc.alloc(byte_size(len, ptype_width(p.ptype)));
    dispatch_width(ptype_width(p.ptype), [&]<typename U>() {
      const U* v = values.buffers[0].as<const U>();
      U* o = out.as<U>();
      for_each_run(ends, offset, len, [&](size_t k, uint64_t a, uint64_t b) { std::fill(o + a, o + b, v[k]); });
    });
    c.buffers.push_back(out);
  } else if (p.kind == DTypeKind::Bool) {
    Buffer out = ctx.alloc.zeros(bitmap_bytes(len));
    const uint8_t* v = values.buffers[0].data();
    for_each_run(ends, offset, len, [&](size_t k, uint64_t a, uint64_t b) {
      if (get_bit(v, k))
        for (uint64_t i = a; i < b; i++) set_bit(out.data(), i);
    });
    c.buffers.push_back(out);
  } else {
    // Any other dtype: expand run numbers and gather.
    Column ix = index_column(ctx, len);
    uint64_t* ip = ix.buffers[0].as<uint64_t>();
    for_each_run(ends, offset, len, [&](size_t k, uint64_t a, uint64_t b) { std::fill(ip + a, ip + b, uint64_t(k)); });
    Column out = take_column(ctx.alloc, values, ix);
    out.dtype = d;
    return out;
  }
  if (nullable_vals) {
    Buffer vb = ctx.alloc.zeros(bitmap_bytes(len));
    for_each_run(ends, offset, len, [&](size_t k, uint64_t a, uint64_t b) {
      if (values.is_valid(k))
        for (uint64_t i = a; i < b; i++) set_bit(vb.data(), i);
    });
    c.validity = vb;
  }
  return c;
}

// ---- vortex.sparse ---------------------------------------------------------------------------------

Column decode_sparse(DecodeCtx& ctx, const ArrayNode& node, const DTypePtr& d, uint64_t len) {
  bool has_patches = false;
  PatchesMeta pm;
  pb::Reader r(node.metadata());
  pb::Field f;
  while (r.next(f)) {
    if (f.number == 1 && f.wire == pb::Wire::Len) pm = parse_patches(f.bytes), has_patches = true;
  }
  if (!has_patches) corrupt("vortex.sparse metadata lacks patches");
  if (node.nbuffers() < 1) corrupt("vortex.sparse without a fill value buffer");
  if (node.nchildren() != 2) corrupt("vortex.sparse expects 2 children");
  if (len > kMaxRows) throw VortexError(kLimit, "vortex.sparse length too large");
  Scalar fill = parse_scalar(node.buffer(0));
  if (fill.is_null() && !d->is_nullable() && d->kind != DTypeKind::Null) corrupt("vortex.sparse null fill for a non-nullable dtype");
  Column idx = decode_primitive(ctx, node.child(0), pm.indices_ptype, false, pm.len);
  Column vals = ctx.decode(node.child(1), d, pm.len);
  const DType& p = d->physical();

  // Visits (k, position) for the patches that land inside the array.
  auto each_patch = [&](auto&& fn) {
    for_each_index(idx, [&](uint64_t k, uint64_t ix) {
      if (ix < pm.offset) return;
      const uint64_t pos = ix - pm.offset;
      if (pos < len) fn(k, pos);
    });
  };

  if (p.kind == DTypeKind::Primitive || p.kind == DTypeKind::Bool) {
    Column c;
    c.dtype = d;
    c.length = len;
    const bool fill_null = fill.is_null();
    const bool vals_nulls = !vals.validity.empty() && d->is_nullable();
    if (fill_null) {
      c.validity = ctx.alloc.zeros(bitmap_bytes(len));
    } else if (vals_nulls) {
      c.validity = ctx.alloc.alloc(bitmap_bytes(len));
      std::memset(c.validity.data(), 0xff, bitmap_bytes(len));
    }
    if (p.kind == DTypeKind::Primitive) {
      const unsigned w = ptype_width(p.ptype);
      Buffer out = ctx.alloc.alloc(byte_size(len, w));
      if (fill_null) {
        std::memset(out.data(), 0, len * w);
      } else if (len) {
        write_scalar_primitive(fill, p.ptype, out.data(), 0);
        dispatch_width(w, [&]<typename U>() {
          U* o = out.as<U>();
          std::fill(o + 1, o + len, o[0]);
        });
      }
      dispatch_width(w, [&]<typename U>() {
        U* o = out.as<U>();
        const U* v = vals.buffers[0].as<const U>();
        each_patch([&](uint64_t k, uint64_t pos) { o[pos] = v[k]; });
      });
      c.buffers.push_back(out);
    } else {
      Buffer out = ctx.alloc.alloc(bitmap_bytes(len));
      bool fv = !fill_null && fill.int_bits() != 0;
      std::memset(out.data(), fv ? 0xff : 0, bitmap_bytes(len));
      const uint8_t* v = vals.buffers[0].data();
      each_patch([&](uint64_t k, uint64_t pos) {
        if (get_bit(v, k)) set_bit(out.data(), pos); else clear_bit(out.data(), pos);
      });
      c.buffers.push_back(out);
    }
    if (!c.validity.empty()) {
      uint8_t* vb = c.validity.data();
      each_patch([&](uint64_t k, uint64_t pos) {
        if (vals.is_valid(k)) set_bit(vb, pos); else clear_bit(vb, pos);
      });
    }
    return c;
  }

  // Any other dtype: gather from [fill, patch values...] (row 0 = fill, row k+1 = patch k).
  std::vector<Column> parts;
  parts.push_back(constant_column(ctx, fill, d, 1));
  parts.push_back(vals);
  Column combined = concat_columns(ctx.alloc, d, parts);
  Column ix = index_column(ctx, len);
  uint64_t* ip = ix.buffers[0].as<uint64_t>();
  std::fill(ip, ip + len, uint64_t(0));
  each_patch([&](uint64_t k, uint64_t pos) { ip[pos] = k + 1; });
  Column out = take_column(ctx.alloc, combined, ix);
  out.dtype = d;
  return out;
}

// ---- vortex.dict (array-level) ----------------------------------------------------------------------

Column decode_dict(DecodeCtx& ctx, const ArrayNode& node, const DTypePtr& d, uint64_t len) {
  uint64_t values_len = 0;
  PType codes_pt = PType::U8;
  std::optional<bool> nullable_codes;
  pb::Reader r(node.metadata());
  pb::Field f;
  while (r.next(f)) {
    switch (f.number) {
      case 1: values_len = f.varint; break;
      case 2: codes_pt = ptype_from_code(f.varint); break;
      case 3: nullable_codes = f.varint != 0; break;
      default: break;
    }
  }
  if (!ptype_is_int(codes_pt)) corrupt("vortex.dict codes must be integers");
  if (node.nchildren() != 2) corrupt("vortex.dict expects 2 children");
  const bool cn = nullable_codes.value_or(d->is_nullable());
  Column codes = decode_primitive(ctx, node.child(0), codes_pt, cn, len);
  Column values = ctx.decode(node.child(1), d, values_len);
  const DType& p = d->physical();

  if (p.kind == DTypeKind::Primitive && values_len > 0) {
    Column c;
    c.dtype = d;
    c.length = len;
    const unsigned w = ptype_width(p.ptype);
    Buffer out = ctx.alloc.alloc(byte_size(len, w));
    const bool code_nulls = !codes.validity.empty();
    dispatch_width(ptype_width(codes_pt), [&]<typename UC>() {
      const UC* cp = codes.buffers[0].as<const UC>();
      // One vectorisable pass for the bound; the (rare) out-of-range case is re-checked against the
      // codes' validity (codes at null positions may hold anything).
      UC mx = 0;
      for (uint64_t i = 0; i < len; i++) mx = std::max(mx, cp[i]);
      const bool clamp = uint64_t(mx) >= values_len;
      if (clamp) {
        for (uint64_t i = 0; i < len; i++)
          if (uint64_t(cp[i]) >= values_len && codes.is_valid(i)) corrupt("vortex.dict code out of range");
      }
      dispatch_width(w, [&]<typename U>() {
        const U* v = values.buffers[0].as<const U>();
        U* o = out.as<U>();
        if (!clamp) {
          for (uint64_t i = 0; i < len; i++) o[i] = v[cp[i]];
        } else {
          for (uint64_t i = 0; i < len; i++) o[i] = uint64_t(cp[i]) < values_len ? v[cp[i]] : U(0);
        }
      });
      if (d->is_nullable() && (code_nulls || !values.validity.empty())) {
        if (values.validity.empty()) {
          c.validity = codes.validity;
        } else {
          Buffer vb = ctx.alloc.zeros(bitmap_bytes(len));
          const uint8_t* vv = values.validity.data();
          for (uint64_t i = 0; i < len; i++) {
            const uint64_t k = cp[i];
            if (codes.is_valid(i) && k < values_len && get_bit(vv, k)) set_bit(vb.data(), i);
          }
          c.validity = vb;
        }
      }
    });
    c.buffers.push_back(out);
    return c;
  }
  // Any other dtype (or an empty dictionary, where every code must be null).
  Column out = take_column(ctx.alloc, values, codes);
  out.dtype = d;
  return out;
}

}  // namespace

GYRE_REGISTER_ENCODING("vortex.zigzag", decode_zigzag);
GYRE_REGISTER_ENCODING("vortex.sequence", decode_sequence);
GYRE_REGISTER_ENCODING("vortex.runend", decode_runend);
GYRE_REGISTER_ENCODING("vortex.sparse", decode_sparse);
GYRE_REGISTER_ENCODING("vortex.dict", decode_dict);

}  // namespace gyre
