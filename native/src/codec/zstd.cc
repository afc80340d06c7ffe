// Zstandard decompressor written from RFC 8878 ("Zstandard Compression and the
// 'application/zstd' Media Type").
//
// Design notes
// - The whole output of a frame is kept in `out`, so match offsets are resolved against the
//   frame's own output plus the dictionary content; no separate window buffer is allocated.
// - Backward bitstreams (Huffman and FSE sequence streams) are read through a reader whose position
//   may run past the beginning of the stream: bits outside the stream read as zero, every load is
//   bounds-checked, and the final position is verified, so corrupt input can only produce an error.
// - All tables have fixed maximum sizes and every state / index derived from input is in range by
//   construction (see build_fse / build_huffman).
#include "zstd.hpp"

#include <array>
#include <bit>
#include <cstring>
#include <memory>
#include <new>

namespace gyre::codec {
namespace {

constexpr uint32_t kFrameMagic = 0xFD2FB528u;
constexpr uint32_t kDictMagic = 0xEC30A437u;
constexpr uint32_t kSkippableMask = 0xFFFFFFF0u;
constexpr uint32_t kSkippableMagic = 0x184D2A50u;
constexpr size_t kBlockMax = 128 * 1024;  // Block_Maximum_Size upper bound
constexpr size_t kSlack = 32;             // scratch bytes past the logical end for wide copies

// ---------------------------------------------------------------------------------------------
// Little-endian loads
// ---------------------------------------------------------------------------------------------
inline uint64_t load_le64(const uint8_t* p) {
  uint64_t v;
  std::memcpy(&v, p, 8);
  if constexpr (std::endian::native == std::endian::big) {
    uint64_t r = 0;
    for (int i = 0; i < 8; i++) r |= static_cast<uint64_t>(p[i]) << (8 * i);
    v = r;
  }
  return v;
}
inline uint32_t load_le32(const uint8_t* p) {
  return static_cast<uint32_t>(p[0]) | (static_cast<uint32_t>(p[1]) << 8) |
         (static_cast<uint32_t>(p[2]) << 16) | (static_cast<uint32_t>(p[3]) << 24);
}
inline uint32_t load_le24(const uint8_t* p) {
  return static_cast<uint32_t>(p[0]) | (static_cast<uint32_t>(p[1]) << 8) |
         (static_cast<uint32_t>(p[2]) << 16);
}
inline uint32_t load_le16(const uint8_t* p) {
  return static_cast<uint32_t>(p[0]) | (static_cast<uint32_t>(p[1]) << 8);
}
inline unsigned highbit32(uint32_t v) {  // v != 0
  return static_cast<unsigned>(std::bit_width(v)) - 1;
}
inline uint64_t low_mask(unsigned n) { return (uint64_t{1} << n) - 1; }  // n <= 63

// ---------------------------------------------------------------------------------------------
// XXH64
// ---------------------------------------------------------------------------------------------
constexpr uint64_t P1 = 0x9E3779B185EBCA87ull;
constexpr uint64_t P2 = 0xC2B2AE3D27D4EB4Full;
constexpr uint64_t P3 = 0x165667B19E3779F9ull;
constexpr uint64_t P4 = 0x85EBCA77C2B2AE63ull;
constexpr uint64_t P5 = 0x27D4EB2F165667C5ull;

inline uint64_t xxh_round(uint64_t acc, uint64_t input) {
  acc += input * P2;
  acc = std::rotl(acc, 31);
  return acc * P1;
}
inline uint64_t xxh_merge(uint64_t acc, uint64_t val) {
  acc ^= xxh_round(0, val);
  return acc * P1 + P4;
}

// ---------------------------------------------------------------------------------------------
// Bit readers
// ---------------------------------------------------------------------------------------------

// Forward (little-endian, LSB first) reader used for FSE table descriptions. Bits past the end
// read as zero; the caller checks bytes_used() against the available size afterwards.
struct FwdBits {
  const uint8_t* p;
  size_t n;
  uint64_t bitpos = 0;
  FwdBits(const uint8_t* data, size_t len) : p(data), n(len) {}
  uint32_t peek(unsigned nb) const {  // nb <= 24
    uint64_t byte = bitpos >> 3;
    uint32_t v = 0;
    for (unsigned i = 0; i < 4; i++) {
      uint64_t idx = byte + i;
      if (idx < n) v |= static_cast<uint32_t>(p[idx]) << (8 * i);
    }
    return static_cast<uint32_t>((v >> (bitpos & 7)) & low_mask(nb));
  }
  void skip(unsigned nb) { bitpos += nb; }
  uint32_t read(unsigned nb) {
    uint32_t v = peek(nb);
    skip(nb);
    return v;
  }
  uint64_t bytes_used() const { return (bitpos + 7) >> 3; }
};

// Backward reader (RFC 8878 section 4.1): the stream is read from its last byte towards its first;
// the highest set bit of the last byte is a marker. `pos` counts the bits not yet consumed and may
// become negative when corrupt data over-reads (those bits read as zero).
struct RevBits {
  const uint8_t* d = nullptr;
  int64_t n = 0;
  int64_t fast_lim = -1;  // largest byte index at which an 8-byte load stays in bounds
  int64_t pos = 0;

  bool init(const uint8_t* data, size_t len) {
    if (len == 0) return false;
    uint8_t last = data[len - 1];
    if (last == 0) return false;
    d = data;
    n = static_cast<int64_t>(len);
    fast_lim = n - 8;
    pos = (n - 1) * 8 + static_cast<int64_t>(highbit32(last));
    return true;
  }
  // 64-bit value whose bit 0 is stream bit q; at least 57 meaningful bits.
  inline uint64_t window(int64_t q) const {
    int64_t b = q >> 3;  // floor division (arithmetic shift)
    unsigned sh = static_cast<unsigned>(q & 7);
    if (b >= 0 && b <= fast_lim) return load_le64(d + b) >> sh;
    uint64_t v = 0;
    for (int64_t i = 0; i < 8; i++) {
      int64_t idx = b + i;
      if (idx >= 0 && idx < n) v |= static_cast<uint64_t>(d[idx]) << (8 * i);
    }
    return v >> sh;
  }
  inline uint64_t read(unsigned nb) {  // nb <= 56
    pos -= nb;
    return window(pos) & low_mask(nb);
  }

  // Cached window: after refill(), the 56 bits below pos are available to fast_read()/fast_peek()
  // without further loads. Callers must not consume more than 56 bits between refills.
  int64_t q0 = 0;
  uint64_t w = 0;
  inline void refill() {
    q0 = pos - 56;
    w = window(q0);
  }
  inline unsigned cached() const { return static_cast<unsigned>(pos - q0); }
  inline uint64_t fast_read(unsigned nb) {
    pos -= nb;
    return (w >> (pos - q0)) & low_mask(nb);
  }
  inline uint64_t fast_peek(unsigned nb) const { return (w >> (pos - q0 - nb)) & low_mask(nb); }
};

// ---------------------------------------------------------------------------------------------
// FSE tables
// ---------------------------------------------------------------------------------------------
struct FseEntry {
  uint16_t base;  // baseline for the next state
  uint8_t sym;
  uint8_t nb;  // bits to read for the next state
};

struct FseTable {
  unsigned log = 0;
  std::array<FseEntry, 512> e;  // entries [0, 1 << log) are always written before use
};

constexpr unsigned kMaxSym = 255;

// Reads an FSE table description (RFC 8878 4.1.1). On success fills norm[0..nsym) and sets used.
bool read_fse_desc(const uint8_t* p, size_t avail, unsigned max_log, unsigned max_sym,
                   int16_t* norm, unsigned& nsym, unsigned& log, size_t& used) {
  FwdBits br(p, avail);
  log = br.read(4) + 5;
  if (log > max_log) return false;
  int remaining = (1 << log) + 1;
  int threshold = 1 << log;
  unsigned nbits = log + 1;
  unsigned s = 0;
  while (remaining > 1) {
    if (s > max_sym) return false;
    int max = 2 * threshold - 1 - remaining;
    int v = static_cast<int>(br.peek(nbits));
    int count;
    if ((v & (threshold - 1)) < max) {
      count = v & (threshold - 1);
      br.skip(nbits - 1);
    } else {
      count = v;
      if (count >= threshold) count -= max;
      br.skip(nbits);
    }
    count -= 1;  // value 0 means probability "less than 1" (-1)
    remaining -= count < 0 ? -count : count;
    norm[s++] = static_cast<int16_t>(count);
    if (count == 0) {
      for (;;) {
        unsigned rep = br.read(2);
        for (unsigned k = 0; k < rep; k++) {
          if (s > max_sym) return false;
          norm[s++] = 0;
        }
        if (rep != 3) break;
      }
    }
    if (remaining < 1) return false;
    while (remaining < threshold) {
      nbits--;
      threshold >>= 1;
    }
  }
  if (remaining != 1) return false;
  if (br.bytes_used() > avail) return false;
  used = static_cast<size_t>(br.bytes_used());
  nsym = s;
  return true;
}

// Builds a decoding table from normalized counts (RFC 8878 4.1.1).
bool build_fse(FseTable& t, const int16_t* norm, unsigned nsym, unsigned log) {
  if (log > 9 || nsym == 0 || nsym > kMaxSym + 1) return false;
  const unsigned size = 1u << log;
  uint32_t total = 0;
  bool any_positive = false;
  for (unsigned s = 0; s < nsym; s++) {
    if (norm[s] < -1) return false;
    if (norm[s] == -1) {
      total += 1;
    } else {
      total += static_cast<uint32_t>(norm[s]);
      if (norm[s] > 0) any_positive = true;
    }
  }
  if (total != size) return false;
  uint16_t next[kMaxSym + 1];
  int high = static_cast<int>(size) - 1;
  for (unsigned s = 0; s < nsym; s++) {
    if (norm[s] == -1) {
      t.e[static_cast<unsigned>(high--)].sym = static_cast<uint8_t>(s);
      next[s] = 1;
    } else {
      next[s] = static_cast<uint16_t>(norm[s]);
    }
  }
  if (any_positive) {
    const unsigned mask = size - 1;
    const unsigned step = (size >> 1) + (size >> 3) + 3;
    unsigned pos = 0;
    for (unsigned s = 0; s < nsym; s++) {
      for (int i = 0; i < norm[s]; i++) {
        t.e[pos].sym = static_cast<uint8_t>(s);
        unsigned guard = 0;
        do {
          pos = (pos + step) & mask;
          if (++guard > size) return false;
        } while (static_cast<int>(pos) > high);
      }
    }
    if (pos != 0) return false;
  }
  for (unsigned u = 0; u < size; u++) {
    unsigned s = t.e[u].sym;
    uint32_t x = next[s]++;
    unsigned nb = log - highbit32(x);
    t.e[u].nb = static_cast<uint8_t>(nb);
    t.e[u].base = static_cast<uint16_t>((x << nb) - size);
  }
  t.log = log;
  return true;
}

void build_rle(FseTable& t, uint8_t sym) {
  t.log = 0;
  t.e[0] = FseEntry{0, sym, 0};
}

// ---------------------------------------------------------------------------------------------
// Sequence code tables (RFC 8878 3.1.1.3.2.1)
// ---------------------------------------------------------------------------------------------
constexpr unsigned kLLMaxSym = 35, kMLMaxSym = 52, kOFMaxSym = 31;
constexpr unsigned kLLMaxLog = 9, kMLMaxLog = 9, kOFMaxLog = 8;

constexpr uint32_t kLLBase[36] = {0,  1,  2,   3,   4,   5,   6,    7,    8,    9,     10,    11,
                                  12, 13, 14,  15,  16,  18,  20,   22,   24,   28,    32,    40,
                                  48, 64, 128, 256, 512, 1024, 2048, 4096, 8192, 16384, 32768, 65536};
constexpr uint8_t kLLBits[36] = {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,  0,  0,  0,  0,  0,  1,  1,
                                 1, 1, 2, 2, 3, 3, 4, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16};
constexpr uint32_t kMLBase[53] = {
    3,  4,  5,  6,  7,  8,  9,  10, 11, 12,  13,  14,  15,  16,   17,   18,   19,   20,
    21, 22, 23, 24, 25, 26, 27, 28, 29, 30,  31,  32,  33,  34,   35,   37,   39,   41,
    43, 47, 51, 59, 67, 83, 99, 131, 259, 515, 1027, 2051, 4099, 8195, 16387, 32771, 65539};
constexpr uint8_t kMLBits[53] = {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
                                 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1, 1, 1, 1,
                                 2, 2, 3, 3, 4, 4, 5, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16};

constexpr int16_t kLLDefault[36] = {4, 3, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 1, 1, 1,
                                    2, 2, 2, 2, 2, 2, 2, 2, 2, 3, 2, 1, 1, 1, 1, 1,
                                    -1, -1, -1, -1};
constexpr int16_t kMLDefault[53] = {1, 4, 3, 2, 2, 2, 2, 2, 2, 1, 1,  1,  1,  1,  1,  1,  1,  1,
                                    1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1,  1,  1,  1,  1,  1,  1,  1,
                                    1, 1, 1, 1, 1, 1, 1, 1, 1, 1, -1, -1, -1, -1, -1, -1, -1};
constexpr int16_t kOFDefault[29] = {1, 1, 1, 1, 1, 1, 2, 2, 2, 1,  1,  1,  1,  1, 1,
                                    1, 1, 1, 1, 1, 1, 1, 1, 1, -1, -1, -1, -1, -1};

struct DefaultTables {
  FseTable ll, ml, of;
  bool ok = false;
};

const DefaultTables& default_tables() {
  static const DefaultTables t = [] {
    DefaultTables d;
    bool a = build_fse(d.ll, kLLDefault, 36, 6);
    bool b = build_fse(d.ml, kMLDefault, 53, 6);
    bool c = build_fse(d.of, kOFDefault, 29, 5);
    d.ok = a && b && c;
    return d;
  }();
  return t;
}

// ---------------------------------------------------------------------------------------------
// Huffman tables
// ---------------------------------------------------------------------------------------------
constexpr unsigned kHufMaxBits = 11;

struct HufTable {
  unsigned max_bits = 0;
  std::array<uint16_t, 1u << kHufMaxBits> e;  // (nbBits << 8) | symbol; [0, 1 << max_bits) valid
};

// weights[0..nw) explicit, last weight implied (RFC 8878 4.2.1).
bool build_huffman(HufTable& t, uint8_t* w, unsigned nw) {
  if (nw == 0 || nw > 255) return false;
  uint32_t count[16] = {};
  uint32_t total = 0;
  for (unsigned i = 0; i < nw; i++) {
    if (w[i] > kHufMaxBits) return false;
    count[w[i]]++;
    if (w[i]) total += 1u << (w[i] - 1);
  }
  if (total == 0) return false;
  unsigned max_bits = highbit32(total) + 1;
  if (max_bits > kHufMaxBits) return false;
  uint32_t rest = (1u << max_bits) - total;
  if (rest == 0 || (rest & (rest - 1)) != 0) return false;
  unsigned last = highbit32(rest) + 1;
  w[nw] = static_cast<uint8_t>(last);
  count[last]++;
  const unsigned nsym = nw + 1;
  uint32_t start[16] = {};
  uint32_t p = 0;
  for (unsigned wt = 1; wt <= max_bits; wt++) {
    start[wt] = p;
    p += count[wt] << (wt - 1);
  }
  if (p != (1u << max_bits)) return false;
  for (unsigned s = 0; s < nsym; s++) {
    unsigned wt = w[s];
    if (!wt) continue;
    uint32_t len = 1u << (wt - 1);
    uint16_t entry = static_cast<uint16_t>(((max_bits + 1 - wt) << 8) | s);
    uint32_t b = start[wt];
    for (uint32_t k = 0; k < len; k++) t.e[b + k] = entry;
    start[wt] = b + len;
  }
  t.max_bits = max_bits;
  return true;
}

// Huffman tree description (RFC 8878 4.2.1): header byte, then direct 4-bit weights or
// FSE-compressed weights.
bool read_huffman_desc(const uint8_t* p, size_t avail, HufTable& t, size_t& used) {
  if (avail < 1) return false;
  const unsigned hb = p[0];
  uint8_t w[257] = {};
  unsigned nw = 0;
  if (hb >= 128) {
    nw = hb - 127;
    size_t nbytes = (nw + 1) / 2;
    if (1 + nbytes > avail) return false;
    for (unsigned i = 0; i < nw; i++) {
      uint8_t byte = p[1 + i / 2];
      w[i] = (i & 1) ? (byte & 15) : (byte >> 4);
    }
    used = 1 + nbytes;
  } else {
    const size_t cs = hb;
    if (cs == 0 || 1 + cs > avail) return false;
    const uint8_t* q = p + 1;
    int16_t norm[kMaxSym + 1];
    unsigned nsym = 0, log = 0;
    size_t desc = 0;
    if (!read_fse_desc(q, cs, 6, kMaxSym, norm, nsym, log, desc)) return false;
    FseTable ft;
    if (!build_fse(ft, norm, nsym, log)) return false;
    RevBits br;
    if (!br.init(q + desc, cs - desc)) return false;
    uint32_t s1 = static_cast<uint32_t>(br.read(log));
    uint32_t s2 = static_cast<uint32_t>(br.read(log));
    if (br.pos < 0) return false;
    // Two interleaved states; decoding stops once the stream is over-consumed, at which point the
    // other state's symbol is the final one.
    for (;;) {
      if (nw >= 255) return false;
      w[nw++] = ft.e[s1].sym;
      s1 = ft.e[s1].base + static_cast<uint32_t>(br.read(ft.e[s1].nb));
      if (br.pos < 0) {
        if (nw >= 255) return false;
        w[nw++] = ft.e[s2].sym;
        break;
      }
      if (nw >= 255) return false;
      w[nw++] = ft.e[s2].sym;
      s2 = ft.e[s2].base + static_cast<uint32_t>(br.read(ft.e[s2].nb));
      if (br.pos < 0) {
        if (nw >= 255) return false;
        w[nw++] = ft.e[s1].sym;
        break;
      }
    }
    used = 1 + cs;
  }
  return build_huffman(t, w, nw);
}

// ---------------------------------------------------------------------------------------------
// Dictionary
// ---------------------------------------------------------------------------------------------
struct Dictionary {
  const uint8_t* content = nullptr;
  size_t content_len = 0;
  uint32_t id = 0;
  bool has_entropy = false;
  HufTable huf;
  FseTable ll, ml, of;
  uint32_t rep[3] = {1, 4, 8};
};

// ---------------------------------------------------------------------------------------------
// Decoder
// ---------------------------------------------------------------------------------------------
class Decoder {
 public:
  Decoder(std::vector<uint8_t>& out, size_t limit, std::string& err)
      : out_(out), limit_(limit), err_(err) {}

  bool load_dictionary(const uint8_t* dict, size_t dict_len);
  bool run(const uint8_t* src, size_t src_len);
  size_t size() const { return cur_; }

 private:
  bool fail(const char* msg) {
    err_ = msg;
    return false;
  }
  bool decode_frame(const uint8_t* src, size_t len, size_t& consumed);
  bool decode_compressed_block(const uint8_t* p, size_t len, size_t flimit, bool fcs_limited);
  bool decode_literals(const uint8_t* p, size_t len, size_t& used);
  bool decode_huffman_streams(const uint8_t* p, size_t len, size_t regen, bool four);
  bool setup_table(unsigned mode, const uint8_t* p, size_t avail, size_t& used, FseTable& store,
                   const FseTable*& cur, const FseTable& predefined, unsigned max_log,
                   unsigned max_sym);
  bool ensure_output(size_t needed_size);
  void reserve_output(size_t total) {
    if (total > limit_ + kSlack) total = limit_ + kSlack;
    if (out_.capacity() < total) out_.reserve(total);
  }
  bool overflow_error(bool fcs_limited, size_t flimit) {
    if (fcs_limited && flimit < limit_) return fail("zstd: frame content size mismatch");
    return fail("zstd: output exceeds max_output");
  }

  std::vector<uint8_t>& out_;
  size_t limit_;  // maximum logical size of out_
  std::string& err_;
  size_t cur_ = 0;  // logical size of out_ (out_.size() may be larger by scratch space)
  size_t frame_start_ = 0;

  Dictionary dict_;

  // Per-frame entropy state.
  HufTable huf_store_;
  const HufTable* huf_ = nullptr;
  FseTable ll_store_, ml_store_, of_store_;
  const FseTable* ll_ = nullptr;
  const FseTable* ml_ = nullptr;
  const FseTable* of_ = nullptr;
  uint32_t rep_[3] = {1, 4, 8};

  // Literals of the current block, followed by >= kSlack readable bytes for wide copies.
  std::vector<uint8_t> lit_;
  void ensure_literals(size_t n) {
    if (lit_.size() < n + kSlack) lit_.resize(n + kSlack);
  }
  size_t lit_len_ = 0;

 public:
  void init_cur() { cur_ = out_.size(); }
};

bool Decoder::load_dictionary(const uint8_t* dict, size_t dict_len) {
  if (dict == nullptr || dict_len == 0) return true;
  if (dict_len < 8 || load_le32(dict) != kDictMagic) {
    dict_.content = dict;
    dict_.content_len = dict_len;
    return true;
  }
  dict_.id = load_le32(dict + 4);
  const uint8_t* p = dict + 8;
  size_t avail = dict_len - 8;
  size_t used = 0;
  if (!read_huffman_desc(p, avail, dict_.huf, used)) return fail("zstd: corrupt dictionary");
  p += used;
  avail -= used;
  int16_t norm[kMaxSym + 1];
  unsigned nsym = 0, log = 0;
  struct Spec {
    FseTable* t;
    unsigned max_log, max_sym;
  } specs[3] = {{&dict_.of, kOFMaxLog, kOFMaxSym},
                {&dict_.ml, kMLMaxLog, kMLMaxSym},
                {&dict_.ll, kLLMaxLog, kLLMaxSym}};
  for (const Spec& s : specs) {
    if (!read_fse_desc(p, avail, s.max_log, s.max_sym, norm, nsym, log, used) ||
        !build_fse(*s.t, norm, nsym, log))
      return fail("zstd: corrupt dictionary");
    p += used;
    avail -= used;
  }
  if (avail < 12) return fail("zstd: corrupt dictionary");
  for (int i = 0; i < 3; i++) dict_.rep[i] = load_le32(p + 4 * i);
  p += 12;
  avail -= 12;
  dict_.content = p;
  dict_.content_len = avail;
  for (int i = 0; i < 3; i++)
    if (dict_.rep[i] == 0 || dict_.rep[i] > dict_.content_len)
      return fail("zstd: corrupt dictionary");
  dict_.has_entropy = true;
  return true;
}

// Makes sure out_.size() >= needed_size (needed_size <= limit_ + kSlack), growing capacity
// geometrically but never beyond limit_ + kSlack.
bool Decoder::ensure_output(size_t needed_size) {
  if (out_.size() >= needed_size) return true;
  size_t cap_limit = limit_ + kSlack;
  if (out_.capacity() < needed_size) {
    size_t c = out_.capacity();
    size_t want = c > cap_limit / 2 ? cap_limit : 2 * c;
    if (want < needed_size) want = needed_size;
    if (want > cap_limit) want = cap_limit;
    if (want < needed_size) return fail("zstd: output exceeds max_output");
    out_.reserve(want);
  }
  out_.resize(needed_size);
  return true;
}

bool Decoder::run(const uint8_t* src, size_t src_len) {
  size_t ip = 0;
  while (ip < src_len) {
    size_t rem = src_len - ip;
    if (rem < 4) return fail("zstd: truncated frame header");
    uint32_t magic = load_le32(src + ip);
    if ((magic & kSkippableMask) == kSkippableMagic) {
      if (rem < 8) return fail("zstd: truncated skippable frame");
      uint32_t sz = load_le32(src + ip + 4);
      if (sz > rem - 8) return fail("zstd: truncated skippable frame");
      ip += 8 + static_cast<size_t>(sz);
      continue;
    }
    if (magic != kFrameMagic) return fail("zstd: unknown frame magic");
    size_t consumed = 0;
    if (!decode_frame(src + ip, rem, consumed)) return false;
    ip += consumed;
  }
  return true;
}

bool Decoder::decode_frame(const uint8_t* src, size_t len, size_t& consumed) {
  if (len < 5) return fail("zstd: truncated frame header");
  const uint8_t fhd = src[4];
  const unsigned fcs_flag = fhd >> 6;
  const bool single = (fhd >> 5) & 1;
  const bool has_checksum = (fhd >> 2) & 1;
  const unsigned did_flag = fhd & 3;
  if ((fhd >> 3) & 1) return fail("zstd: reserved frame header bit set");
  static constexpr unsigned kDidSize[4] = {0, 1, 2, 4};
  static constexpr unsigned kFcsSize[4] = {0, 2, 4, 8};
  const unsigned did_size = kDidSize[did_flag];
  const unsigned fcs_size = fcs_flag == 0 ? (single ? 1u : 0u) : kFcsSize[fcs_flag];
  size_t hdr = 5 + (single ? 0 : 1) + did_size + fcs_size;
  if (hdr > len) return fail("zstd: truncated frame header");
  size_t ip = 5;
  if (!single) {
    ip++;  // Window_Descriptor: not needed, the whole frame output stays addressable.
  }
  uint32_t did = 0;
  if (did_size == 1) did = src[ip];
  if (did_size == 2) did = load_le16(src + ip);
  if (did_size == 4) did = load_le32(src + ip);
  ip += did_size;
  uint64_t fcs = 0;
  bool has_fcs = fcs_size != 0;
  if (fcs_size == 1) fcs = src[ip];
  if (fcs_size == 2) fcs = load_le16(src + ip) + 256u;
  if (fcs_size == 4) fcs = load_le32(src + ip);
  if (fcs_size == 8) fcs = load_le64(src + ip);
  ip += fcs_size;

  if (did != 0 && dict_.has_entropy && dict_.id != 0 && did != dict_.id)
    return fail("zstd: dictionary ID mismatch");

  // Per-frame state from the dictionary (or defaults).
  frame_start_ = cur_;
  if (dict_.has_entropy) {
    huf_ = &dict_.huf;
    ll_ = &dict_.ll;
    ml_ = &dict_.ml;
    of_ = &dict_.of;
    for (int i = 0; i < 3; i++) rep_[i] = dict_.rep[i];
  } else {
    huf_ = nullptr;
    ll_ = ml_ = of_ = nullptr;
    rep_[0] = 1;
    rep_[1] = 4;
    rep_[2] = 8;
  }

  size_t flimit = limit_;
  if (has_fcs) {
    if (fcs > limit_ - cur_) return fail("zstd: output exceeds max_output");
    flimit = cur_ + static_cast<size_t>(fcs);
    // Reserve up front, but only as much as the remaining input could possibly produce (every
    // block takes >= 4 input bytes and yields <= kBlockMax bytes): a corrupt header must not cause
    // a huge allocation.
    const uint64_t plausible = (static_cast<uint64_t>(len) / 4 + 1) * kBlockMax;
    const uint64_t want = fcs < plausible ? fcs : plausible;
    reserve_output(cur_ + static_cast<size_t>(want) + kSlack);
  }

  for (;;) {
    if (len - ip < 3) return fail("zstd: truncated block header");
    uint32_t bh = load_le24(src + ip);
    ip += 3;
    const bool last = bh & 1;
    const unsigned type = (bh >> 1) & 3;
    const size_t bsize = bh >> 3;
    if (type == 3) return fail("zstd: reserved block type");
    if (bsize > kBlockMax) return fail("zstd: block too large");
    if (type == 0) {  // Raw
      if (bsize > len - ip) return fail("zstd: truncated block");
      if (bsize > flimit - cur_) return overflow_error(has_fcs, flimit);
      if (!ensure_output(cur_ + bsize + kSlack)) return false;
      if (bsize) std::memcpy(out_.data() + cur_, src + ip, bsize);
      cur_ += bsize;
      ip += bsize;
    } else if (type == 1) {  // RLE
      if (len - ip < 1) return fail("zstd: truncated block");
      if (bsize > flimit - cur_) return overflow_error(has_fcs, flimit);
      if (!ensure_output(cur_ + bsize + kSlack)) return false;
      if (bsize) std::memset(out_.data() + cur_, src[ip], bsize);
      cur_ += bsize;
      ip += 1;
    } else {  // Compressed
      if (bsize > len - ip) return fail("zstd: truncated block");
      if (!decode_compressed_block(src + ip, bsize, flimit, has_fcs)) return false;
      ip += bsize;
    }
    if (last) break;
  }
  if (has_fcs && cur_ - frame_start_ != fcs) return fail("zstd: frame content size mismatch");
  if (has_checksum) {
    if (len - ip < 4) return fail("zstd: truncated checksum");
    uint32_t want = load_le32(src + ip);
    ip += 4;
    uint64_t h = xxhash64(out_.data() + frame_start_, cur_ - frame_start_, 0);
    if (static_cast<uint32_t>(h) != want) return fail("zstd: checksum mismatch");
  }
  consumed = ip;
  return true;
}

bool Decoder::decode_literals(const uint8_t* p, size_t len, size_t& used) {
  if (len < 1) return fail("zstd: corrupt literals header");
  const unsigned type = p[0] & 3;
  const unsigned sf = (p[0] >> 2) & 3;
  if (type <= 1) {
    size_t lh, regen;
    if (sf == 0 || sf == 2) {
      lh = 1;
      regen = p[0] >> 3;
    } else if (sf == 1) {
      if (len < 2) return fail("zstd: corrupt literals header");
      lh = 2;
      regen = (p[0] >> 4) + (static_cast<size_t>(p[1]) << 4);
    } else {
      if (len < 3) return fail("zstd: corrupt literals header");
      lh = 3;
      regen = (p[0] >> 4) + (static_cast<size_t>(p[1]) << 4) + (static_cast<size_t>(p[2]) << 12);
    }
    if (regen > kBlockMax) return fail("zstd: corrupt literals header");
    ensure_literals(regen);
    if (type == 0) {
      if (regen > len - lh) return fail("zstd: truncated literals");
      if (regen) std::memcpy(lit_.data(), p + lh, regen);
      used = lh + regen;
    } else {
      if (len - lh < 1) return fail("zstd: truncated literals");
      std::memset(lit_.data(), p[lh], regen);
      used = lh + 1;
    }
    lit_len_ = regen;
    return true;
  }
  size_t lh;
  size_t regen, csize;
  bool four = sf != 0;
  if (sf <= 1) {
    lh = 3;
    if (len < lh) return fail("zstd: corrupt literals header");
    uint32_t h = load_le24(p);
    regen = (h >> 4) & 0x3FF;
    csize = (h >> 14) & 0x3FF;
  } else if (sf == 2) {
    lh = 4;
    if (len < lh) return fail("zstd: corrupt literals header");
    uint32_t h = load_le32(p);
    regen = (h >> 4) & 0x3FFF;
    csize = (h >> 18) & 0x3FFF;
  } else {
    lh = 5;
    if (len < lh) return fail("zstd: corrupt literals header");
    uint64_t h = load_le32(p) | (static_cast<uint64_t>(p[4]) << 32);
    regen = (h >> 4) & 0x3FFFF;
    csize = (h >> 22) & 0x3FFFF;
  }
  if (regen > kBlockMax) return fail("zstd: corrupt literals header");
  if (csize > len - lh) return fail("zstd: truncated literals");
  ensure_literals(regen);
  const uint8_t* q = p + lh;
  size_t rem = csize;
  if (type == 2) {
    size_t u = 0;
    if (!read_huffman_desc(q, rem, huf_store_, u)) return fail("zstd: corrupt huffman table");
    huf_ = &huf_store_;
    q += u;
    rem -= u;
  } else if (huf_ == nullptr) {
    return fail("zstd: treeless literals without a previous huffman table");
  }
  if (!decode_huffman_streams(q, rem, regen, four)) return false;
  lit_len_ = regen;
  used = lh + csize;
  return true;
}

bool Decoder::decode_huffman_streams(const uint8_t* p, size_t len, size_t regen, bool four) {
  const HufTable& t = *huf_;
  const unsigned mb = t.max_bits;
  const uint64_t mask = low_mask(mb);
  const uint16_t* tab = t.e.data();
  uint8_t* o = lit_.data();
  auto dec = [&](RevBits& b) -> uint8_t {
    uint16_t e = tab[b.window(b.pos - static_cast<int64_t>(mb)) & mask];
    b.pos -= e >> 8;
    return static_cast<uint8_t>(e);
  };
  if (!four) {
    RevBits b;
    if (!b.init(p, len)) return fail("zstd: corrupt huffman stream");
    size_t i = 0;
    for (; i + 5 <= regen; i += 5) {
      b.refill();
      for (size_t k = i; k < i + 5; k++) {
        uint16_t e = tab[b.fast_peek(mb)];
        b.pos -= e >> 8;
        o[k] = static_cast<uint8_t>(e);
      }
    }
    for (; i < regen; i++) o[i] = dec(b);
    if (b.pos != 0) return fail("zstd: corrupt huffman stream");
    return true;
  }
  if (len < 6) return fail("zstd: corrupt huffman jump table");
  size_t s1 = load_le16(p), s2 = load_le16(p + 2), s3 = load_le16(p + 4);
  size_t total = len - 6;
  if (s1 + s2 + s3 > total) return fail("zstd: corrupt huffman jump table");
  size_t s4 = total - s1 - s2 - s3;
  size_t seg = (regen + 3) / 4;
  if (3 * seg > regen) return fail("zstd: corrupt literals header");
  size_t seg4 = regen - 3 * seg;
  const uint8_t* d = p + 6;
  RevBits b1, b2, b3, b4;
  if (!b1.init(d, s1) || !b2.init(d + s1, s2) || !b3.init(d + s1 + s2, s3) ||
      !b4.init(d + s1 + s2 + s3, s4))
    return fail("zstd: corrupt huffman stream");
  uint8_t* o1 = o;
  uint8_t* o2 = o + seg;
  uint8_t* o3 = o + 2 * seg;
  uint8_t* o4 = o + 3 * seg;
  size_t i = 0;
  // Fast path: one load per stream yields 56 bits, enough for 5 symbols of <= 11 bits.
  auto fdec = [&](RevBits& b) -> uint8_t {
    uint16_t e = tab[b.fast_peek(mb)];
    b.pos -= e >> 8;
    return static_cast<uint8_t>(e);
  };
  for (; i + 5 <= seg4; i += 5) {
    b1.refill();
    b2.refill();
    b3.refill();
    b4.refill();
    for (size_t k = i; k < i + 5; k++) {
      o1[k] = fdec(b1);
      o2[k] = fdec(b2);
      o3[k] = fdec(b3);
      o4[k] = fdec(b4);
    }
  }
  for (; i < seg4; i++) {
    o1[i] = dec(b1);
    o2[i] = dec(b2);
    o3[i] = dec(b3);
    o4[i] = dec(b4);
  }
  for (; i < seg; i++) {
    o1[i] = dec(b1);
    o2[i] = dec(b2);
    o3[i] = dec(b3);
  }
  if (b1.pos != 0 || b2.pos != 0 || b3.pos != 0 || b4.pos != 0)
    return fail("zstd: corrupt huffman stream");
  return true;
}

bool Decoder::setup_table(unsigned mode, const uint8_t* p, size_t avail, size_t& used,
                          FseTable& store, const FseTable*& cur, const FseTable& predefined,
                          unsigned max_log, unsigned max_sym) {
  used = 0;
  switch (mode) {
    case 0:
      cur = &predefined;
      return true;
    case 1:
      if (avail < 1) return fail("zstd: truncated sequences header");
      if (p[0] > max_sym) return fail("zstd: corrupt sequences header");
      build_rle(store, p[0]);
      cur = &store;
      used = 1;
      return true;
    case 2: {
      int16_t norm[kMaxSym + 1];
      unsigned nsym = 0, log = 0;
      if (!read_fse_desc(p, avail, max_log, max_sym, norm, nsym, log, used) ||
          !build_fse(store, norm, nsym, log))
        return fail("zstd: corrupt FSE table");
      cur = &store;
      return true;
    }
    default:
      if (cur == nullptr) return fail("zstd: repeat FSE table without a previous table");
      return true;
  }
}

bool Decoder::decode_compressed_block(const uint8_t* p, size_t len, size_t flimit,
                                      bool fcs_limited) {
  size_t used = 0;
  if (!decode_literals(p, len, used)) return false;
  p += used;
  len -= used;

  // Output space for this block.
  const size_t avail_out = flimit - cur_;
  const size_t cap = avail_out < kBlockMax ? avail_out : kBlockMax;
  if (!ensure_output(cur_ + cap + kSlack)) return false;
  uint8_t* const ob = out_.data();
  const size_t ostart = cur_;
  const size_t oend = cur_ + cap;           // logical end allowed for this block
  const size_t oalloc = out_.size();        // physical end (>= oend + kSlack)
  const uint8_t* lit = lit_.data();
  const uint8_t* const lit_end = lit + lit_len_;
  auto block_overflow = [&]() {
    if (cap < kBlockMax) return overflow_error(fcs_limited, flimit);
    return fail("zstd: block too large");
  };

  if (len < 1) return fail("zstd: truncated sequences header");
  size_t nseq = p[0];
  size_t ip = 1;
  if (nseq >= 128) {
    if (nseq < 255) {
      if (len < 2) return fail("zstd: truncated sequences header");
      nseq = ((nseq - 128) << 8) + p[1];
      ip = 2;
    } else {
      if (len < 3) return fail("zstd: truncated sequences header");
      nseq = p[1] + (static_cast<size_t>(p[2]) << 8) + 0x7F00;
      ip = 3;
    }
  }
  size_t op = cur_;
  if (nseq > 0) {
    if (len - ip < 1) return fail("zstd: truncated sequences header");
    const unsigned modes = p[ip++];
    if (modes & 3) return fail("zstd: corrupt sequences header");
    const DefaultTables& dt = default_tables();
    if (!dt.ok) return fail("zstd: internal error");
    size_t u = 0;
    if (!setup_table(modes >> 6, p + ip, len - ip, u, ll_store_, ll_, dt.ll, kLLMaxLog,
                     kLLMaxSym))
      return false;
    ip += u;
    if (!setup_table((modes >> 4) & 3, p + ip, len - ip, u, of_store_, of_, dt.of, kOFMaxLog,
                     kOFMaxSym))
      return false;
    ip += u;
    if (!setup_table((modes >> 2) & 3, p + ip, len - ip, u, ml_store_, ml_, dt.ml, kMLMaxLog,
                     kMLMaxSym))
      return false;
    ip += u;

    RevBits br;
    if (!br.init(p + ip, len - ip)) return fail("zstd: corrupt sequences bitstream");
    const FseEntry* llt = ll_->e.data();
    const FseEntry* oft = of_->e.data();
    const FseEntry* mlt = ml_->e.data();
    br.refill();
    uint32_t sll = static_cast<uint32_t>(br.fast_read(ll_->log));
    uint32_t sof = static_cast<uint32_t>(br.fast_read(of_->log));
    uint32_t sml = static_cast<uint32_t>(br.fast_read(ml_->log));
    uint32_t r0 = rep_[0], r1 = rep_[1], r2 = rep_[2];
    const uint8_t* const dict = dict_.content;
    const size_t dict_len = dict_.content_len;
    const size_t fstart = frame_start_;

    struct Seq {
      size_t ll, ml, off;
    };

    auto decode_seq = [&](Seq& sq, bool last) -> bool {
      const FseEntry ell = llt[sll], eof = oft[sof], eml = mlt[sml];
      const unsigned llc = ell.sym, ofc = eof.sym, mlc = eml.sym;
      // Codes are bounded when tables are built/validated (max_sym checks).
      // At most 31 + 16 + 16 + 9 + 9 + 8 bits per sequence: refill the 56-bit window as needed.
      br.refill();
      uint64_t ofv = (uint64_t{1} << ofc) + br.fast_read(ofc);
      const unsigned mlb = kMLBits[mlc], llb = kLLBits[llc];
      if (br.cached() < mlb + llb) br.refill();
      size_t ml = kMLBase[mlc] + static_cast<size_t>(br.fast_read(mlb));
      size_t ll = kLLBase[llc] + static_cast<size_t>(br.fast_read(llb));
      if (!last) {
        if (br.cached() < 26u) br.refill();
        sll = ell.base + static_cast<uint32_t>(br.fast_read(ell.nb));
        sml = eml.base + static_cast<uint32_t>(br.fast_read(eml.nb));
        sof = eof.base + static_cast<uint32_t>(br.fast_read(eof.nb));
      }
      if (br.pos < 0) return fail("zstd: corrupt sequences bitstream");

      // Offset resolution with repeat offsets (RFC 8878 3.1.1.5).
      size_t off;
      if (ofv > 3) {
        off = static_cast<size_t>(ofv - 3);
        r2 = r1;
        r1 = r0;
        r0 = static_cast<uint32_t>(off);
      } else {
        unsigned idx = static_cast<unsigned>(ofv) - 1 + (ll == 0 ? 1 : 0);
        if (idx == 0) {
          off = r0;
        } else {
          uint32_t o;
          if (idx == 1) {
            o = r1;
          } else if (idx == 2) {
            o = r2;
          } else {
            o = r0 - 1;
            if (o == 0) return fail("zstd: corrupt offset");
          }
          if (idx != 1) r2 = r1;
          r1 = r0;
          r0 = o;
          off = o;
        }
      }
      sq.ll = ll;
      sq.ml = ml;
      sq.off = off;
      return true;
    };

    auto exec_seq = [&](const Seq& sq) -> bool {
      const size_t ll = sq.ll, off = sq.off;
      size_t ml = sq.ml;
      // Literals.
      if (ll > static_cast<size_t>(lit_end - lit)) return fail("zstd: literals overrun");
      if (ll + ml > oend - op) return block_overflow();
      uint8_t* d = ob + op;
      if (op + ll + 16 <= oalloc) {
        // lit_ has kSlack bytes of padding; out has >= kSlack bytes past oend. Copy 16 bytes
        // unconditionally (most literal runs are short), then the rest.
        std::memcpy(d, lit, 16);
        if (ll > 16) {
          const uint8_t* s = lit + 16;
          uint8_t* dd = d + 16;
          uint8_t* de = d + ll;
          do {
            std::memcpy(dd, s, 16);
            dd += 16;
            s += 16;
          } while (dd < de);
        }
      } else if (ll) {
        std::memcpy(d, lit, ll);
      }
      lit += ll;
      op += ll;

      // Match.
      const size_t hist = op - fstart;
      if (off > hist) {
        if (off - hist > dict_len) return fail("zstd: offset beyond history");
        const size_t back = off - hist;  // bytes before the end of the dictionary content
        const size_t n_dict = back < ml ? back : ml;
        std::memcpy(ob + op, dict + (dict_len - back), n_dict);
        op += n_dict;
        ml -= n_dict;
      }
      if (ml) {
        uint8_t* dst = ob + op;
        const uint8_t* s = dst - off;
        if (off >= 16 && op + ml + 16 <= oalloc) {
          std::memcpy(dst, s, 16);
          if (ml > 16) {
            uint8_t* de = dst + ml;
            dst += 16;
            s += 16;
            do {
              std::memcpy(dst, s, 16);
              dst += 16;
              s += 16;
            } while (dst < de);
          }
        } else if (off >= ml) {
          std::memcpy(dst, s, ml);
        } else if (off >= 8) {
          size_t k = 0;
          for (; k + 8 <= ml; k += 8) std::memcpy(dst + k, s + k, 8);
          for (; k < ml; k++) dst[k] = s[k];
        } else {
          for (size_t k = 0; k < ml; k++) dst[k] = s[k];
        }
        op += ml;
      }
      return true;
    };

    for (size_t n = 0; n < nseq; n++) {
      Seq sq;
      if (!decode_seq(sq, n + 1 == nseq)) return false;
      if (!exec_seq(sq)) return false;
    }
    if (br.pos != 0) return fail("zstd: corrupt sequences bitstream");
    rep_[0] = r0;
    rep_[1] = r1;
    rep_[2] = r2;
  }
  // Remaining literals.
  const size_t rest = static_cast<size_t>(lit_end - lit);
  if (rest > oend - op) return block_overflow();
  if (rest) std::memcpy(ob + op, lit, rest);
  op += rest;
  if (op - ostart > kBlockMax) return fail("zstd: block too large");
  cur_ = op;
  return true;
}

bool parse_content_size(const uint8_t* src, size_t len, uint64_t& size) {
  size_t ip = 0;
  for (;;) {
    if (len - ip < 4) return false;
    uint32_t magic = load_le32(src + ip);
    if ((magic & kSkippableMask) != kSkippableMagic) break;
    if (len - ip < 8) return false;
    uint32_t sz = load_le32(src + ip + 4);
    if (sz > len - ip - 8) return false;
    ip += 8 + static_cast<size_t>(sz);
  }
  if (load_le32(src + ip) != kFrameMagic || len - ip < 5) return false;
  const uint8_t* p = src + ip;
  const uint8_t fhd = p[4];
  const unsigned fcs_flag = fhd >> 6;
  const bool single = (fhd >> 5) & 1;
  if ((fhd >> 3) & 1) return false;
  static constexpr unsigned kDidSize[4] = {0, 1, 2, 4};
  static constexpr unsigned kFcsSize[4] = {0, 2, 4, 8};
  const unsigned fcs_size = fcs_flag == 0 ? (single ? 1u : 0u) : kFcsSize[fcs_flag];
  if (fcs_size == 0) return false;
  size_t off = 5 + (single ? 0 : 1) + kDidSize[fhd & 3];
  if (off + fcs_size > len - ip) return false;
  if (fcs_size == 1) size = p[off];
  if (fcs_size == 2) size = load_le16(p + off) + 256u;
  if (fcs_size == 4) size = load_le32(p + off);
  if (fcs_size == 8) size = load_le64(p + off);
  return true;
}

}  // namespace

uint64_t xxhash64(const uint8_t* p, size_t len, uint64_t seed) {
  const uint8_t* const end = p + len;
  uint64_t h;
  if (len >= 32) {
    uint64_t v1 = seed + P1 + P2, v2 = seed + P2, v3 = seed, v4 = seed - P1;
    const uint8_t* const limit = end - 32;
    do {
      v1 = xxh_round(v1, load_le64(p));
      v2 = xxh_round(v2, load_le64(p + 8));
      v3 = xxh_round(v3, load_le64(p + 16));
      v4 = xxh_round(v4, load_le64(p + 24));
      p += 32;
    } while (p <= limit);
    h = std::rotl(v1, 1) + std::rotl(v2, 7) + std::rotl(v3, 12) + std::rotl(v4, 18);
    h = xxh_merge(h, v1);
    h = xxh_merge(h, v2);
    h = xxh_merge(h, v3);
    h = xxh_merge(h, v4);
  } else {
    h = seed + P5;
  }
  h += static_cast<uint64_t>(len);
  while (end - p >= 8) {
    h ^= xxh_round(0, load_le64(p));
    h = std::rotl(h, 27) * P1 + P4;
    p += 8;
  }
  if (end - p >= 4) {
    h ^= static_cast<uint64_t>(load_le32(p)) * P1;
    h = std::rotl(h, 23) * P2 + P3;
    p += 4;
  }
  while (p < end) {
    h ^= static_cast<uint64_t>(*p) * P5;
    h = std::rotl(h, 11) * P1;
    p++;
  }
  h ^= h >> 33;
  h *= P2;
  h ^= h >> 29;
  h *= P3;
  h ^= h >> 32;
  return h;
}

bool zstd_decompress(const uint8_t* src, size_t src_len, const uint8_t* dict, size_t dict_len,
                     size_t max_output, std::vector<uint8_t>& out, std::string& err) {
  const size_t orig = out.size();
  if (src == nullptr && src_len != 0) {
    err = "zstd: null input";
    return false;
  }
  if (dict == nullptr) dict_len = 0;
  try {
    // Keep room for kSlack scratch bytes without overflowing size_t.
    const size_t max_total = SIZE_MAX - kSlack - 1;
    size_t limit = orig > max_total ? orig : orig + (max_output > max_total - orig ? max_total - orig : max_output);
    auto dec = std::make_unique<Decoder>(out, limit, err);
    dec->init_cur();
    bool ok = dec->load_dictionary(dict, dict_len) && dec->run(src, src_len);
    if (!ok) {
      out.resize(orig);
      if (err.empty()) err = "zstd: corrupt input";
      return false;
    }
    out.resize(dec->size());
    return true;
  } catch (const std::bad_alloc&) {
    out.resize(orig);
    err = "zstd: out of memory";
    return false;
  } catch (...) {
    out.resize(orig);
    err = "zstd: internal error";
    return false;
  }
}

bool zstd_frame_content_size(const uint8_t* src, size_t src_len, uint64_t& size) {
  if (src == nullptr) return false;
  return parse_content_size(src, src_len, size);
}

}  // namespace gyre::codec
