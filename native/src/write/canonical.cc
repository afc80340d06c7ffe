// encode_canonical: a Column as the uncompressed Vortex encodings (vortex-format.md §5.1). This is
// what `compression: 'none'` writes, the compressor's fallback when no scheme wins, and what the
// zone tables fall back to. Buffers are shared with the column (no copies) except where the Vortex
// form differs from Arrow's (string views, rebased list offsets, narrowed bit buffers).
#include <cstring>

#include "encoded.hpp"
#include "protobuf_writer.hpp"

namespace gyre::write {
namespace {

uint8_t log2_exact(unsigned w) {
  uint8_t e = 0;
  while ((1u << e) < w) e++;
  return e;
}

// The first `n` bytes of b (shares memory).
Buffer prefix(const Buffer& b, size_t n) {
  if (n == 0) return Buffer();
  if (b.size() < n) throw VortexError(kInvalidArgument, "column buffer shorter than its length needs");
  return Buffer::view(b, 0, n);
}

EncodedArray leaf(const char* id, std::vector<OutBuffer> buffers) {
  EncodedArray a;
  a.encoding = id;
  a.buffers = std::move(buffers);
  return a;
}

// Arrow offsets[i] as u64 (32- or 64-bit).
uint64_t offset_at(const Column& c, uint64_t i) {
  return c.large ? c.buffers[0].as<uint64_t>()[i] : uint64_t(c.buffers[0].as<uint32_t>()[i]);
}

// The validity child of a nullable column: absent when every row is valid.
void push_validity(const Column& c, EncodedArray& out) {
  if (!c.dtype->is_nullable() || c.validity.empty()) return;
  out.children.push_back(leaf("vortex.bool", {{prefix(c.validity, bitmap_bytes(c.length)), 0}}));
}

EncodedArray encode_varbinview(const Column& c) {
  uint64_t n = c.length;
  Buffer views = Buffer::zeros(n * 16);
  uint64_t o0 = n ? offset_at(c, 0) : 0, on = n ? offset_at(c, n) : 0;
  const uint8_t* data = c.buffers.size() > 1 && !c.buffers[1].empty() ? c.buffers[1].data() : nullptr;
  // Views address data buffers with u32 offsets: long data is split into ≤ 2 GiB buffers.
  std::vector<OutBuffer> data_buffers;
  uint64_t base = o0;
  bool any_long = false;
  for (uint64_t i = 0; i < n; i++) {
    if (!c.is_valid(i)) continue;
    uint64_t s = offset_at(c, i), e = offset_at(c, i + 1);
    uint32_t size = uint32_t(e - s);
    uint8_t* v = views.data() + i * 16;
    std::memcpy(v, &size, 4);
    if (size <= 12) {
      if (size) std::memcpy(v + 4, data + s, size);
      continue;
    }
    if (e - base > 0x7fffffffULL) {
      data_buffers.push_back({Buffer::view(c.buffers[1], base, s - base), 0});
      base = s;
    }
    any_long = true;
    uint32_t bi = uint32_t(data_buffers.size()), off = uint32_t(s - base);
    std::memcpy(v + 4, data + s, 4);
    std::memcpy(v + 8, &bi, 4);
    std::memcpy(v + 12, &off, 4);
  }
  if (any_long) data_buffers.push_back({Buffer::view(c.buffers[1], base, on - base), 0});
  data_buffers.push_back({views, 4});
  EncodedArray a = leaf("vortex.varbinview", std::move(data_buffers));
  push_validity(c, a);
  return a;
}

// Offsets rebased to start at 0, as a non-nullable I32/I64 primitive column.
Column rebased_offsets(const Column& c, uint64_t o0) {
  Column o;
  o.dtype = DType::primitive(c.large ? PType::I64 : PType::I32, false);
  o.length = c.length + 1;
  unsigned w = c.large ? 8 : 4;
  if (o0 == 0) {
    o.buffers.push_back(prefix(c.buffers[0], o.length * w));
    return o;
  }
  Buffer b = Buffer::alloc(o.length * w);
  for (uint64_t i = 0; i < o.length; i++) {
    uint64_t v = offset_at(c, i) - o0;
    if (c.large) b.as<uint64_t>()[i] = v; else b.as<uint32_t>()[i] = uint32_t(v);
  }
  o.buffers.push_back(b);
  return o;
}

EncodedArray encode_list(const Column& c) {
  const DType& p = c.dtype->physical();
  uint64_t o0 = offset_at(c, 0), on = offset_at(c, c.length);
  const Column& all = c.children.at(0);
  if (on > all.length || o0 > on) throw VortexError(kInvalidArgument, "list offsets outside the elements");
  Allocator a(~0ull);
  Column elements = slice_column(a, all, o0, on - o0);
  elements.dtype = p.element;
  pb::Writer m;
  m.varint(1, on - o0);
  m.varint(2, uint64_t(c.large ? PType::I64 : PType::I32));
  EncodedArray out;
  out.encoding = "vortex.list";
  out.metadata = std::move(m.out);
  out.children.push_back(encode_canonical(elements));
  out.children.push_back(encode_canonical(rebased_offsets(c, o0)));
  push_validity(c, out);
  return out;
}

}  // namespace

EncodedArray encode_canonical(const Column& c) {
  const DType& d = *c.dtype;
  if (d.kind == DTypeKind::Extension) {
    Column storage = c;
    storage.dtype = d.storage;
    EncodedArray out;
    out.encoding = "vortex.ext";
    out.children.push_back(encode_canonical(storage));
    return out;
  }
  switch (d.kind) {
    case DTypeKind::Null: return leaf("vortex.null", {});
    case DTypeKind::Bool: {
      EncodedArray a = leaf("vortex.bool", {{prefix(c.buffers.at(0), bitmap_bytes(c.length)), 0}});
      push_validity(c, a);
      return a;
    }
    case DTypeKind::Primitive: {
      unsigned w = ptype_width(d.ptype);
      EncodedArray a = leaf("vortex.primitive", {{prefix(c.buffers.at(0), c.length * w), log2_exact(w)}});
      push_validity(c, a);
      return a;
    }
    case DTypeKind::Decimal: {
      unsigned w = decimal_out_width(d);
      EncodedArray a = leaf("vortex.decimal", {{prefix(c.buffers.at(0), c.length * w), 4}});
      pb::Writer m;
      m.varint(1, w == 16 ? 4 : 5);  // DecimalType I128 / I256
      a.metadata = std::move(m.out);
      push_validity(c, a);
      return a;
    }
    case DTypeKind::Utf8:
    case DTypeKind::Binary: return encode_varbinview(c);
    case DTypeKind::Struct: {
      EncodedArray a = leaf("vortex.struct", {});
      push_validity(c, a);  // validity is the struct's first slot
      for (size_t i = 0; i < d.fields.size(); i++) {
        Column f = c.children.at(i);
        f.dtype = d.fields[i];
        a.children.push_back(encode_canonical(f));
      }
      return a;
    }
    case DTypeKind::List: return encode_list(c);
    case DTypeKind::FixedSizeList: {
      Column elements = c.children.at(0);
      elements.dtype = d.element;
      EncodedArray a = leaf("vortex.fixed_size_list", {});
      a.children.push_back(encode_canonical(elements));
      push_validity(c, a);
      return a;
    }
    default: throw VortexError(kUnsupported, "cannot write a column of dtype " + d.to_string());
  }
}

}  // namespace gyre::write
