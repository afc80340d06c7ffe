#include "common.hpp"

namespace gyre {

Buffer decode_validity(DecodeCtx& ctx, const ArrayNode& child, uint64_t len) {
  static const DTypePtr kBool = DType::boolean(false);
  Column v = ctx.decode(child, kBool, len);
  Buffer bits = v.buffers.at(0);
  if (count_set_bits(bits.data(), len) == len) return Buffer();
  return bits;
}

Column decode_primitive(DecodeCtx& ctx, const ArrayNode& node, PType p, bool nullable, uint64_t len) {
  return ctx.decode(node, DType::primitive(p, nullable), len);
}

std::vector<uint64_t> int_column_u64(const Column& c) {
  std::vector<uint64_t> out(c.length);
  dispatch_int(c.dtype->physical().ptype, [&]<typename T>() {
    const T* p = c.buffers[0].as<T>();
    for (uint64_t i = 0; i < c.length; i++) {
      if constexpr (std::is_signed_v<T>) {
        if (p[i] < 0) corrupt("negative value where an index or offset was expected");
      }
      out[i] = uint64_t(p[i]);
    }
  });
  return out;
}

uint64_t Scalar::int_bits() const {
  switch (kind) {
    case Kind::Int: return uint64_t(i);
    case Kind::UInt: return u;
    case Kind::Bool: return b;
    default: corrupt("scalar is not an integer");
  }
}

Scalar parse_scalar(Bytes proto, int depth) {
  if (depth > 32) corrupt("scalar nested too deeply");
  Scalar s;
  pb::Reader r(proto);
  pb::Field f;
  while (r.next(f)) {
    switch (f.number) {
      case 1: s.kind = Scalar::Kind::Null; break;
      case 2: s.kind = Scalar::Kind::Bool; s.b = f.varint != 0; break;
      case 3: s.kind = Scalar::Kind::Int; s.i = f.sint(); break;
      case 4: s.kind = Scalar::Kind::UInt; s.u = f.varint; break;
      case 5: {
        s.kind = Scalar::Kind::F32;
        uint32_t bits = uint32_t(f.varint);
        std::memcpy(&s.f32, &bits, 4);
        s.f = s.f32;
        break;
      }
      case 6: s.kind = Scalar::Kind::F64; std::memcpy(&s.f, &f.varint, 8); break;
      case 7: s.kind = Scalar::Kind::String; s.bytes.assign(reinterpret_cast<const char*>(f.bytes.data), f.bytes.size); break;
      case 8: s.kind = Scalar::Kind::Bytes; s.bytes.assign(reinterpret_cast<const char*>(f.bytes.data), f.bytes.size); break;
      case 9: {
        s.kind = Scalar::Kind::List;
        pb::Reader lr(f.bytes);
        pb::Field lf;
        while (lr.next(lf))
          if (lf.number == 1) s.list.push_back(parse_scalar(lf.bytes, depth + 1));
        break;
      }
      case 10: s.kind = Scalar::Kind::F16; s.u = f.varint; break;
      default: break;  // unknown (e.g. variant): leave as is
    }
  }
  return s;
}

static uint16_t float_to_half_bits(double v);

void write_scalar_primitive(const Scalar& s, PType p, uint8_t* values, uint64_t i) {
  if (s.is_null()) return;
  dispatch_ptype(p, [&]<typename T>() {
    T v;
    if (p == PType::F16) {
      uint16_t h = s.kind == Scalar::Kind::F16 || s.kind == Scalar::Kind::UInt ? uint16_t(s.u) : float_to_half_bits(s.f);
      std::memcpy(&v, &h, 2);
    } else if constexpr (std::is_floating_point_v<T>) {
      if (s.kind == Scalar::Kind::F32) v = T(s.f32);
      else if (s.kind == Scalar::Kind::F64) v = T(s.f);
      else if (s.kind == Scalar::Kind::Int) v = T(s.i);
      else if (s.kind == Scalar::Kind::UInt) v = T(s.u);
      else corrupt("scalar kind does not match float dtype");
    } else {
      if (s.kind == Scalar::Kind::F32 || s.kind == Scalar::Kind::F64) corrupt("float scalar for integer dtype");
      v = T(s.int_bits());
    }
    std::memcpy(values + i * sizeof(T), &v, sizeof(T));
  });
}

static uint16_t float_to_half_bits(double d) {
  float v = float(d);
  uint32_t x;
  std::memcpy(&x, &v, 4);
  uint32_t sign = (x >> 16) & 0x8000, mant = x & 0x7fffff;
  int exp = int((x >> 23) & 0xff) - 127 + 15;
  if (((x >> 23) & 0xff) == 0xff) return uint16_t(sign | 0x7c00 | (mant ? 0x200 : 0));
  if (exp >= 31) return uint16_t(sign | 0x7c00);
  if (exp <= 0) {
    if (exp < -10) return uint16_t(sign);
    mant |= 0x800000;
    uint32_t shift = uint32_t(14 - exp);
    uint32_t h = mant >> shift;
    if ((mant >> (shift - 1)) & 1) h++;
    return uint16_t(sign | h);
  }
  uint32_t h = sign | (uint32_t(exp) << 10) | (mant >> 13);
  if (mant & 0x1000) h++;
  return uint16_t(h);
}

// Writes decimal scalar bytes (LE two's complement of any width) sign-extended to `w` bytes.
static void write_decimal(const Scalar& s, uint8_t* dst, unsigned w) {
  if (s.kind == Scalar::Kind::Bytes || s.kind == Scalar::Kind::String) {
    size_t n = s.bytes.size();
    if (n == 0 || n > 32) corrupt("decimal scalar has bad width");
    bool neg = (uint8_t(s.bytes[n - 1]) & 0x80) != 0;
    std::memset(dst, neg ? 0xff : 0, w);
    std::memcpy(dst, s.bytes.data(), n < w ? n : w);
  } else {
    uint64_t v = s.int_bits();
    bool neg = s.kind == Scalar::Kind::Int && s.i < 0;
    std::memset(dst, neg ? 0xff : 0, w);
    std::memcpy(dst, &v, 8);
  }
}

Column constant_column(DecodeCtx& ctx, const Scalar& s, const DTypePtr& d, uint64_t len) {
  Allocator& a = ctx.alloc;
  if (s.is_null()) {
    if (!d->is_nullable() && d->kind != DTypeKind::Null) corrupt("null constant of a non-nullable dtype");
    return make_null_column(a, d, len);
  }
  Column c;
  c.dtype = d;
  c.length = len;
  const DType& p = d->physical();
  switch (p.kind) {
    case DTypeKind::Null: break;
    case DTypeKind::Bool: {
      Buffer bits = a.alloc(bitmap_bytes(len));
      std::memset(bits.data(), s.int_bits() ? 0xff : 0, bitmap_bytes(len));
      c.buffers.push_back(bits);
      break;
    }
    case DTypeKind::Primitive: {
      unsigned w = ptype_width(p.ptype);
      Buffer v = a.alloc(len * w);
      if (len) {
        write_scalar_primitive(s, p.ptype, v.data(), 0);
        for (uint64_t i = 1; i < len; i++) std::memcpy(v.data() + i * w, v.data(), w);
      }
      c.buffers.push_back(v);
      break;
    }
    case DTypeKind::Decimal: {
      unsigned w = decimal_out_width(p);
      Buffer v = a.alloc(len * w);
      if (len) {
        write_decimal(s, v.data(), w);
        for (uint64_t i = 1; i < len; i++) std::memcpy(v.data() + i * w, v.data(), w);
      }
      c.buffers.push_back(v);
      break;
    }
    case DTypeKind::Utf8:
    case DTypeKind::Binary: {
      if (s.kind != Scalar::Kind::String && s.kind != Scalar::Kind::Bytes) corrupt("constant scalar kind mismatch");
      uint64_t n = s.bytes.size();
      uint64_t total = n * len;
      c.large = total > 0x7fffffffULL;
      Buffer offs = a.alloc((len + 1) * (c.large ? 8 : 4));
      for (uint64_t i = 0; i <= len; i++) {
        if (c.large) offs.as<uint64_t>()[i] = i * n; else offs.as<uint32_t>()[i] = uint32_t(i * n);
      }
      Buffer data = a.alloc(total);
      for (uint64_t i = 0; i < len; i++) std::memcpy(data.data() + i * n, s.bytes.data(), n);
      c.buffers.push_back(offs);
      c.buffers.push_back(data);
      break;
    }
    case DTypeKind::Struct: {
      if (s.kind != Scalar::Kind::List || s.list.size() != p.fields.size()) corrupt("struct scalar arity mismatch");
      for (size_t f = 0; f < p.fields.size(); f++) c.children.push_back(constant_column(ctx, s.list[f], p.fields[f], len));
      break;
    }
    case DTypeKind::FixedSizeList: {
      if (s.kind != Scalar::Kind::List || s.list.size() != p.list_size) corrupt("fixed-size list scalar arity mismatch");
      std::vector<Column> one;
      for (auto& e : s.list) one.push_back(constant_column(ctx, e, p.element, 1));
      Column elems = concat_columns(a, p.element, one);
      std::vector<Column> reps(len, elems);
      if (len == 0) c.children.push_back(make_null_column(a, p.element, 0));
      else c.children.push_back(concat_columns(a, p.element, reps));
      break;
    }
    case DTypeKind::List:
    case DTypeKind::Map: {  // a map scalar: a list of entry structs {key, value}
      if (s.kind != Scalar::Kind::List) corrupt("list scalar kind mismatch");
      uint64_t k = s.list.size();
      Buffer offs = a.alloc((len + 1) * 4);
      if (k * len > 0x7fffffffULL) throw VortexError(kLimit, "constant list too large");
      for (uint64_t i = 0; i <= len; i++) offs.as<uint32_t>()[i] = uint32_t(i * k);
      std::vector<Column> one;
      for (auto& e : s.list) one.push_back(constant_column(ctx, e, p.element, 1));
      Column elems = k ? concat_columns(a, p.element, one) : make_null_column(a, p.element, 0);
      std::vector<Column> reps(len, elems);
      c.buffers.push_back(offs);
      c.children.push_back(len && k ? concat_columns(a, p.element, reps) : make_null_column(a, p.element, 0));
      break;
    }
    default: unsupported("constant of dtype " + d->to_string());
  }
  return c;
}

PatchesMeta parse_patches(Bytes proto) {
  PatchesMeta m;
  pb::Reader r(proto);
  pb::Field f;
  while (r.next(f)) {
    switch (f.number) {
      case 1: m.len = f.varint; break;
      case 2: m.offset = f.varint; break;
      case 3: m.indices_ptype = ptype_from_code(f.varint); break;
      case 4: m.chunk_offsets_len = f.varint; break;
      case 5: m.chunk_offsets_ptype = ptype_from_code(f.varint); break;
      default: break;
    }
  }
  if (!ptype_is_unsigned(m.indices_ptype)) corrupt("patch indices must be unsigned");
  return m;
}

uint32_t apply_patches(DecodeCtx& ctx, const ArrayNode& node, uint32_t slot, const PatchesMeta& pm,
                       const DTypePtr& values_dtype, Column& target) {
  if (node.nchildren() < slot + 2) corrupt("patches children missing");
  Column idx = decode_primitive(ctx, node.child(slot), pm.indices_ptype, false, pm.len);
  Column vals = ctx.decode(node.child(slot + 1), values_dtype, pm.len);
  std::vector<uint64_t> ix = int_column_u64(idx);
  const DType& ph = values_dtype->physical();
  if (ph.kind != DTypeKind::Primitive) unsupported("patches on non-primitive arrays");
  unsigned w = ptype_width(ph.ptype);
  make_unique_buffer(ctx, target, 0);
  uint8_t* dst = target.buffers[0].data();
  const uint8_t* src = vals.buffers[0].data();
  bool vals_have_nulls = !vals.validity.empty();
  if (vals_have_nulls && target.validity.empty() && target.dtype->is_nullable()) {
    target.validity = ctx.alloc.alloc(bitmap_bytes(target.length));
    std::memset(target.validity.data(), 0xff, bitmap_bytes(target.length));
  }
  for (uint64_t k = 0; k < ix.size(); k++) {
    if (ix[k] < pm.offset) continue;
    uint64_t p = ix[k] - pm.offset;
    if (p >= target.length) continue;
    std::memcpy(dst + p * w, src + k * w, w);
    if (vals_have_nulls && !target.validity.empty()) {
      if (vals.is_valid(k)) set_bit(target.validity.data(), p); else clear_bit(target.validity.data(), p);
    }
  }
  return pm.chunk_offsets_ptype ? 3 : 2;
}

void make_unique_buffer(DecodeCtx& ctx, Column& c, size_t i) {
  Buffer& b = c.buffers.at(i);
  if (b.unique()) return;
  Buffer n = ctx.alloc.alloc(b.size());
  std::memcpy(n.data(), b.data(), b.size());
  b = n;
}

}  // namespace gyre
