// vortex.fsst (vortex-format.md §5.8): Fast Static Symbol Table string compression.
//
// Current form (0.68+): buffers [symbols, symbol_lengths, codes_bytes]; children
// [uncompressed_lengths, codes_offsets (len+1), validity (opt)].
// Legacy form (< 0.68): buffers [symbols, symbol_lengths]; children [codes: Binary array whose
// bytes hold the compressed codes and whose validity is the array's, uncompressed_lengths].
//
// The whole code range is decoded in one pass (like the reference) and then split by the
// uncompressed lengths. The hot loop stores 8 bytes per symbol into an output buffer with 8 bytes
// of slack, eight codes at a time while no escape byte is among them.
#include <bit>
#if defined(__SSE2__)
#include <emmintrin.h>
#endif

#include "common.hpp"

namespace gyre {
namespace {

constexpr uint8_t kEscape = 255;

struct SymbolTable {
  uint64_t sym[256];
  uint8_t len[256];  // 0 = not a valid symbol code (including the escape code)
};

// Returns the number of symbols.
unsigned build_table(Bytes symbols, Bytes lengths, SymbolTable& t) {
  std::memset(t.sym, 0, sizeof(t.sym));
  std::memset(t.len, 0, sizeof(t.len));
  const uint64_t n = lengths.size;
  if (n > 255) corrupt("vortex.fsst symbol table has more than 255 symbols");
  if (symbols.size / 8 < n) corrupt("vortex.fsst symbols buffer too short");
  for (uint64_t c = 0; c < n; c++) {
    uint8_t l = lengths.data[c];
    if (l < 1 || l > 8) corrupt("vortex.fsst symbol length out of range");
    t.sym[c] = load_le<uint64_t>(symbols.data + c * 8);
    t.len[c] = l;
  }
  return unsigned(n);
}

inline void store8(uint8_t* p, uint64_t v) { std::memcpy(p, &v, 8); }

// Bit k (k < 8) set iff byte k of w is a valid symbol code (< nsym). Escape (255) is never valid.
#if defined(__SSE2__)
struct CodeCheck {
  __m128i lim;
  explicit CodeCheck(unsigned nsym) : lim(_mm_set1_epi8(char(uint8_t(nsym ? nsym - 1 : 0)))), empty(nsym == 0) {}
  bool empty;
  unsigned valid_mask(uint64_t w) const {
    if (empty) return 0;
    __m128i v = _mm_cvtsi64_si128(int64_t(w));
    return unsigned(_mm_movemask_epi8(_mm_cmpeq_epi8(_mm_max_epu8(v, lim), lim))) & 0xffu;
  }
};
#else
struct CodeCheck {
  unsigned nsym;
  explicit CodeCheck(unsigned n) : nsym(n) {}
  unsigned valid_mask(uint64_t w) const {
    unsigned m = 0;
    for (unsigned k = 0; k < 8; k++) m |= unsigned(((w >> (8 * k)) & 0xff) < nsym) << k;
    return m;
  }
};
#endif

// Decodes codes [in, in+n) into out, which has room for `cap` bytes plus 8 bytes of slack.
// The decoded length must be exactly `cap`.
void fsst_decode_all(const SymbolTable& t, unsigned nsym, const uint8_t* in, uint64_t n, uint8_t* out,
                     uint64_t cap) {
  const uint8_t* ip = in;
  const uint8_t* const iend = in + n;
  uint8_t* op = out;
  uint8_t* const oend = out + cap;   // logical end
  uint8_t* const pend = oend + 8;    // physical end (slack for 8-byte stores)
  const CodeCheck check(nsym);

  // Fast loop: 8 codes per step write at most 64 bytes (each store 8 bytes, advance <= 8).
  while (iend - ip >= 9 && pend - op >= 64) {
    uint64_t w = load_le<uint64_t>(ip);
    unsigned ok = check.valid_mask(w);
    if (ok == 0xff) {
#define GYRE_FSST_ONE(k)                 \
  {                                      \
    uint8_t c = uint8_t(w >> (8 * (k))); \
    store8(op, t.sym[c]);                \
    op += t.len[c];                      \
  }
      GYRE_FSST_ONE(0) GYRE_FSST_ONE(1) GYRE_FSST_ONE(2) GYRE_FSST_ONE(3)
      GYRE_FSST_ONE(4) GYRE_FSST_ONE(5) GYRE_FSST_ONE(6) GYRE_FSST_ONE(7)
#undef GYRE_FSST_ONE
      ip += 8;
    } else {
      unsigned k = unsigned(std::countr_zero(~ok & 0xffu));  // first escape or invalid code
      for (unsigned j = 0; j < k; j++) {
        uint8_t c = ip[j];
        store8(op, t.sym[c]);
        op += t.len[c];
      }
      if (ip[k] != kEscape) corrupt("vortex.fsst code without a symbol");
      // ip[k+1] exists because at least 9 bytes remain.
      *op++ = ip[k + 1];
      ip += k + 2;
    }
  }
  if (op > oend) corrupt("vortex.fsst decoded more bytes than the uncompressed lengths");
  // Careful tail.
  while (ip < iend) {
    uint8_t c = *ip++;
    if (c == kEscape) {
      if (ip >= iend) corrupt("vortex.fsst escape at end of codes");
      if (op >= oend) corrupt("vortex.fsst decoded more bytes than the uncompressed lengths");
      *op++ = *ip++;
      continue;
    }
    uint8_t l = t.len[c];
    if (l == 0) corrupt("vortex.fsst code without a symbol");
    if (uint64_t(oend - op) < l) corrupt("vortex.fsst decoded more bytes than the uncompressed lengths");
    store8(op, t.sym[c]);  // op + l <= oend, so op + 8 <= pend
    op += l;
  }
  if (op != oend) corrupt("vortex.fsst decoded fewer bytes than the uncompressed lengths");
}

// Arrow offsets (i32, or i64 when large) from the uncompressed lengths; returns the total.
Buffer offsets_from_lengths(DecodeCtx& ctx, const Column& lengths, uint64_t len, bool& large, uint64_t& total) {
  total = 0;
  dispatch_int(lengths.dtype->physical().ptype, [&]<typename T>() {
    const T* l = lengths.buffers[0].as<T>();
    if constexpr (std::is_signed_v<T>) {
      bool neg = false;
      for (uint64_t i = 0; i < len; i++) neg |= l[i] < 0;
      if (neg) corrupt("vortex.fsst negative uncompressed length");
    }
    if constexpr (sizeof(T) == 8) {
      for (uint64_t i = 0; i < len; i++) {
        uint64_t v = uint64_t(l[i]);
        if (v > (uint64_t(1) << 48) || total > (uint64_t(1) << 48)) corrupt("vortex.fsst uncompressed length too large");
        total += v;
      }
    } else {
      for (uint64_t i = 0; i < len; i++) total += uint64_t(l[i]);  // < 2^32 * 2^32: no overflow
    }
  });
  large = total > 0x7fffffffULL;
  Buffer o = ctx.alloc.alloc((len + 1) * (large ? 8 : 4));
  dispatch_int(lengths.dtype->physical().ptype, [&]<typename T>() {
    const T* l = lengths.buffers[0].as<T>();
    if (large) {
      int64_t* po = o.as<int64_t>();
      uint64_t pos = 0;
      for (uint64_t i = 0; i < len; i++) {
        po[i] = int64_t(pos);
        pos += uint64_t(l[i]);
      }
      po[len] = int64_t(pos);
    } else {
      int32_t* po = o.as<int32_t>();
      uint32_t pos = 0;
      for (uint64_t i = 0; i < len; i++) {
        po[i] = int32_t(pos);
        pos += uint32_t(l[i]);
      }
      po[len] = int32_t(pos);
    }
  });
  return o;
}

PType meta_ptype(Bytes m, uint32_t field) {
  PType p = PType::U8;
  pb::Reader r(m);
  pb::Field f;
  while (r.next(f))
    if (f.number == field) p = ptype_from_code(f.varint);
  return p;
}

// First and last value of an integer column (as non-negative u64).
void first_last(const Column& c, uint64_t& first, uint64_t& last) {
  dispatch_int(c.dtype->physical().ptype, [&]<typename T>() {
    const T* p = c.buffers[0].as<T>();
    T a = p[0], b = p[c.length - 1];
    if constexpr (std::is_signed_v<T>) {
      if (a < 0 || b < 0) corrupt("vortex.fsst negative code offset");
    }
    first = uint64_t(a);
    last = uint64_t(b);
  });
}

Column decode_fsst(DecodeCtx& ctx, const ArrayNode& node, const DTypePtr& d, uint64_t len) {
  const DType& p = d->physical();
  if (p.kind != DTypeKind::Utf8 && p.kind != DTypeKind::Binary) corrupt("vortex.fsst with dtype " + d->to_string());
  const uint32_t nb = node.nbuffers();
  if (nb != 2 && nb != 3) corrupt("vortex.fsst expects 2 or 3 buffers");
  SymbolTable table;
  const unsigned nsym = build_table(node.buffer(0), node.buffer(1), table);
  Bytes meta = node.metadata();
  const PType lengths_pt = meta_ptype(meta, 1);

  Column lengths;
  Bytes codes;
  Column legacy_codes;
  Buffer validity;
  if (nb == 3) {
    if (node.nchildren() < 2 || node.nchildren() > 3) corrupt("vortex.fsst expects 2 or 3 children");
    lengths = decode_primitive(ctx, node.child(0), lengths_pt, false, len);
    Column offs = decode_primitive(ctx, node.child(1), meta_ptype(meta, 2), false, len + 1);
    uint64_t o0, on;
    first_last(offs, o0, on);
    codes = node.buffer(2);
    if (o0 > on || on > codes.size) corrupt("vortex.fsst code offsets out of bounds");
    codes = codes.slice(o0, on - o0);
    validity = optional_validity(ctx, node, 2, len, *d);
  } else {
    if (node.nchildren() != 2) corrupt("vortex.fsst (legacy) expects 2 children");
    legacy_codes = ctx.decode(node.child(0), DType::binary(d->is_nullable()), len);
    lengths = decode_primitive(ctx, node.child(1), lengths_pt, false, len);
    if (legacy_codes.buffers.size() < 2) corrupt("vortex.fsst (legacy) codes are not binary");
    const Buffer& co = legacy_codes.buffers[0];
    const Buffer& cd = legacy_codes.buffers[1];
    uint64_t o0 = legacy_codes.large ? uint64_t(co.as<int64_t>()[0]) : uint64_t(uint32_t(co.as<int32_t>()[0]));
    uint64_t on = legacy_codes.large ? uint64_t(co.as<int64_t>()[len]) : uint64_t(uint32_t(co.as<int32_t>()[len]));
    if (o0 > on || on > cd.size()) corrupt("vortex.fsst code offsets out of bounds");
    codes = Bytes(cd.data() + o0, on - o0);
    validity = legacy_codes.validity;
  }

  Column c;
  c.dtype = d;
  c.length = len;
  uint64_t total = 0;
  Buffer offsets = offsets_from_lengths(ctx, lengths, len, c.large, total);
  // A code emits at most 8 bytes, an escape pair 1 byte.
  if (total > codes.size * 8) corrupt("vortex.fsst uncompressed lengths exceed what the codes can produce");
  Buffer data = ctx.alloc.alloc(total + 8);
  fsst_decode_all(table, nsym, codes.data, codes.size, data.data(), total);
  data.truncate(total);
  c.buffers.push_back(offsets);
  c.buffers.push_back(data);
  c.validity = validity;
  return c;
}

}  // namespace

GYRE_REGISTER_ENCODING("vortex.fsst", decode_fsst);

}  // namespace gyre
