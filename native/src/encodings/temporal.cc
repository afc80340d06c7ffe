// vortex.datetimeparts (vortex-format.md §5.13) and vortex.decimal_byte_parts (§5.14).
#include "common.hpp"

namespace gyre {
namespace {

PType meta_ptype_field(Bytes m, uint32_t field) {
  PType p = PType::U8;  // proto3 default (0)
  pb::Reader r(m);
  pb::Field f;
  while (r.next(f))
    if (f.number == field) p = ptype_from_code(f.varint);
  return p;
}

// Integer column element i as 64-bit two's complement (Rust `as i64`: sign- or zero-extended).
template <typename Fn>
void for_each_as_u64(const Column& c, uint64_t len, Fn&& fn) {
  dispatch_int(c.dtype->physical().ptype, [&]<typename T>() {
    const T* p = c.buffers[0].as<T>();
    for (uint64_t i = 0; i < len; i++) {
      if constexpr (std::is_signed_v<T>) fn(i, uint64_t(int64_t(p[i])));
      else fn(i, uint64_t(p[i]));
    }
  });
}

Column decode_datetimeparts(DecodeCtx& ctx, const ArrayNode& node, const DTypePtr& d, uint64_t len) {
  if (d->kind != DTypeKind::Extension || d->ext_id != "vortex.timestamp")
    corrupt("vortex.datetimeparts with dtype " + d->to_string());
  const DType& storage = d->physical();
  if (storage.kind != DTypeKind::Primitive || storage.ptype != PType::I64)
    corrupt("vortex.datetimeparts timestamp storage must be i64");
  if (d->ext_metadata.empty()) corrupt("vortex.datetimeparts timestamp without a time unit");
  uint64_t unit;
  switch (d->ext_metadata[0]) {
    case 0: unit = 1000000000; break;  // ns
    case 1: unit = 1000000; break;     // us
    case 2: unit = 1000; break;        // ms
    case 3: unit = 1; break;           // s
    default: corrupt("vortex.datetimeparts timestamp has an unsupported time unit");
  }
  Bytes m = node.metadata();
  if (node.nchildren() != 3) corrupt("vortex.datetimeparts expects 3 children");
  Column days = decode_primitive(ctx, node.child(0), meta_ptype_field(m, 1), d->is_nullable(), len);
  Column secs = decode_primitive(ctx, node.child(1), meta_ptype_field(m, 2), false, len);
  Column subs = decode_primitive(ctx, node.child(2), meta_ptype_field(m, 3), false, len);
  if (!ptype_is_int(days.dtype->ptype) || !ptype_is_int(secs.dtype->ptype) || !ptype_is_int(subs.dtype->ptype))
    corrupt("vortex.datetimeparts parts must be integers");

  Buffer out = ctx.alloc.alloc(len * 8);
  uint64_t* v = out.as<uint64_t>();  // wrapping i64 arithmetic on the two's complement bits
  const uint64_t day_mul = 86400 * unit;
  for_each_as_u64(days, len, [&](uint64_t i, uint64_t x) { v[i] = x * day_mul; });
  for_each_as_u64(secs, len, [&](uint64_t i, uint64_t x) { v[i] += x * unit; });
  for_each_as_u64(subs, len, [&](uint64_t i, uint64_t x) { v[i] += x; });

  Column c;
  c.dtype = d;
  c.length = len;
  c.buffers.push_back(out);
  c.validity = days.validity;
  return c;
}

Column decode_decimal_byte_parts(DecodeCtx& ctx, const ArrayNode& node, const DTypePtr& d, uint64_t len) {
  const DType& p = d->physical();
  if (p.kind != DTypeKind::Decimal) corrupt("vortex.decimal_byte_parts with dtype " + d->to_string());
  Bytes m = node.metadata();
  PType msp_pt = PType::U8;
  uint64_t lower_parts = 0;
  {
    pb::Reader r(m);
    pb::Field f;
    while (r.next(f)) {
      if (f.number == 1) msp_pt = ptype_from_code(f.varint);
      else if (f.number == 2) lower_parts = f.varint;
    }
  }
  if (lower_parts != 0) unsupported("vortex.decimal_byte_parts with lower parts");
  if (!ptype_is_int(msp_pt)) corrupt("vortex.decimal_byte_parts most significant part must be an integer");
  if (node.nchildren() < 1) corrupt("vortex.decimal_byte_parts missing its child");
  Column msp = decode_primitive(ctx, node.child(0), msp_pt, d->is_nullable(), len);

  const unsigned w = decimal_out_width(p);
  Buffer out = ctx.alloc.alloc(len * w);
  uint8_t* o = out.data();
  dispatch_int(msp_pt, [&]<typename T>() {
    const T* src = msp.buffers[0].as<T>();
    for (uint64_t i = 0; i < len; i++) {
      uint64_t lo;
      uint64_t hi;
      if constexpr (std::is_signed_v<T>) {
        int64_t s = int64_t(src[i]);
        lo = uint64_t(s);
        hi = s < 0 ? ~uint64_t(0) : 0;
      } else {
        lo = uint64_t(src[i]);
        hi = 0;
      }
      uint8_t* dst = o + i * w;
      std::memcpy(dst, &lo, 8);
      for (unsigned k = 8; k < w; k += 8) std::memcpy(dst + k, &hi, 8);
    }
  });

  Column c;
  c.dtype = d;
  c.length = len;
  c.buffers.push_back(out);
  c.validity = msp.validity;
  return c;
}

}  // namespace

GYRE_REGISTER_ENCODING("vortex.datetimeparts", decode_datetimeparts);
GYRE_REGISTER_ENCODING("vortex.decimal_byte_parts", decode_decimal_byte_parts);

}  // namespace gyre
