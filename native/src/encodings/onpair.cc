// vortex.onpair: OnPair short-string compression (a dictionary of ≤ 16-byte tokens; every row is
// a run of token codes). Written by the 0.90 default writer for some Utf8 columns.
//
// Wire format (checked against files written by vortex-data 0.90; the 0.76 snapshot only has an
// experimental version, which additionally wrote `bits` as tag 2):
//   metadata (protobuf OnPairMetadata; an absent ptype is U8 = 0):
//     1 uncompressed_lengths_ptype  PType
//     2 bits                        uint32 (0.76 experimental only; ignored: the codes child is
//                                   already a plain integer array, bit-packing is its own encoding)
//     3 dict_size                   uint32  number of tokens N
//     4 codes_len                   uint64  total number of codes (0.76: total_tokens)
//     5 dict_offsets_ptype          PType
//     6 codes_ptype                 PType
//     7 codes_offsets_ptype         PType
//   buffers:  [dict_bytes]  the N tokens back to back (token i = dict_bytes[off[i], off[i+1])),
//             normally followed by 16 bytes of padding for over-reading decoders
//   children: [dict_offsets: N+1 rows] [codes: codes_len rows] [codes_offsets: len+1 rows]
//             [uncompressed_lengths: len rows] [validity (opt)] — all non-nullable integers
//
// Decode: the codes of rows [0, len) are codes[codes_offsets[0] .. codes_offsets[len]); their
// tokens, concatenated, are the row values back to back, split by uncompressed_lengths (null rows
// have length 0 and no codes). The hot loop copies a fixed 16 bytes per token into an output
// buffer with 16 bytes of slack and advances by the token's length.
#include "common.hpp"

namespace gyre {
namespace {

constexpr uint64_t kMaxToken = 16;

struct OnPairMeta {
  PType lengths_pt = PType::U8;
  uint64_t dict_size = 0;
  uint64_t codes_len = 0;
  PType dict_offsets_pt = PType::U8;
  PType codes_pt = PType::U8;
  PType codes_offsets_pt = PType::U8;
};

OnPairMeta parse_meta(Bytes m) {
  OnPairMeta o;
  pb::Reader r(m);
  pb::Field f;
  while (r.next(f)) {
    switch (f.number) {
      case 1: o.lengths_pt = ptype_from_code(f.varint); break;
      case 3: o.dict_size = f.varint; break;
      case 4: o.codes_len = f.varint; break;
      case 5: o.dict_offsets_pt = ptype_from_code(f.varint); break;
      case 6: o.codes_pt = ptype_from_code(f.varint); break;
      case 7: o.codes_offsets_pt = ptype_from_code(f.varint); break;
      default: break;  // 2 = bits (0.76 experimental), unknown fields
    }
  }
  for (PType p : {o.lengths_pt, o.dict_offsets_pt, o.codes_pt, o.codes_offsets_pt})
    if (!ptype_is_int(p)) corrupt(std::string("vortex.onpair child ptype must be an integer, got ") + ptype_name(p));
  if (o.dict_size > (uint64_t(1) << 32)) corrupt("vortex.onpair dict_size out of range");
  if (o.codes_len > (uint64_t(1) << 40)) throw VortexError(kLimit, "vortex.onpair codes_len too large");
  return o;
}

// Reads integer column `c` as u64 values into `out` (negative values are corrupt) and checks
// they are non-decreasing. Returns the last value (0 when empty).
uint64_t monotonic_u64(const Column& c, std::vector<uint64_t>& out, const char* what) {
  out.resize(c.length);
  uint64_t prev = 0;
  bool bad = false;
  dispatch_int(c.dtype->physical().ptype, [&]<typename T>() {
    const T* p = c.buffers[0].as<T>();
    for (uint64_t i = 0; i < c.length; i++) {
      uint64_t v = uint64_t(p[i]);
      if constexpr (std::is_signed_v<T>) bad |= p[i] < 0;
      bad |= v < prev;
      prev = v;
      out[i] = v;
    }
  });
  if (bad) corrupt(std::string("vortex.onpair ") + what + " not non-decreasing");
  return prev;
}

// First and last value of a non-empty integer column (non-decreasing order is checked separately).
uint64_t value_u64(const Column& c, uint64_t i) {
  uint64_t v = 0;
  dispatch_int(c.dtype->physical().ptype, [&]<typename T>() {
    T x = c.buffers[0].as<T>()[i];
    if constexpr (std::is_signed_v<T>) {
      if (x < 0) corrupt("vortex.onpair negative code offset");
    }
    v = uint64_t(x);
  });
  return v;
}

struct Token {
  uint32_t off;
  uint32_t len;
};

inline void copy16(uint8_t* dst, const uint8_t* src) { std::memcpy(dst, src, 16); }

// Decodes codes [in, in + n) into out[0, cap) (out has 16 bytes of slack past cap); the decoded
// length must be exactly cap. Every token is ≤ 16 bytes and dict is readable 16 bytes past every
// token start.
template <typename C>
void decode_fat(const C* in, uint64_t n, const Token* tok, uint64_t ntok, const uint8_t* dict, uint8_t* out,
                uint64_t cap) {
  const C* ip = in;
  const C* const iend = in + n;
  uint8_t* op = out;
  uint8_t* const oend = out + cap;
  uint8_t* const pend = oend + kMaxToken;
  // Fast region: 8 codes write at most 8 × 16 bytes.
  while (iend - ip >= 8 && pend - op >= 8 * int64_t(kMaxToken)) {
    for (int k = 0; k < 8; k++) {
      uint64_t c = uint64_t(ip[k]);
      if (c >= ntok) [[unlikely]] corrupt("vortex.onpair code out of dictionary range");
      const Token t = tok[c];
      copy16(op, dict + t.off);
      op += t.len;
    }
    ip += 8;
  }
  if (op > oend) corrupt("vortex.onpair decoded more bytes than the uncompressed lengths");
  // Exact tail.
  for (; ip < iend; ip++) {
    uint64_t c = uint64_t(*ip);
    if (c >= ntok) corrupt("vortex.onpair code out of dictionary range");
    const Token t = tok[c];
    if (uint64_t(oend - op) < t.len) corrupt("vortex.onpair decoded more bytes than the uncompressed lengths");
    copy16(op, dict + t.off);  // op + len <= oend, so op + 16 <= pend
    op += t.len;
  }
  if (op != oend) corrupt("vortex.onpair decoded fewer bytes than the uncompressed lengths");
}

// Generic path for dictionaries with tokens longer than 16 bytes (not produced by the reference
// trainer, but valid per the offsets): exact copies.
template <typename C>
void decode_exact(const C* in, uint64_t n, const Token* tok, uint64_t ntok, const uint8_t* dict, uint8_t* out,
                  uint64_t cap) {
  uint64_t pos = 0;
  for (uint64_t i = 0; i < n; i++) {
    uint64_t c = uint64_t(in[i]);
    if (c >= ntok) corrupt("vortex.onpair code out of dictionary range");
    const Token t = tok[c];
    if (cap - pos < t.len) corrupt("vortex.onpair decoded more bytes than the uncompressed lengths");
    std::memcpy(out + pos, dict + t.off, t.len);
    pos += t.len;
  }
  if (pos != cap) corrupt("vortex.onpair decoded fewer bytes than the uncompressed lengths");
}

// Arrow offsets from the per-row uncompressed lengths; returns the total byte count.
Buffer offsets_from_lengths(DecodeCtx& ctx, const Column& lengths, uint64_t len, bool& large, uint64_t& total) {
  total = 0;
  bool bad = false;
  dispatch_int(lengths.dtype->physical().ptype, [&]<typename T>() {
    const T* l = lengths.buffers[0].as<T>();
    for (uint64_t i = 0; i < len; i++) {
      if constexpr (std::is_signed_v<T>) bad |= l[i] < 0;
      if constexpr (sizeof(T) == 8) bad |= uint64_t(l[i]) > (uint64_t(1) << 40);
      total += uint64_t(l[i]);  // each ≤ 2^40 (checked), len ≤ 2^40: no overflow unless bad
    }
  });
  if (bad) corrupt("vortex.onpair uncompressed length negative or too large");
  large = total > 0x7fffffffULL;
  Buffer o = ctx.alloc.alloc((len + 1) * (large ? 8 : 4));
  dispatch_int(lengths.dtype->physical().ptype, [&]<typename T>() {
    const T* l = lengths.buffers[0].as<T>();
    uint64_t pos = 0;
    if (large) {
      int64_t* po = o.as<int64_t>();
      for (uint64_t i = 0; i < len; i++) po[i] = int64_t(pos), pos += uint64_t(l[i]);
      po[len] = int64_t(pos);
    } else {
      int32_t* po = o.as<int32_t>();
      for (uint64_t i = 0; i < len; i++) po[i] = int32_t(pos), pos += uint64_t(l[i]);
      po[len] = int32_t(pos);
    }
  });
  return o;
}

Column decode_onpair(DecodeCtx& ctx, const ArrayNode& node, const DTypePtr& d, uint64_t len) {
  const DType& p = d->physical();
  if (p.kind != DTypeKind::Utf8 && p.kind != DTypeKind::Binary) corrupt("vortex.onpair with dtype " + d->to_string());
  if (node.nbuffers() != 1) corrupt("vortex.onpair expects 1 buffer");
  const uint32_t nc = node.nchildren();
  if (nc != 4 && nc != 5) corrupt("vortex.onpair expects 4 or 5 children");
  const OnPairMeta m = parse_meta(node.metadata());
  Bytes dict = node.buffer(0);

  // Dictionary: N + 1 non-decreasing offsets into dict_bytes.
  std::vector<uint64_t> doff;
  uint64_t dict_end;
  ctx.alloc.charge((m.dict_size + 1) * (sizeof(Token) + sizeof(uint64_t)));  // doff + tok below
  {
    Column c = decode_primitive(ctx, node.child(0), m.dict_offsets_pt, false, m.dict_size + 1);
    dict_end = monotonic_u64(c, doff, "dict_offsets");
  }
  if (dict_end > dict.size) corrupt("vortex.onpair dict_offsets beyond the dictionary bytes");
  const uint64_t ntok = m.dict_size;
  std::vector<Token> tok(ntok + 1);
  uint64_t max_len = 0;
  for (uint64_t i = 0; i < ntok; i++) {
    uint64_t l = doff[i + 1] - doff[i];
    tok[i] = {uint32_t(doff[i]), uint32_t(l)};
    max_len = l > max_len ? l : max_len;
  }
  tok[ntok] = {0, 0};

  // Code window of rows [0, len).
  Column codes_offsets = decode_primitive(ctx, node.child(2), m.codes_offsets_pt, false, len + 1);
  uint64_t cs = value_u64(codes_offsets, 0), ce = value_u64(codes_offsets, len);
  {
    bool bad = false;
    dispatch_int(codes_offsets.dtype->physical().ptype, [&]<typename T>() {
      const T* q = codes_offsets.buffers[0].as<T>();
      for (uint64_t i = 0; i < len; i++) bad |= q[i + 1] < q[i];
    });
    if (bad || cs > ce) corrupt("vortex.onpair codes_offsets not non-decreasing");
  }
  if (ce > m.codes_len) corrupt("vortex.onpair codes_offsets beyond codes_len");

  Column lengths = decode_primitive(ctx, node.child(3), m.lengths_pt, false, len);
  Column c;
  c.dtype = d;
  c.length = len;
  uint64_t total = 0;
  Buffer offsets = offsets_from_lengths(ctx, lengths, len, c.large, total);
  if (static_cast<unsigned __int128>(total) > static_cast<unsigned __int128>(ce - cs) * max_len) corrupt("vortex.onpair uncompressed lengths exceed what the codes can produce");
  Buffer validity = optional_validity(ctx, node, 4, len, *d);

  Column codes = decode_primitive(ctx, node.child(1), m.codes_pt, false, m.codes_len);
  Buffer data = ctx.alloc.alloc(total + kMaxToken);
  // The fast decoder reads 16 bytes at every token start: use the file's bytes when their padding
  // allows it, otherwise a padded copy.
  const uint8_t* dict_ptr = dict.data;
  Buffer dict_copy;
  if (max_len <= kMaxToken && ntok > 0 && doff[ntok - 1] + kMaxToken > dict.size) {
    dict_copy = ctx.alloc.zeros(dict_end + kMaxToken);
    if (dict_end) std::memcpy(dict_copy.data(), dict.data, dict_end);
    dict_ptr = dict_copy.data();
  }
  dispatch_int(m.codes_pt, [&]<typename T>() {
    const T* in = codes.buffers[0].as<T>() + cs;
    if (max_len <= kMaxToken)
      decode_fat(in, ce - cs, tok.data(), ntok, dict_ptr, data.data(), total);
    else
      decode_exact(in, ce - cs, tok.data(), ntok, dict_ptr, data.data(), total);
  });
  data.truncate(total);
  c.buffers.push_back(offsets);
  c.buffers.push_back(data);
  c.validity = validity;
  return c;
}

}  // namespace

GYRE_REGISTER_ENCODING("vortex.onpair", decode_onpair);

}  // namespace gyre
