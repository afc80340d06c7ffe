// Layout-level dictionary encoder (see dict_layout.hpp).
#include "dict_layout.hpp"

#include <cstring>

#include "compressor.hpp"
#include "schemes/string_common.hpp"

namespace gyre::write {

bool layout_dict_eligible(const DType& d) {
  const DType& p = d.physical();
  return p.kind == DTypeKind::Utf8 || p.kind == DTypeKind::Binary || p.kind == DTypeKind::Primitive;
}

bool wants_layout_dict(const Column& first_block, const CompressOptions& opts) {
  if (!layout_dict_eligible(*first_block.dtype) || first_block.length == 0) return false;
  return compress_full(first_block, opts).encoding == "vortex.dict";
}

struct LayoutDictEncoder::Impl {
  DTypePtr dtype;
  bool bytes_kind = false;
  unsigned width = 0;  // primitive element width
  uint64_t max_len, max_bytes;

  // Current run.
  std::vector<uint8_t> data;       // bytes kind: concatenated values
  std::vector<uint64_t> starts;    // bytes kind: start of value k in data (len = next start - start)
  std::vector<uint64_t> prims;     // primitive kind: bit patterns
  std::vector<uint64_t> hashes;    // per entry (0 for the null entry)
  std::vector<uint32_t> table;     // open addressing: entry + 1, 0 = empty
  uint64_t entries = 0;
  uint64_t dict_bytes = 0;
  int64_t null_code = -1;

  Impl(DTypePtr d, uint64_t ml, uint64_t mb) : dtype(std::move(d)), max_len(ml), max_bytes(mb) {
    const DType& p = dtype->physical();
    bytes_kind = p.kind == DTypeKind::Utf8 || p.kind == DTypeKind::Binary;
    if (!bytes_kind) width = ptype_width(p.ptype);
    if (!bytes_kind && width == 1) max_len = std::min<uint64_t>(max_len, 255);
    reset();
  }

  void reset() {
    data.clear();
    starts.assign(1, 0);
    prims.clear();
    hashes.clear();
    table.assign(1024, 0);
    entries = 0;
    dict_bytes = 0;
    null_code = -1;
  }

  uint64_t entry_len(uint64_t k) const { return starts[k + 1] - starts[k]; }

  void grow() {
    std::vector<uint32_t> t(table.size() * 2, 0);
    const size_t mask = t.size() - 1;
    for (uint64_t k = 0; k < entries; k++) {
      if (int64_t(k) == null_code) continue;
      size_t h = size_t(hashes[k]) & mask;
      while (t[h]) h = (h + 1) & mask;
      t[h] = uint32_t(k + 1);
    }
    table.swap(t);
  }

  // Code of a value, inserting it; -1 when the dictionary is full.
  int64_t code_bytes(const uint8_t* p, uint64_t n) {
    const uint64_t h = hash_bytes(p, n);
    const size_t mask = table.size() - 1;
    size_t slot = size_t(h) & mask;
    while (uint32_t e = table[slot]) {
      const uint64_t k = e - 1;
      if (hashes[k] == h && entry_len(k) == n && (n == 0 || std::memcmp(data.data() + starts[k], p, n) == 0))
        return int64_t(k);
      slot = (slot + 1) & mask;
    }
    const uint64_t add = 16 + (n > 12 ? n : 0);  // a view, plus the bytes when not inlined
    if (entries >= max_len || dict_bytes + add > max_bytes) return -1;
    data.insert(data.end(), p, p + n);
    starts.push_back(data.size());
    hashes.push_back(h);
    table[slot] = uint32_t(entries + 1);
    dict_bytes += add;
    if (++entries * 2 > table.size()) grow();
    return int64_t(entries - 1);
  }

  int64_t code_prim(uint64_t v) {
    const uint64_t h = hash_bytes(reinterpret_cast<const uint8_t*>(&v), 8);
    const size_t mask = table.size() - 1;
    size_t slot = size_t(h) & mask;
    while (uint32_t e = table[slot]) {
      const uint64_t k = e - 1;
      if (prims[k] == v && int64_t(k) != null_code) return int64_t(k);
      slot = (slot + 1) & mask;
    }
    if (entries >= max_len || dict_bytes + width > max_bytes) return -1;
    prims.push_back(v);
    hashes.push_back(h);
    table[slot] = uint32_t(entries + 1);
    dict_bytes += width;
    if (++entries * 2 > table.size()) grow();
    return int64_t(entries - 1);
  }

  int64_t code_null() {
    if (null_code >= 0) return null_code;
    const uint64_t add = bytes_kind ? 16 : width;
    if (entries >= max_len || dict_bytes + add > max_bytes) return -1;
    if (bytes_kind) starts.push_back(data.size());
    else prims.push_back(0);
    hashes.push_back(0);
    dict_bytes += add;
    null_code = int64_t(entries++);
    return null_code;
  }
};

LayoutDictEncoder::LayoutDictEncoder(DTypePtr dtype, uint64_t max_len, uint64_t max_bytes)
    : impl_(std::make_unique<Impl>(std::move(dtype), max_len, max_bytes)) {
  if (!layout_dict_eligible(*impl_->dtype))
    throw VortexError(kInvalidArgument, "layout dictionary for dtype " + impl_->dtype->to_string());
}
LayoutDictEncoder::~LayoutDictEncoder() = default;
LayoutDictEncoder::LayoutDictEncoder(LayoutDictEncoder&&) noexcept = default;
LayoutDictEncoder& LayoutDictEncoder::operator=(LayoutDictEncoder&&) noexcept = default;

uint64_t LayoutDictEncoder::size() const { return impl_->entries; }

PType LayoutDictEncoder::codes_ptype() const { return !impl_->bytes_kind && impl_->width == 1 ? PType::U8 : PType::U16; }

std::vector<uint8_t> LayoutDictEncoder::layout_metadata() const {
  Proto p;
  p.u(1, uint64_t(codes_ptype())).opt_u(2, 0).opt_u(3, 0);
  return p.out;
}

uint64_t LayoutDictEncoder::encode(const Column& c, uint64_t start, Column& codes) {
  Impl& m = *impl_;
  const uint64_t n = start < c.length ? c.length - start : 0;
  const PType cp = codes_ptype();
  codes = new_primitive(cp, false, n);
  uint64_t done = 0;
  auto put = [&](int64_t code) {
    if (cp == PType::U8) codes.buffers[0].as<uint8_t>()[done] = uint8_t(code);
    else codes.buffers[0].as<uint16_t>()[done] = uint16_t(code);
  };
  if (m.bytes_kind) {
    const StrCol s(c);
    for (; done < n; done++) {
      const uint64_t i = start + done;
      const int64_t code = s.valid(i) ? m.code_bytes(s.ptr(i), s.len(i)) : m.code_null();
      if (code < 0) break;
      put(code);
    }
  } else {
    const uint8_t* v = c.buffers[0].data();
    const unsigned w = m.width;
    for (; done < n; done++) {
      const uint64_t i = start + done;
      int64_t code;
      if (!c.is_valid(i)) {
        code = m.code_null();
      } else {
        uint64_t bits = 0;
        std::memcpy(&bits, v + i * w, w);
        code = m.code_prim(bits);
      }
      if (code < 0) break;
      put(code);
    }
  }
  codes.length = done;
  codes.buffers[0].truncate(size_t(done * ptype_width(cp)));
  return done;
}

Column LayoutDictEncoder::finish_run() {
  Impl& m = *impl_;
  Column v;
  v.dtype = m.dtype;
  v.length = m.entries;
  if (m.bytes_kind) {
    const uint64_t total = m.data.size();
    v.large = total > 0x7fffffffull;
    Buffer offs = Buffer::alloc(size_t((m.entries + 1) * (v.large ? 8 : 4)));
    for (uint64_t k = 0; k <= m.entries; k++) {
      if (v.large) offs.as<int64_t>()[k] = int64_t(m.starts[k]);
      else offs.as<int32_t>()[k] = int32_t(m.starts[k]);
    }
    v.buffers.push_back(offs);
    v.buffers.push_back(Buffer::copy_of(m.data.data(), size_t(total)));
  } else {
    Buffer vals = Buffer::alloc(size_t(m.entries * m.width));
    for (uint64_t k = 0; k < m.entries; k++) std::memcpy(vals.data() + k * m.width, &m.prims[k], m.width);
    v.buffers.push_back(vals);
  }
  if (m.null_code >= 0) {
    v.validity = Buffer::alloc(size_t(bitmap_bytes(m.entries)));
    std::memset(v.validity.data(), 0xff, size_t(bitmap_bytes(m.entries)));
    clear_bit(v.validity.data(), uint64_t(m.null_code));
  }
  m.reset();
  return v;
}

}  // namespace gyre::write
