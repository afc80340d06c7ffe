// `vortex.fsst` (vortex-format.md §5.8) for Utf8 columns, in the current 3-buffer form:
//   metadata  {uncompressed_lengths_ptype: 1, codes_offsets_ptype: 2}
//   buffers   [symbols (n × u64, align 8), symbol_lengths (n × u8), codes bytes]
//   children  [uncompressed_lengths (len, non-nullable), codes_offsets (len + 1, non-nullable),
//              validity (opt)]
// The table is trained per column chunk on its valid rows (fsst_train.cc); null rows get length 0
// and an empty code range. Lengths and offsets are narrowed (official PrimitiveArray::narrow) and
// compressed one cascade level down.
#include "string_common.hpp"

namespace gyre::write {
namespace {

// Writes v[0..n) into a new primitive column of the smallest unsigned type holding `max`.
template <typename Src>
Column narrowed_column(const Src* v, uint64_t n, uint64_t max) {
  const PType p = smallest_unsigned(max);
  Column c = new_primitive(p, false, n);
  with_word(ptype_width(p), [&]<typename U>() {
    U* o = c.buffers[0].as<U>();
    for (uint64_t i = 0; i < n; i++) o[i] = U(v[i]);
  });
  return c;
}

class FSSTScheme final : public SchemeBase {
 public:
  const char* id() const override { return ids::kStringFSST; }
  bool applies(const Column& c, const CompressCtx&) const override { return is_utf8(c) && c.length > 0; }
  Estimate estimate(ColumnStats& st, const CompressCtx&) const override {
    return st.value_count() == 0 ? Estimate::skip() : Estimate::sample();
  }

  bool encode(const Column& c, const CompressCtx& ctx, EncodedArray& out) const override {
    const StrCol s(c);
    const uint64_t n = c.length;
    uint64_t total = 0, max_len = 0;
    for (uint64_t i = 0; i < n; i++) {
      if (!s.valid(i)) continue;
      uint64_t l = s.len(i);
      total += l;
      max_len = std::max(max_len, l);
    }
    const fsst::SymbolTable table = fsst::train(s.fsst_view());
    const fsst::Encoder enc(table);

    // Worst case two code bytes per input byte; the encoder may write one byte past its output.
    Buffer codes = Buffer::alloc(size_t(2 * total + 16));
    std::vector<uint64_t> offsets(n + 1);
    std::vector<uint32_t> lengths32;
    std::vector<uint64_t> lengths64;
    const bool wide_lengths = max_len > 0xffffffffull;
    if (wide_lengths) lengths64.assign(n, 0);
    else lengths32.assign(n, 0);
    uint64_t pos = 0;
    for (uint64_t i = 0; i < n; i++) {
      offsets[i] = pos;
      if (!s.valid(i)) continue;
      const uint64_t l = s.len(i);
      if (wide_lengths) lengths64[i] = l;
      else lengths32[i] = uint32_t(l);
      if (l == 0) continue;
      const uint64_t a = s.off(i);
      pos += enc.compress(s.data + a, size_t(l), size_t(s.data_size - a), codes.data() + pos);
    }
    offsets[n] = pos;
    codes.truncate(size_t(pos));

    Column lengths_col = wide_lengths ? narrowed_column(lengths64.data(), n, max_len)
                                      : narrowed_column(lengths32.data(), n, max_len);
    Column offsets_col = narrowed_column(offsets.data(), n + 1, pos);
    const PType lengths_pt = lengths_col.dtype->ptype, offsets_pt = offsets_col.dtype->ptype;

    Buffer symbols = Buffer::alloc(size_t(table.n) * 8);
    if (table.n) std::memcpy(symbols.data(), table.symbols, size_t(table.n) * 8);
    Buffer symbol_lengths = Buffer::alloc(table.n);
    if (table.n) std::memcpy(symbol_lengths.data(), table.lengths, table.n);

    out = EncodedArray();
    out.encoding = "vortex.fsst";
    Proto meta;
    meta.u(1, uint64_t(lengths_pt)).u(2, uint64_t(offsets_pt));
    out.metadata = std::move(meta.out);
    out.buffers.push_back({symbols, 3});
    out.buffers.push_back({symbol_lengths, 0});
    out.buffers.push_back({codes, 0});
    out.children.push_back(compress_child(lengths_col, ctx, {}));
    out.children.push_back(compress_child(offsets_col, ctx, {}));
    push_validity(out, c);
    return true;
  }
};

GYRE_REGISTER_SCHEME(FSSTScheme, order::kStringFSST);

}  // namespace
}  // namespace gyre::write
