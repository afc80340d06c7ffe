// Canonical encodings: null, bool, bytebool, primitive, decimal, varbin, varbinview, struct, list,
// listview, fixed_size_list, ext, chunked, constant, masked.
#include "common.hpp"

namespace gyre {
namespace {

Column decode_null(DecodeCtx&, const ArrayNode&, const DTypePtr& d, uint64_t len) {
  if (d->kind != DTypeKind::Null) corrupt("vortex.null with dtype " + d->to_string());
  Column c;
  c.dtype = d;
  c.length = len;
  return c;
}

Column decode_bool(DecodeCtx& ctx, const ArrayNode& node, const DTypePtr& d, uint64_t len) {
  if (d->physical().kind != DTypeKind::Bool) corrupt("vortex.bool with dtype " + d->to_string());
  uint64_t offset = 0;
  pb::Reader r(node.metadata());
  pb::Field f;
  while (r.next(f))
    if (f.number == 1) offset = f.varint;
  if (offset > 7) corrupt("vortex.bool offset out of range");
  if (node.nbuffers() < 1) corrupt("vortex.bool without a buffer");
  Bytes bits = node.buffer(0);
  if (bitmap_bytes(offset + len) > bits.size) corrupt("vortex.bool buffer too short");
  Column c;
  c.dtype = d;
  c.length = len;
  Buffer out = ctx.alloc.alloc(bitmap_bytes(len));
  if (len) copy_bits(bits.data, offset, out.data(), 0, len);
  c.buffers.push_back(out);
  c.validity = optional_validity(ctx, node, 0, len, *d);
  return c;
}

Column decode_bytebool(DecodeCtx& ctx, const ArrayNode& node, const DTypePtr& d, uint64_t len) {
  if (d->physical().kind != DTypeKind::Bool) corrupt("vortex.bytebool with dtype " + d->to_string());
  if (node.nbuffers() < 1) corrupt("vortex.bytebool without a buffer");
  Bytes bytes = node.buffer(0);
  if (bytes.size < len) corrupt("vortex.bytebool buffer too short");
  Column c;
  c.dtype = d;
  c.length = len;
  Buffer out = ctx.alloc.zeros(bitmap_bytes(len));
  for (uint64_t i = 0; i < len; i++)
    if (bytes.data[i]) set_bit(out.data(), i);
  c.buffers.push_back(out);
  c.validity = optional_validity(ctx, node, 0, len, *d);
  return c;
}

Column decode_primitive_enc(DecodeCtx& ctx, const ArrayNode& node, const DTypePtr& d, uint64_t len) {
  const DType& p = d->physical();
  if (p.kind != DTypeKind::Primitive) corrupt("vortex.primitive with dtype " + d->to_string());
  if (node.nbuffers() < 1) corrupt("vortex.primitive without a buffer");
  Bytes v = node.buffer(0);
  uint64_t w = ptype_width(p.ptype);
  if (len > v.size / w) corrupt("vortex.primitive buffer too short");
  Column c;
  c.dtype = d;
  c.length = len;
  ctx.alloc.charge(len * w);
  c.buffers.push_back(Buffer::copy_of(v.data, len * w));
  c.validity = optional_validity(ctx, node, 0, len, *d);
  return c;
}

Column decode_decimal(DecodeCtx& ctx, const ArrayNode& node, const DTypePtr& d, uint64_t len) {
  const DType& p = d->physical();
  if (p.kind != DTypeKind::Decimal) corrupt("vortex.decimal with dtype " + d->to_string());
  uint64_t vt = 0;  // proto3 default: DecimalType I8 = 0 (omitted on the wire)
  pb::Reader r(node.metadata());
  pb::Field f;
  while (r.next(f))
    if (f.number == 1) vt = f.varint;
  static const unsigned widths[] = {1, 2, 4, 8, 16, 32};
  if (vt > 5) corrupt("vortex.decimal values type out of range");
  unsigned in_w = widths[vt], out_w = decimal_out_width(p);
  if (node.nbuffers() < 1) corrupt("vortex.decimal without a buffer");
  Bytes v = node.buffer(0);
  if (len > v.size / in_w) corrupt("vortex.decimal buffer too short");
  Column c;
  c.dtype = d;
  c.length = len;
  Buffer out = ctx.alloc.alloc(len * out_w);
  for (uint64_t i = 0; i < len; i++) {
    const uint8_t* src = v.data + i * in_w;
    uint8_t* dst = out.data() + i * out_w;
    unsigned n = in_w < out_w ? in_w : out_w;
    bool neg = (src[in_w - 1] & 0x80) != 0;
    std::memcpy(dst, src, n);
    if (out_w > n) std::memset(dst + n, neg ? 0xff : 0, out_w - n);
  }
  c.buffers.push_back(out);
  c.validity = optional_validity(ctx, node, 0, len, *d);
  return c;
}

bool is_varlen(const DType& p) { return p.kind == DTypeKind::Utf8 || p.kind == DTypeKind::Binary; }

// Builds Arrow offsets from `starts`/`ends` pairs into `src` (copying the bytes).
Column varlen_from_offsets(DecodeCtx& ctx, const DTypePtr& d, uint64_t len, const std::vector<uint64_t>& offs,
                           Bytes bytes) {
  uint64_t o0 = offs[0], on = offs[len];
  for (uint64_t i = 0; i < len; i++)
    if (offs[i + 1] < offs[i]) corrupt("varbin offsets not monotonic");
  if (on > bytes.size || o0 > on) corrupt("varbin offsets out of bounds");
  Column c;
  c.dtype = d;
  c.length = len;
  c.large = on - o0 > 0x7fffffffULL;
  Buffer o = ctx.alloc.alloc((len + 1) * (c.large ? 8 : 4));
  for (uint64_t i = 0; i <= len; i++) {
    if (c.large) o.as<uint64_t>()[i] = offs[i] - o0; else o.as<uint32_t>()[i] = uint32_t(offs[i] - o0);
  }
  c.buffers.push_back(o);
  ctx.alloc.charge(on - o0);
  c.buffers.push_back(Buffer::copy_of(bytes.data + o0, on - o0));
  return c;
}

Column decode_varbin(DecodeCtx& ctx, const ArrayNode& node, const DTypePtr& d, uint64_t len) {
  if (!is_varlen(d->physical())) corrupt("vortex.varbin with dtype " + d->to_string());
  PType op = PType::U8;  // proto3 default: PType U8 = 0 (omitted on the wire)
  pb::Reader r(node.metadata());
  pb::Field f;
  while (r.next(f))
    if (f.number == 1) op = ptype_from_code(f.varint);
  if (node.nbuffers() < 1 || node.nchildren() < 1) corrupt("vortex.varbin malformed");
  Column oc = decode_primitive(ctx, node.child(0), op, false, len + 1);
  std::vector<uint64_t> offs = int_column_u64(oc);
  Column c = varlen_from_offsets(ctx, d, len, offs, node.buffer(0));
  c.validity = optional_validity(ctx, node, 1, len, *d);
  return c;
}

Column decode_varbinview(DecodeCtx& ctx, const ArrayNode& node, const DTypePtr& d, uint64_t len) {
  if (!is_varlen(d->physical())) corrupt("vortex.varbinview with dtype " + d->to_string());
  uint32_t nb = node.nbuffers();
  if (nb < 1) corrupt("vortex.varbinview without views");
  Bytes views = node.buffer(nb - 1);
  if (len > views.size / 16) corrupt("vortex.varbinview views too short");
  Buffer validity = optional_validity(ctx, node, 0, len, *d);
  std::vector<Bytes> data(nb - 1);
  for (uint32_t i = 0; i + 1 < nb; i++) data[i] = node.buffer(i);
  auto valid = [&](uint64_t i) { return validity.empty() || get_bit(validity.data(), i); };
  uint64_t total = 0;
  for (uint64_t i = 0; i < len; i++)
    if (valid(i)) total += load_le<uint32_t>(views.data + i * 16);
  Column c;
  c.dtype = d;
  c.length = len;
  c.large = total > 0x7fffffffULL;
  Buffer o = ctx.alloc.alloc((len + 1) * (c.large ? 8 : 4));
  Buffer bytes = ctx.alloc.alloc(total);
  uint64_t pos = 0;
  for (uint64_t i = 0; i < len; i++) {
    if (c.large) o.as<uint64_t>()[i] = pos; else o.as<uint32_t>()[i] = uint32_t(pos);
    if (!valid(i)) continue;
    const uint8_t* v = views.data + i * 16;
    uint32_t size = load_le<uint32_t>(v);
    if (size <= 12) {
      std::memcpy(bytes.data() + pos, v + 4, size);
    } else {
      uint32_t bi = load_le<uint32_t>(v + 8), off = load_le<uint32_t>(v + 12);
      if (bi >= data.size()) corrupt("varbinview buffer index out of range");
      Bytes src = data[bi].slice(off, size, "varbinview view out of bounds");
      std::memcpy(bytes.data() + pos, src.data, size);
    }
    pos += size;
  }
  if (c.large) o.as<uint64_t>()[len] = pos; else o.as<uint32_t>()[len] = uint32_t(pos);
  c.buffers.push_back(o);
  c.buffers.push_back(bytes);
  c.validity = validity;
  return c;
}

Column decode_struct(DecodeCtx& ctx, const ArrayNode& node, const DTypePtr& d, uint64_t len) {
  const DType& p = d->physical();
  if (p.kind != DTypeKind::Struct) corrupt("vortex.struct with dtype " + d->to_string());
  uint32_t nf = uint32_t(p.fields.size()), nc = node.nchildren();
  if (nc != nf && nc != nf + 1) corrupt("vortex.struct child count mismatch");
  Column c;
  c.dtype = d;
  c.length = len;
  uint32_t first = 0;
  if (nc == nf + 1) {
    if (!p.nullable) corrupt("validity child on a non-nullable struct");
    c.validity = decode_validity(ctx, node.child(0), len);
    first = 1;
  }
  for (uint32_t i = 0; i < nf; i++) c.children.push_back(ctx.decode(node.child(first + i), p.fields[i], len));
  return c;
}

void list_metadata(Bytes m, uint64_t& elements_len, PType& offset_pt, PType* size_pt) {
  pb::Reader r(m);
  pb::Field f;
  while (r.next(f)) {
    if (f.number == 1) elements_len = f.varint;
    else if (f.number == 2) offset_pt = ptype_from_code(f.varint);
    else if (f.number == 3 && size_pt) *size_pt = ptype_from_code(f.varint);
  }
}

// Builds a list column from per-row [start, end) element ranges.
Column list_from_ranges(DecodeCtx& ctx, const DTypePtr& d, uint64_t len, const std::vector<uint64_t>& starts,
                        const std::vector<uint64_t>& ends, const Column& elements, Buffer validity) {
  const DType& p = d->physical();
  bool contiguous = true;
  for (uint64_t i = 0; i < len; i++) {
    if (ends[i] < starts[i] || ends[i] > elements.length) corrupt("list range out of bounds");
    if (i + 1 < len && starts[i + 1] != ends[i]) contiguous = false;
  }
  Column c;
  c.dtype = d;
  c.length = len;
  c.validity = validity;
  uint64_t total = 0;
  for (uint64_t i = 0; i < len; i++) total += ends[i] - starts[i];
  c.large = total > 0x7fffffffULL;
  Buffer o = ctx.alloc.alloc((len + 1) * (c.large ? 8 : 4));
  uint64_t pos = 0;
  for (uint64_t i = 0; i <= len; i++) {
    if (c.large) o.as<uint64_t>()[i] = pos; else o.as<uint32_t>()[i] = uint32_t(pos);
    if (i < len) pos += ends[i] - starts[i];
  }
  c.buffers.push_back(o);
  if (len == 0) {
    c.children.push_back(slice_column(ctx.alloc, elements, 0, 0));
  } else if (contiguous) {
    c.children.push_back(slice_column(ctx.alloc, elements, starts[0], total));
  } else {
    Column ix;
    ix.dtype = DType::primitive(PType::U64, false);
    ix.length = total;
    Buffer ib = ctx.alloc.alloc(total * 8);
    uint64_t k = 0;
    for (uint64_t i = 0; i < len; i++)
      for (uint64_t e = starts[i]; e < ends[i]; e++) ib.as<uint64_t>()[k++] = e;
    ix.buffers.push_back(ib);
    c.children.push_back(take_column(ctx.alloc, elements, ix));
  }
  (void)p;
  return c;
}

Column decode_list(DecodeCtx& ctx, const ArrayNode& node, const DTypePtr& d, uint64_t len) {
  const DType& p = d->physical();
  if (p.kind != DTypeKind::List) corrupt("vortex.list with dtype " + d->to_string());
  uint64_t elements_len = 0;
  PType op = PType::U8;
  list_metadata(node.metadata(), elements_len, op, nullptr);
  if (node.nchildren() < 2) corrupt("vortex.list missing children");
  Column elements = ctx.decode(node.child(0), p.element, elements_len);
  std::vector<uint64_t> offs = int_column_u64(decode_primitive(ctx, node.child(1), op, false, len + 1));
  std::vector<uint64_t> starts(offs.begin(), offs.end() - 1), ends(offs.begin() + 1, offs.end());
  return list_from_ranges(ctx, d, len, starts, ends, elements, optional_validity(ctx, node, 2, len, *d));
}

Column decode_listview(DecodeCtx& ctx, const ArrayNode& node, const DTypePtr& d, uint64_t len) {
  const DType& p = d->physical();
  if (p.kind != DTypeKind::List) corrupt("vortex.listview with dtype " + d->to_string());
  uint64_t elements_len = 0;
  PType op = PType::U8, sp = PType::U8;
  list_metadata(node.metadata(), elements_len, op, &sp);
  if (node.nchildren() < 3) corrupt("vortex.listview missing children");
  Column elements = ctx.decode(node.child(0), p.element, elements_len);
  std::vector<uint64_t> offs = int_column_u64(decode_primitive(ctx, node.child(1), op, false, len));
  std::vector<uint64_t> sizes = int_column_u64(decode_primitive(ctx, node.child(2), sp, false, len));
  Buffer validity = optional_validity(ctx, node, 3, len, *d);
  std::vector<uint64_t> ends(len);
  for (uint64_t i = 0; i < len; i++) {
    bool valid = validity.empty() || get_bit(validity.data(), i);
    if (!valid) sizes[i] = 0, offs[i] = 0;
    if (offs[i] > elements_len || sizes[i] > elements_len - offs[i]) corrupt("listview range out of bounds");
    ends[i] = offs[i] + sizes[i];
  }
  return list_from_ranges(ctx, d, len, offs, ends, elements, validity);
}

Column decode_fixed_size_list(DecodeCtx& ctx, const ArrayNode& node, const DTypePtr& d, uint64_t len) {
  const DType& p = d->physical();
  if (p.kind != DTypeKind::FixedSizeList) corrupt("vortex.fixed_size_list with dtype " + d->to_string());
  if (node.nchildren() < 1) corrupt("vortex.fixed_size_list missing elements");
  if (p.list_size && len > (uint64_t(1) << 40) / p.list_size) throw VortexError(kLimit, "fixed-size list too long");
  Column c;
  c.dtype = d;
  c.length = len;
  c.children.push_back(ctx.decode(node.child(0), p.element, len * p.list_size));
  c.validity = optional_validity(ctx, node, 1, len, *d);
  return c;
}

Column decode_ext(DecodeCtx& ctx, const ArrayNode& node, const DTypePtr& d, uint64_t len) {
  if (d->kind != DTypeKind::Extension) corrupt("vortex.ext with dtype " + d->to_string());
  if (node.nchildren() < 1) corrupt("vortex.ext missing storage");
  Column c = ctx.decode(node.child(0), d->storage, len);
  c.dtype = d;
  return c;
}

Column decode_chunked(DecodeCtx& ctx, const ArrayNode& node, const DTypePtr& d, uint64_t len) {
  if (node.nchildren() < 1) corrupt("vortex.chunked missing offsets");
  uint32_t nchunks = node.nchildren() - 1;
  std::vector<uint64_t> offs = int_column_u64(decode_primitive(ctx, node.child(0), PType::U64, false, nchunks + 1));
  std::vector<Column> parts;
  for (uint32_t i = 0; i < nchunks; i++) {
    if (offs[i + 1] < offs[i]) corrupt("vortex.chunked offsets not monotonic");
    parts.push_back(ctx.decode(node.child(i + 1), d, offs[i + 1] - offs[i]));
  }
  if (offs[nchunks] - offs[0] != len) corrupt("vortex.chunked length mismatch");
  if (parts.empty()) return make_null_column(ctx.alloc, d, 0);
  return concat_columns(ctx.alloc, d, parts);
}

Column decode_constant(DecodeCtx& ctx, const ArrayNode& node, const DTypePtr& d, uint64_t len) {
  if (node.nbuffers() < 1) corrupt("vortex.constant without a scalar buffer");
  return constant_column(ctx, parse_scalar(node.buffer(0)), d, len);
}

Column decode_masked(DecodeCtx& ctx, const ArrayNode& node, const DTypePtr& d, uint64_t len) {
  if (node.nchildren() < 1) corrupt("vortex.masked missing child");
  Column c = ctx.decode(node.child(0), d->with_nullable(false), len);
  c.dtype = d;
  Buffer v = node.nchildren() > 1 ? decode_validity(ctx, node.child(1), len) : Buffer();
  c.validity = Buffer();
  if (!v.empty()) c.validity = v;
  return c;
}

}  // namespace

GYRE_REGISTER_ENCODING("vortex.null", decode_null);
GYRE_REGISTER_ENCODING("vortex.bool", decode_bool);
GYRE_REGISTER_ENCODING("vortex.bytebool", decode_bytebool);
GYRE_REGISTER_ENCODING("vortex.primitive", decode_primitive_enc);
GYRE_REGISTER_ENCODING("vortex.decimal", decode_decimal);
GYRE_REGISTER_ENCODING("vortex.varbin", decode_varbin);
GYRE_REGISTER_ENCODING("vortex.varbinview", decode_varbinview);
GYRE_REGISTER_ENCODING("vortex.struct", decode_struct);
GYRE_REGISTER_ENCODING("vortex.list", decode_list);
GYRE_REGISTER_ENCODING("vortex.listview", decode_listview);
GYRE_REGISTER_ENCODING("vortex.fixed_size_list", decode_fixed_size_list);
GYRE_REGISTER_ENCODING("vortex.ext", decode_ext);
GYRE_REGISTER_ENCODING("vortex.chunked", decode_chunked);
GYRE_REGISTER_ENCODING("vortex.constant", decode_constant);
GYRE_REGISTER_ENCODING("vortex.masked", decode_masked);

}  // namespace gyre
