// `vortex.dict` for Utf8 and Binary columns (vortex-format.md §5.1, the official StringDictScheme /
// BinaryDictScheme):
//   metadata  {values_len: 1, codes_ptype: 2, is_nullable_codes: 3 (= false), all_values_referenced: 4}
//   children  [codes: Primitive(unsigned, non-nullable), values: the column's dtype]
// Values are the distinct valid values in first-occurrence order; nulls become one null entry in
// the values (placed where the first null occurs), so codes stay non-nullable — the form the
// official writer produces and both vortex-data 0.76 and 0.90 read. Codes are narrowed and
// compressed without FoR / ZigZag / Sequence / IntDict; values are compressed (FSST usually) without
// RunEnd / RLE.
#include <vector>

#include "string_common.hpp"

namespace gyre::write {

uint64_t distinct_strings(const Column& c, uint64_t limit) {
  const StrCol s(c);
  size_t cap = 64;
  const uint64_t want = std::min<uint64_t>(limit + 1, c.length) * 2;
  while (cap < want) cap <<= 1;
  // A set of value hashes (64-bit; a collision only makes the estimate one lower).
  std::vector<uint64_t> slots(cap, 0);
  bool has_zero = false;
  uint64_t count = 0;
  const size_t mask = cap - 1;
  for (uint64_t i = 0; i < c.length; i++) {
    if (!s.valid(i)) continue;
    uint64_t h = hash_bytes(s.ptr(i), s.len(i));
    if (h == 0) {
      if (!has_zero) has_zero = true, count++;
    } else {
      size_t k = size_t(h) & mask;
      while (slots[k] && slots[k] != h) k = (k + 1) & mask;
      if (!slots[k]) slots[k] = h, count++;
    }
    if (count > limit) return limit + 1;
  }
  return count;
}

namespace {

// Dictionary-encodes c: codes (u32 per row) and the row index of each distinct value's first
// occurrence (null_code = code of the null entry, or UINT32_MAX).
struct DictBuild {
  std::vector<uint32_t> codes;
  std::vector<uint64_t> first_rows;  // per code; UINT64_MAX for the null entry
  uint32_t null_code = UINT32_MAX;

  explicit DictBuild(const Column& c) {
    const StrCol s(c);
    const uint64_t n = c.length;
    codes.resize(n);
    size_t cap = 1024;
    std::vector<uint32_t> table(cap, UINT32_MAX);  // code per slot
    std::vector<uint64_t> hashes;                   // per code
    size_t mask = cap - 1;
    for (uint64_t i = 0; i < n; i++) {
      if (!s.valid(i)) {
        if (null_code == UINT32_MAX) {
          null_code = uint32_t(first_rows.size());
          first_rows.push_back(UINT64_MAX);
          hashes.push_back(0);
        }
        codes[i] = null_code;
        continue;
      }
      const uint8_t* p = s.ptr(i);
      const uint64_t len = s.len(i);
      const uint64_t h = hash_bytes(p, len);
      size_t k = size_t(h) & mask;
      uint32_t code;
      while (true) {
        code = table[k];
        if (code == UINT32_MAX) break;
        if (hashes[code] == h) {
          const uint64_t r = first_rows[code];
          if (r != UINT64_MAX && s.len(r) == len && (len == 0 || std::memcmp(s.ptr(r), p, len) == 0)) break;
        }
        k = (k + 1) & mask;
      }
      if (code == UINT32_MAX) {
        code = uint32_t(first_rows.size());
        first_rows.push_back(i);
        hashes.push_back(h);
        table[k] = code;
        if (first_rows.size() * 2 > cap) {  // grow: rehash every code
          cap <<= 1;
          mask = cap - 1;
          table.assign(cap, UINT32_MAX);
          for (uint32_t c2 = 0; c2 < first_rows.size(); c2++) {
            if (first_rows[c2] == UINT64_MAX) continue;
            size_t k2 = size_t(hashes[c2]) & mask;
            while (table[k2] != UINT32_MAX) k2 = (k2 + 1) & mask;
            table[k2] = c2;
          }
        }
      }
      codes[i] = code;
    }
  }
};

// The values column: one row per code, dtype d, offsets i32 (i64 when the bytes need it).
Column values_column(const Column& c, const DictBuild& b) {
  const StrCol s(c);
  const uint64_t nv = b.first_rows.size();
  uint64_t total = 0;
  for (uint64_t r : b.first_rows)
    if (r != UINT64_MAX) total += s.len(r);
  Column v;
  v.dtype = c.dtype;
  v.length = nv;
  v.large = total > 0x7fffffffull;
  Buffer offs = Buffer::alloc(size_t((nv + 1) * (v.large ? 8 : 4)));
  Buffer data = Buffer::alloc(size_t(total));
  uint64_t pos = 0;
  for (uint64_t k = 0; k < nv; k++) {
    if (v.large) offs.as<int64_t>()[k] = int64_t(pos);
    else offs.as<int32_t>()[k] = int32_t(pos);
    const uint64_t r = b.first_rows[k];
    if (r == UINT64_MAX) continue;
    const uint64_t l = s.len(r);
    if (l) std::memcpy(data.data() + pos, s.ptr(r), size_t(l));
    pos += l;
  }
  if (v.large) offs.as<int64_t>()[nv] = int64_t(pos);
  else offs.as<int32_t>()[nv] = int32_t(pos);
  v.buffers.push_back(offs);
  v.buffers.push_back(data);
  if (b.null_code != UINT32_MAX) {
    v.validity = Buffer::alloc(size_t(bitmap_bytes(nv)));
    std::memset(v.validity.data(), 0xff, size_t(bitmap_bytes(nv)));
    clear_bit(v.validity.data(), b.null_code);
  }
  return v;
}

class DictScheme : public SchemeBase {
 public:
  explicit DictScheme(bool utf8) : utf8_(utf8) {}
  const char* id() const override { return utf8_ ? ids::kStringDict : ids::kBinaryDict; }
  bool applies(const Column& c, const CompressCtx&) const override {
    return (utf8_ ? is_utf8(c) : is_binary(c)) && c.length > 0;
  }
  // The official rule: no dictionary when more than half of the valid values are distinct.
  Estimate estimate(ColumnStats& st, const CompressCtx&) const override {
    const uint64_t values = st.value_count();
    if (values == 0) return Estimate::skip();
    if (distinct_strings(st.column(), values / 2) > values / 2) return Estimate::skip();
    return Estimate::sample();
  }

  bool encode(const Column& c, const CompressCtx& ctx, EncodedArray& out) const override {
    const DictBuild b(c);
    const uint64_t nv = b.first_rows.size();
    if (nv > 0xffffffffull) return false;
    Column codes = new_primitive(smallest_unsigned(nv ? nv - 1 : 0), false, c.length);
    with_word(ptype_width(codes.dtype->ptype), [&]<typename U>() {
      U* o = codes.buffers[0].as<U>();
      for (uint64_t i = 0; i < c.length; i++) o[i] = U(b.codes[i]);
    });
    const Column values = values_column(c, b);

    out = EncodedArray();
    out.encoding = "vortex.dict";
    Proto meta;
    meta.u(1, nv).u(2, uint64_t(codes.dtype->ptype)).opt_u(3, 0).opt_u(4, 1);
    out.metadata = std::move(meta.out);
    out.children.push_back(compress_child(codes, ctx, kDictCodesExcluded));
    out.children.push_back(compress_child(values, ctx, kDictValuesExcluded));
    return true;
  }

 private:
  bool utf8_;
};

struct Utf8Dict final : DictScheme {
  Utf8Dict() : DictScheme(true) {}
};
struct BinaryDict final : DictScheme {
  BinaryDict() : DictScheme(false) {}
};

GYRE_REGISTER_SCHEME(Utf8Dict, order::kStringDict);
GYRE_REGISTER_SCHEME(BinaryDict, order::kBinaryDict);

}  // namespace
}  // namespace gyre::write
