#include "column.hpp"

#include <cstring>

namespace gyre {

void Allocator::charge(uint64_t n) {
  if (n > left_) throw VortexError(kLimit, "decode would allocate more than the memory budget allows");
  left_ -= n;
}

uint64_t count_set_bits(const uint8_t* bits, uint64_t n) {
  uint64_t c = 0, i = 0;
  for (; i + 64 <= n; i += 64) c += __builtin_popcountll(load_le<uint64_t>(bits + i / 8));
  for (; i < n; i++) c += get_bit(bits, i);
  return c;
}

void copy_bits(const uint8_t* src, uint64_t src_off, uint8_t* dst, uint64_t dst_off, uint64_t n) {
  if ((src_off & 7) == 0 && (dst_off & 7) == 0) {
    std::memcpy(dst + dst_off / 8, src + src_off / 8, n / 8);
    for (uint64_t i = n & ~uint64_t(7); i < n; i++) {
      if (get_bit(src, src_off + i)) set_bit(dst, dst_off + i); else clear_bit(dst, dst_off + i);
    }
    return;
  }
  for (uint64_t i = 0; i < n; i++) {
    if (get_bit(src, src_off + i)) set_bit(dst, dst_off + i); else clear_bit(dst, dst_off + i);
  }
}

uint64_t Column::null_count() const {
  if (dtype && dtype->kind == DTypeKind::Null) return length;
  if (validity.empty()) return 0;
  return length - count_set_bits(validity.data(), length);
}

uint64_t Column::nbytes() const {
  uint64_t n = validity.size();
  for (auto& b : buffers) n += b.size();
  for (auto& c : children) n += c.nbytes();
  return n;
}

void set_dtype(Column& c, const DTypePtr& d) {
  c.dtype = d;
  if (!d->is_nullable()) c.validity = Buffer();
}

static bool is_varlen(const DType& p) { return p.kind == DTypeKind::Utf8 || p.kind == DTypeKind::Binary; }

Column make_null_column(Allocator& a, const DTypePtr& d, uint64_t len) {
  Column c;
  c.dtype = d;
  c.length = len;
  const DType& p = d->physical();
  if (p.kind == DTypeKind::Null) return c;
  if (d->is_nullable()) c.validity = a.zeros(bitmap_bytes(len));
  switch (p.kind) {
    case DTypeKind::Bool: c.buffers.push_back(a.zeros(bitmap_bytes(len))); break;
    case DTypeKind::Primitive: c.buffers.push_back(a.zeros(len * ptype_width(p.ptype))); break;
    case DTypeKind::Decimal: c.buffers.push_back(a.zeros(len * decimal_out_width(p))); break;
    case DTypeKind::Utf8:
    case DTypeKind::Binary:
    case DTypeKind::List:
    case DTypeKind::Map:
      c.buffers.push_back(a.zeros((len + 1) * 4));
      if (p.is_list_like()) c.children.push_back(make_null_column(a, p.element, 0));
      else c.buffers.push_back(a.zeros(0));
      break;
    case DTypeKind::FixedSizeList: c.children.push_back(make_null_column(a, p.element, len * p.list_size)); break;
    case DTypeKind::Struct:
      for (auto& f : p.fields) c.children.push_back(make_null_column(a, f, len));
      break;
    default: unsupported("null column of dtype " + d->to_string());
  }
  return c;
}

// Reads offset i of a varlen/list column as u64.
static inline uint64_t offset_at(const Column& c, uint64_t i) {
  return c.large ? c.buffers[0].as<uint64_t>()[i] : uint64_t(c.buffers[0].as<uint32_t>()[i]);
}

Column concat_columns(Allocator& a, const DTypePtr& d, const std::vector<Column>& parts) {
  if (parts.size() == 1) {
    Column c = parts[0];
    c.dtype = d;
    return c;
  }
  Column out;
  out.dtype = d;
  for (auto& p : parts) out.length += p.length;
  const DType& ph = d->physical();
  bool any_validity = false;
  for (auto& p : parts) any_validity |= !p.validity.empty();
  if (any_validity && d->is_nullable()) {
    out.validity = a.alloc(bitmap_bytes(out.length));
    uint64_t at = 0;
    for (auto& p : parts) {
      if (p.validity.empty()) {
        for (uint64_t i = 0; i < p.length; i++) set_bit(out.validity.data(), at + i);
      } else {
        copy_bits(p.validity.data(), 0, out.validity.data(), at, p.length);
      }
      at += p.length;
    }
  }
  switch (ph.kind) {
    case DTypeKind::Null: break;
    case DTypeKind::Bool: {
      Buffer bits = a.zeros(bitmap_bytes(out.length));
      uint64_t at = 0;
      for (auto& p : parts) {
        copy_bits(p.buffers[0].data(), 0, bits.data(), at, p.length);
        at += p.length;
      }
      out.buffers.push_back(bits);
      break;
    }
    case DTypeKind::Primitive:
    case DTypeKind::Decimal: {
      unsigned w = ph.kind == DTypeKind::Primitive ? ptype_width(ph.ptype) : decimal_out_width(ph);
      Buffer v = a.alloc(out.length * w);
      uint64_t at = 0;
      for (auto& p : parts) {
        if (p.length) std::memcpy(v.data() + at * w, p.buffers[0].data(), p.length * w);
        at += p.length;
      }
      out.buffers.push_back(v);
      break;
    }
    case DTypeKind::Utf8:
    case DTypeKind::Binary:
    case DTypeKind::List:
    case DTypeKind::Map: {
      uint64_t total = 0;
      for (auto& p : parts) total += offset_at(p, p.length) - offset_at(p, 0);
      out.large = total > 0x7fffffffULL;
      Buffer offs = a.alloc((out.length + 1) * (out.large ? 8 : 4));
      uint64_t row = 0, base = 0;
      auto put = [&](uint64_t i, uint64_t v) {
        if (out.large) offs.as<uint64_t>()[i] = v; else offs.as<uint32_t>()[i] = uint32_t(v);
      };
      put(0, 0);
      std::vector<Column> kids;
      Buffer data;
      if (!ph.is_list_like()) data = a.alloc(total);
      for (auto& p : parts) {
        uint64_t o0 = offset_at(p, 0);
        for (uint64_t i = 1; i <= p.length; i++) put(row + i, base + offset_at(p, i) - o0);
        uint64_t n = offset_at(p, p.length) - o0;
        if (ph.is_list_like()) {
          kids.push_back(o0 == 0 && n == p.children[0].length ? p.children[0] : slice_column(a, p.children[0], o0, n));
        } else if (n) {
          std::memcpy(data.data() + base, p.buffers[1].data() + o0, n);
        }
        row += p.length;
        base += n;
      }
      out.buffers.push_back(offs);
      if (ph.is_list_like()) out.children.push_back(concat_columns(a, ph.element, kids));
      else out.buffers.push_back(data);
      break;
    }
    case DTypeKind::FixedSizeList: {
      std::vector<Column> kids;
      for (auto& p : parts) kids.push_back(p.children[0]);
      out.children.push_back(concat_columns(a, ph.element, kids));
      break;
    }
    case DTypeKind::Struct:
      for (size_t f = 0; f < ph.fields.size(); f++) {
        std::vector<Column> kids;
        for (auto& p : parts) kids.push_back(p.children[f]);
        out.children.push_back(concat_columns(a, ph.fields[f], kids));
      }
      break;
    default: unsupported("concat of dtype " + d->to_string());
  }
  return out;
}

Column slice_column(Allocator& a, const Column& c, uint64_t start, uint64_t n) {
  if (start > c.length || n > c.length - start) throw VortexError(kInvalidArgument, "slice out of range");
  if (start == 0 && n == c.length) return c;
  Column out;
  out.dtype = c.dtype;
  out.length = n;
  if (!c.validity.empty()) {
    out.validity = a.zeros(bitmap_bytes(n));
    copy_bits(c.validity.data(), start, out.validity.data(), 0, n);
  }
  const DType& ph = c.dtype->physical();
  switch (ph.kind) {
    case DTypeKind::Null: break;
    case DTypeKind::Bool: {
      Buffer bits = a.zeros(bitmap_bytes(n));
      copy_bits(c.buffers[0].data(), start, bits.data(), 0, n);
      out.buffers.push_back(bits);
      break;
    }
    case DTypeKind::Primitive:
    case DTypeKind::Decimal: {
      unsigned w = ph.kind == DTypeKind::Primitive ? ptype_width(ph.ptype) : decimal_out_width(ph);
      out.buffers.push_back(Buffer::copy_of(c.buffers[0].data() + start * w, n * w));
      a.charge(n * w);
      break;
    }
    case DTypeKind::Utf8:
    case DTypeKind::Binary:
    case DTypeKind::List:
    case DTypeKind::Map: {
      uint64_t o0 = offset_at(c, start), o1 = offset_at(c, start + n);
      out.large = c.large;
      Buffer offs = a.alloc((n + 1) * (c.large ? 8 : 4));
      for (uint64_t i = 0; i <= n; i++) {
        uint64_t v = offset_at(c, start + i) - o0;
        if (c.large) offs.as<uint64_t>()[i] = v; else offs.as<uint32_t>()[i] = uint32_t(v);
      }
      out.buffers.push_back(offs);
      if (ph.is_list_like()) {
        out.children.push_back(slice_column(a, c.children[0], o0, o1 - o0));
      } else {
        a.charge(o1 - o0);
        out.buffers.push_back(Buffer::copy_of(c.buffers[1].data() + o0, o1 - o0));
      }
      break;
    }
    case DTypeKind::FixedSizeList:
      out.children.push_back(slice_column(a, c.children[0], start * ph.list_size, n * ph.list_size));
      break;
    case DTypeKind::Struct:
      for (auto& k : c.children) out.children.push_back(slice_column(a, k, start, n));
      break;
    default: unsupported("slice of dtype " + c.dtype->to_string());
  }
  return out;
}

// Reads index i of an integer column as u64, rejecting negative values.
template <typename T>
static void gather_indices(const Column& idx, std::vector<uint64_t>& out) {
  const T* p = idx.buffers[0].as<T>();
  for (uint64_t i = 0; i < idx.length; i++) {
    if constexpr (std::is_signed_v<T>) {
      if (p[i] < 0 && idx.is_valid(i)) corrupt("negative index in take");
    }
    out[i] = idx.is_valid(i) ? uint64_t(p[i]) : 0;
  }
}

template <typename T>
static void take_fixed(const uint8_t* src, uint8_t* dst, const std::vector<uint64_t>& ix) {
  const T* s = reinterpret_cast<const T*>(src);
  T* d = reinterpret_cast<T*>(dst);
  for (size_t i = 0; i < ix.size(); i++) d[i] = s[ix[i]];
}

static Column take_rows(Allocator& a, const Column& values, const std::vector<uint64_t>& ix, const Buffer& index_valid);

Column take_column(Allocator& a, const Column& values, const Column& indices) {
  const DType& it = indices.dtype->physical();
  if (!it.is_int()) corrupt("take indices must be integers");
  std::vector<uint64_t> ix(indices.length);
  switch (it.ptype) {
    case PType::U8: gather_indices<uint8_t>(indices, ix); break;
    case PType::U16: gather_indices<uint16_t>(indices, ix); break;
    case PType::U32: gather_indices<uint32_t>(indices, ix); break;
    case PType::U64: gather_indices<uint64_t>(indices, ix); break;
    case PType::I8: gather_indices<int8_t>(indices, ix); break;
    case PType::I16: gather_indices<int16_t>(indices, ix); break;
    case PType::I32: gather_indices<int32_t>(indices, ix); break;
    case PType::I64: gather_indices<int64_t>(indices, ix); break;
    default: corrupt("take indices must be integers");
  }
  for (uint64_t i = 0; i < ix.size(); i++)
    if (ix[i] >= values.length && indices.is_valid(i)) corrupt("take index out of range");
  return take_rows(a, values, ix, indices.validity);
}

static Column take_rows(Allocator& a, const Column& values, const std::vector<uint64_t>& ix, const Buffer& index_valid) {
  uint64_t n = ix.size();
  Column out;
  out.dtype = values.dtype;
  out.length = n;
  // Guard: when values is empty every index must be null.
  if (values.length == 0 && n > 0) {
    return make_null_column(a, values.dtype, n);
  }
  if (values.dtype->is_nullable() && (!values.validity.empty() || !index_valid.empty())) {
    out.validity = a.zeros(bitmap_bytes(n));
    for (uint64_t i = 0; i < n; i++) {
      bool ok = (index_valid.empty() || get_bit(index_valid.data(), i)) && values.is_valid(ix[i]);
      if (ok) set_bit(out.validity.data(), i);
    }
  }
  const DType& ph = values.dtype->physical();
  switch (ph.kind) {
    case DTypeKind::Null: break;
    case DTypeKind::Bool: {
      Buffer bits = a.zeros(bitmap_bytes(n));
      const uint8_t* s = values.buffers[0].data();
      for (uint64_t i = 0; i < n; i++)
        if (get_bit(s, ix[i])) set_bit(bits.data(), i);
      out.buffers.push_back(bits);
      break;
    }
    case DTypeKind::Primitive:
    case DTypeKind::Decimal: {
      unsigned w = ph.kind == DTypeKind::Primitive ? ptype_width(ph.ptype) : decimal_out_width(ph);
      Buffer v = a.alloc(n * w);
      const uint8_t* s = values.buffers[0].data();
      switch (w) {
        case 1: take_fixed<uint8_t>(s, v.data(), ix); break;
        case 2: take_fixed<uint16_t>(s, v.data(), ix); break;
        case 4: take_fixed<uint32_t>(s, v.data(), ix); break;
        case 8: take_fixed<uint64_t>(s, v.data(), ix); break;
        default:
          for (uint64_t i = 0; i < n; i++) std::memcpy(v.data() + i * w, s + ix[i] * w, w);
      }
      out.buffers.push_back(v);
      break;
    }
    case DTypeKind::Utf8:
    case DTypeKind::Binary:
    case DTypeKind::List:
    case DTypeKind::Map: {
      uint64_t total = 0;
      for (uint64_t i = 0; i < n; i++) total += offset_at(values, ix[i] + 1) - offset_at(values, ix[i]);
      out.large = total > 0x7fffffffULL;
      Buffer offs = a.alloc((n + 1) * (out.large ? 8 : 4));
      uint64_t pos = 0;
      if (out.large) offs.as<uint64_t>()[0] = 0; else offs.as<uint32_t>()[0] = 0;
      if (ph.is_list_like()) {
        std::vector<uint64_t> child_ix;
        a.charge(total * 8);
        child_ix.reserve(total);
        for (uint64_t i = 0; i < n; i++) {
          uint64_t s = offset_at(values, ix[i]), e = offset_at(values, ix[i] + 1);
          for (uint64_t k = s; k < e; k++) child_ix.push_back(k);
          pos += e - s;
          if (out.large) offs.as<uint64_t>()[i + 1] = pos; else offs.as<uint32_t>()[i + 1] = uint32_t(pos);
        }
        out.buffers.push_back(offs);
        out.children.push_back(take_rows(a, values.children[0], child_ix, Buffer()));
      } else {
        Buffer data = a.alloc(total);
        const uint8_t* src = values.buffers[1].data();
        for (uint64_t i = 0; i < n; i++) {
          uint64_t s = offset_at(values, ix[i]), e = offset_at(values, ix[i] + 1);
          if (e > s) std::memcpy(data.data() + pos, src + s, e - s);
          pos += e - s;
          if (out.large) offs.as<uint64_t>()[i + 1] = pos; else offs.as<uint32_t>()[i + 1] = uint32_t(pos);
        }
        out.buffers.push_back(offs);
        out.buffers.push_back(data);
      }
      break;
    }
    case DTypeKind::FixedSizeList: {
      std::vector<uint64_t> child_ix;
      a.charge(n * ph.list_size * 8);
      child_ix.reserve(n * ph.list_size);
      for (uint64_t i = 0; i < n; i++)
        for (uint32_t k = 0; k < ph.list_size; k++) child_ix.push_back(ix[i] * ph.list_size + k);
      out.children.push_back(take_rows(a, values.children[0], child_ix, Buffer()));
      break;
    }
    case DTypeKind::Struct:
      for (auto& k : values.children) out.children.push_back(take_rows(a, k, ix, Buffer()));
      break;
    default: unsupported("take of dtype " + values.dtype->to_string());
  }
  return out;
}

void and_validity(Allocator& a, Column& c, const Buffer& bits) {
  if (bits.empty()) return;
  if (c.validity.empty()) {
    c.validity = a.alloc(bitmap_bytes(c.length));
    std::memcpy(c.validity.data(), bits.data(), bitmap_bytes(c.length));
    return;
  }
  if (!c.validity.unique()) {
    Buffer v = a.alloc(bitmap_bytes(c.length));
    std::memcpy(v.data(), c.validity.data(), bitmap_bytes(c.length));
    c.validity = v;
  }
  for (uint64_t i = 0; i < bitmap_bytes(c.length); i++) c.validity.data()[i] &= bits.data()[i];
}

}  // namespace gyre
