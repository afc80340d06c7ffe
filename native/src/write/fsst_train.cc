// FSST training and compression (see fsst_train.hpp for the compatibility contract).
//
// Training follows the paper's generational scheme: a sample of at most `sample_target` bytes
// (random 512-byte pieces of random rows) is parsed greedily with the current table while
// counting every emitted code and every pair of consecutive codes; the next table is made of
// the candidates with the highest gain (a code's own symbol, and the concatenation of each
// observed pair), five generations over growing fractions of the sample (8/128 … 128/128).
#include "fsst_train.hpp"

#include <algorithm>
#include <cstring>
#include <vector>

namespace gyre::write::fsst {
namespace {

constexpr unsigned kCodes = 512;  // training codes: 0..255 = escaped byte, 256+i = symbol i
constexpr unsigned kLine = 512;   // longest sampled piece of a row
constexpr uint64_t kSeed = 4637947;

inline uint64_t mix(uint64_t v) { return (v * 2971215073ull) ^ (v >> 15); }
inline uint64_t len_mask(unsigned len) { return len >= 8 ? ~uint64_t(0) : (uint64_t(1) << (8 * len)) - 1; }
inline uint64_t load64(const uint8_t* p) {
  uint64_t v;
  std::memcpy(&v, p, 8);
  return v;
}

struct Sym {
  uint64_t val = 0;
  uint8_t len = 0;
};

// ---------------------------------------------------------------------------------------------
// The table under construction during training, with its greedy-match lookup structures.
struct TrainTable {
  std::vector<Sym> syms;  // symbol i has training code 256 + i
  uint16_t one[256];      // 1-byte symbol code + 1, 0 = none
  std::vector<uint16_t> two_sym;  // 2-byte symbol code + 1 by first two bytes, 0 = none
  // two[x]: what the greedy parse emits for first-two-bytes x when no long symbol matches:
  // training code (9 bits) | length << 12.
  std::vector<uint16_t> two;
  struct Slot {
    uint64_t sym = 0, mask = 0;
    uint16_t code = 0;
    uint8_t len = 0;
    bool used = false;
  } pht[kHashSlots];

  TrainTable() : two_sym(65536, 0), two(65536, 0) { std::memset(one, 0, sizeof(one)); }

  void clear() {
    for (const Sym& s : syms) {
      if (s.len == 1) one[s.val & 0xff] = 0;
      else if (s.len == 2) two_sym[s.val & 0xffff] = 0;
      else pht[hash_slot(s.val)] = Slot();
    }
    syms.clear();
  }

  bool full() const { return syms.size() >= kMaxSymbols; }

  // Adds a symbol unless it conflicts with one already present (same 1- or 2-byte symbol, or a
  // long symbol in the same hash slot).
  bool insert(const Sym& s) {
    const uint16_t code = uint16_t(256 + syms.size());
    if (s.len == 1) {
      if (one[s.val & 0xff]) return false;
      one[s.val & 0xff] = uint16_t(code + 1);
    } else if (s.len == 2) {
      if (two_sym[s.val & 0xffff]) return false;
      two_sym[s.val & 0xffff] = uint16_t(code + 1);
    } else {
      Slot& sl = pht[hash_slot(s.val)];
      if (sl.used) return false;
      sl.used = true;
      sl.sym = s.val;
      sl.mask = len_mask(s.len);
      sl.code = code;
      sl.len = s.len;
    }
    syms.push_back(s);
    return true;
  }

  void build_lookup() {
    uint16_t row[256];
    for (unsigned b = 0; b < 256; b++) row[b] = one[b] ? uint16_t((one[b] - 1) | (1u << 12)) : uint16_t(b | (1u << 12));
    for (unsigned hi = 0; hi < 256; hi++) std::memcpy(&two[hi << 8], row, sizeof(row));
    for (const Sym& s : syms)
      if (s.len == 2) two[s.val & 0xffff] = uint16_t((two_sym[s.val & 0xffff] - 1) | (2u << 12));
  }

  Sym sym_of(unsigned code) const {
    if (code < 256) return Sym{code, 1};
    return syms[code - 256];
  }

  // Greedy match of the word at a position with `rem` bytes left (bytes past rem are zero).
  inline void match(uint64_t w, size_t rem, unsigned& code, unsigned& len) const {
    const Slot& sl = pht[hash_slot(w)];
    if (sl.used && (w & sl.mask) == sl.sym && sl.len <= rem) {
      code = sl.code;
      len = sl.len;
      return;
    }
    uint16_t e = two[w & 0xffff];
    code = e & 0x1ff;
    len = e >> 12;
    if (len > rem) {  // cannot happen with the no-trailing-zero rule; stay safe anyway
      code = one[w & 0xff] ? one[w & 0xff] - 1u : unsigned(w & 0xff);
      len = 1;
    }
  }
};

// Code and code-pair counters; pairs are reset through the list of touched cells.
struct Counters {
  uint32_t c1[kCodes];
  std::vector<uint32_t> c2;
  std::vector<uint32_t> touched;  // c2 indices that went 0 → 1
  Counters() : c2(size_t(kCodes) * kCodes, 0) { std::memset(c1, 0, sizeof(c1)); }
  void reset() {
    std::memset(c1, 0, sizeof(c1));
    for (uint32_t i : touched) c2[i] = 0;
    touched.clear();
  }
  inline void pair(unsigned a, unsigned b) {
    uint32_t i = a * kCodes + b;
    if (c2[i]++ == 0) touched.push_back(i);
  }
};

struct Line {
  uint32_t off, len;
};

// Copies the sample into one buffer (8 bytes of zero padding at the end).
void make_sample(const Strings& s, uint64_t target, std::vector<uint8_t>& buf, std::vector<Line>& lines,
                 uint64_t& total_valid) {
  total_valid = 0;
  uint64_t nonempty = 0;
  for (uint64_t i = 0; i < s.rows; i++) {
    if (!s.valid(i)) continue;
    uint64_t n = s.off(i + 1) - s.off(i);
    total_valid += n;
    nonempty += n != 0;
  }
  auto add = [&](const uint8_t* p, uint64_t n) {
    lines.push_back(Line{uint32_t(buf.size()), uint32_t(n)});
    buf.insert(buf.end(), p, p + n);
  };
  if (total_valid <= target) {
    buf.reserve(total_valid + 8);
    for (uint64_t i = 0; i < s.rows; i++) {
      if (!s.valid(i)) continue;
      uint64_t a = s.off(i), n = s.off(i + 1) - a;
      // Long rows are cut in pieces so that line-level subsampling stays meaningful.
      for (uint64_t k = 0; k < n; k += kLine) add(s.data + a + k, std::min<uint64_t>(kLine, n - k));
    }
  } else if (nonempty) {
    // Pieces are picked by byte position rather than by row, so every byte of input has the same
    // chance to be sampled (a few huge rows among many short ones still shape the table).
    buf.reserve(target + kLine + 8);
    const uint64_t base = s.off(0), span = s.off(s.rows) - base;
    uint64_t rnd = kSeed;
    while (buf.size() < target) {
      rnd = mix(rnd);
      const uint64_t at = base + rnd % span;
      // Row containing byte `at` (last row whose start is <= at).
      uint64_t lo = 0, hi = s.rows;
      while (hi - lo > 1) {
        uint64_t mid = (lo + hi) / 2;
        if (s.off(mid) <= at) lo = mid;
        else hi = mid;
      }
      uint64_t r = lo, n = 0, within = at - s.off(r);
      if (!s.valid(r) || (n = s.off(r + 1) - s.off(r)) == 0) {  // null or empty: next usable row
        for (uint64_t k = 0; k < s.rows; k++) {
          r = r + 1 == s.rows ? 0 : r + 1;
          if (s.valid(r) && (n = s.off(r + 1) - s.off(r)) != 0) break;
        }
        within = 0;
      }
      const uint64_t start = within / kLine * kLine;
      add(s.data + s.off(r) + start, std::min<uint64_t>(kLine, n - start));
    }
  }
  buf.resize(buf.size() + 8, 0);
}

// Parses one sample line with the current table, counting codes and pairs.
void count_line(const TrainTable& t, Counters& cnt, const uint8_t* p, size_t n) {
  const uint8_t* const end = p + n;
  unsigned prev = kCodes;  // none
  while (p < end) {
    size_t rem = size_t(end - p);
    uint64_t w = load64(p);  // the buffer has 8 bytes of padding
    if (rem < 8) w &= len_mask(unsigned(rem));
    unsigned code, len;
    t.match(w, rem, code, len);
    cnt.c1[code]++;
    if (prev != kCodes) cnt.pair(prev, code);
    if (len > 1) {  // also count the first byte alone, so that shorter candidates keep a score
      unsigned b = unsigned(w & 0xff);
      cnt.c1[b]++;
      if (prev != kCodes) cnt.pair(prev, b);
    }
    prev = code;
    p += len;
  }
}

struct Cand {
  uint64_t val;
  uint64_t gain;
  uint8_t len;
};

// Open-addressing accumulator of candidate gains keyed by (symbol, length). Reused across
// generations and calls (per thread): only the slots used are cleared.
class CandMap {
 public:
  void reset(size_t expected) {
    for (size_t i : used_) slots_[i].len = 0;
    used_.clear();
    size_t cap = 1024;
    while (cap < expected * 2) cap <<= 1;
    if (cap > slots_.size()) slots_.assign(cap, Cand{0, 0, 0});
    mask_ = cap - 1;  // a prefix of a larger table works as well
  }
  void add(uint64_t val, uint8_t len, uint64_t gain) {
    size_t h = size_t(mix(val ^ (uint64_t(len) << 59)) ^ (val >> 29)) & mask_;
    while (true) {
      Cand& c = slots_[h];
      if (c.len == 0) {
        c = Cand{val, gain, len};
        used_.push_back(h);
        return;
      }
      if (c.val == val && c.len == len) {
        c.gain += gain;
        return;
      }
      h = (h + 1) & mask_;
    }
  }
  void take(std::vector<Cand>& out) const {
    out.clear();
    for (size_t i : used_) out.push_back(slots_[i]);
  }

 private:
  std::vector<Cand> slots_;
  std::vector<size_t> used_;
  size_t mask_ = 0;
};

inline bool better(const Cand& a, const Cand& b) {
  if (a.gain != b.gain) return a.gain > b.gain;
  if (a.len != b.len) return a.len > b.len;
  return a.val < b.val;
}

// Builds the next generation's table from the counters.
void optimize(TrainTable& t, const Counters& cnt, unsigned frac, bool final_round, double scale) {
  const uint64_t threshold = final_round && scale <= 1.0 ? 1 : 5 * frac / 128;
  thread_local CandMap cands;
  thread_local std::vector<Cand> v;
  cands.reset(kCodes + cnt.touched.size());
  for (unsigned c = 0; c < kCodes; c++) {
    uint64_t n = cnt.c1[c];
    if (n == 0 || n < threshold) continue;
    Sym s = t.sym_of(c);
    uint64_t gain = n * s.len;
    if (s.len == 1) gain *= 8;  // single bytes avoid escapes (two bytes each): favour them
    cands.add(s.val, s.len, gain);
  }
  if (frac < 128) {
    for (uint32_t idx : cnt.touched) {
      unsigned a = idx / kCodes, b = idx % kCodes;
      if (cnt.c1[a] < threshold) continue;
      Sym s1 = t.sym_of(a), s2 = t.sym_of(b);
      if (s1.len + s2.len > 8) continue;
      uint8_t len = uint8_t(s1.len + s2.len);
      uint64_t val = s1.val | (s2.val << (8 * s1.len));
      if ((val >> (8 * (len - 1))) == 0) continue;  // would end with a 0x00 byte
      cands.add(val, len, uint64_t(cnt.c2[idx]) * len);
    }
  }
  cands.take(v);
  t.clear();
  size_t sorted = std::min<size_t>(v.size(), 512);
  if (sorted < v.size()) std::nth_element(v.begin(), v.begin() + sorted, v.end(), better);
  std::sort(v.begin(), v.begin() + sorted, better);
  for (size_t i = 0; i < v.size() && !t.full(); i++) {
    if (i == sorted) {
      std::sort(v.begin() + i, v.end(), better);
      sorted = v.size();
    }
    const Cand& c = v[i];
    if (final_round) {
      // Keep a symbol only if it pays for its 9 bytes in the table: estimated bytes saved over
      // the whole input (a 1-byte symbol saves the escape byte, a longer one len - 1 bytes).
      double uses = double(c.len == 1 ? c.gain / 8 : c.gain / c.len) * scale;
      double saved = uses * (c.len == 1 ? 1 : c.len - 1);
      if (saved <= 9.0) continue;
    }
    t.insert(Sym{c.val, c.len});
  }
  t.build_lookup();
}

// Final storage order: 2-byte symbols without a longer symbol sharing their first two bytes,
// then 2-byte symbols with one, then lengths 3..8, then 1-byte symbols.
SymbolTable finalize(const TrainTable& t) {
  std::vector<uint8_t> long_prefix(65536, 0);
  for (const Sym& s : t.syms)
    if (s.len > 2) long_prefix[s.val & 0xffff] = 1;
  SymbolTable out;
  auto put = [&](const Sym& s) {
    out.symbols[out.n] = s.val;
    out.lengths[out.n] = s.len;
    out.n++;
  };
  for (const Sym& s : t.syms)
    if (s.len == 2 && !long_prefix[s.val & 0xffff]) put(s);
  for (const Sym& s : t.syms)
    if (s.len == 2 && long_prefix[s.val & 0xffff]) put(s);
  for (unsigned len = 3; len <= 8; len++)
    for (const Sym& s : t.syms)
      if (s.len == len) put(s);
  for (const Sym& s : t.syms)
    if (s.len == 1) put(s);
  return out;
}

}  // namespace

SymbolTable train(const Strings& s, const TrainOptions& opts) {
  std::vector<uint8_t> buf;
  std::vector<Line> lines;
  uint64_t total = 0;
  make_sample(s, opts.sample_target, buf, lines, total);
  const uint64_t sample_bytes = buf.size() - 8;
  if (sample_bytes == 0) return SymbolTable();
  const double scale = double(total) / double(sample_bytes);

  // The table under construction (~260 KiB of lookups) is reused per thread.
  thread_local std::unique_ptr<TrainTable> tl_table;
  if (!tl_table) tl_table = std::make_unique<TrainTable>();
  TrainTable* t = tl_table.get();
  t->clear();
  t->build_lookup();
  // The pair counters (1 MiB) are reused per thread; they are reset through their touched list.
  thread_local std::unique_ptr<Counters> tl_counters;
  if (!tl_counters) tl_counters = std::make_unique<Counters>();
  Counters* cnt = tl_counters.get();
  cnt->reset();
  static const unsigned kGenerations[] = {8, 38, 68, 98, 128};
  for (unsigned frac : kGenerations) {
    for (size_t i = 0; i < lines.size(); i++) {
      if (frac < 128 && (mix(i) & 127) > frac) continue;
      count_line(*t, *cnt, buf.data() + lines[i].off, lines[i].len);
    }
    optimize(*t, *cnt, frac, frac == 128, scale);
    cnt->reset();
  }
  return finalize(*t);
}

const char* check_table(const SymbolTable& t) {
  if (t.n > kMaxSymbols) return "too many symbols";
  unsigned expected = 2;
  std::vector<uint8_t> one(256, 0), two(65536, 0), slot(kHashSlots, 0), long_prefix(65536, 0);
  for (unsigned c = 0; c < t.n; c++) {
    unsigned len = t.lengths[c];
    uint64_t v = t.symbols[c];
    if (len < 1 || len > 8) return "symbol length out of range";
    if (len < 8 && (v >> (8 * len)) != 0) return "symbol has bytes past its length";
    if (expected == 1) {
      if (len != 1) return "symbol order is not 2..8 then 1";
    } else {
      if (len == 1) expected = 1;
      else if (len < expected) return "symbol order is not 2..8 then 1";
      else expected = len;
    }
    if (len >= 2 && (v >> (8 * (len - 1))) == 0) return "symbol ends with a zero byte";
    if (len == 1) {
      if (one[v & 0xff]++) return "duplicate 1-byte symbol";
    } else if (len == 2) {
      if (two[v & 0xffff]++) return "duplicate 2-byte symbol";
    } else {
      if (slot[hash_slot(v)]++) return "two long symbols share a hash slot";
      long_prefix[v & 0xffff] = 1;
    }
  }
  // 2-byte symbols with a longer symbol sharing their prefix come after those without.
  bool seen_suffix = false;
  for (unsigned c = 0; c < t.n && t.lengths[c] == 2; c++) {
    bool has = long_prefix[t.symbols[c] & 0xffff];
    if (seen_suffix && !has) return "2-byte symbols not grouped by suffix";
    seen_suffix |= has;
  }
  return "";
}

// ---------------------------------------------------------------------------------------------
// Encoder

namespace {
// two[x] layout: bits 0-7 output code, bits 8-9 input advance (1/2), bit 10 escape (output 2
// bytes), bit 11 a long symbol starts with these two bytes (probe the hash table first).
constexpr uint16_t kAdvShift = 8, kEscBit = 1u << 10, kProbeBit = 1u << 11;
}  // namespace

struct Encoder::Tables {
  uint16_t two[65536];
  // 16-byte slots: a word matches when its low (64 - ignored) bits equal sym.
  struct Slot {
    uint64_t sym;
    uint32_t code;
    uint8_t len, ignored;
  } pht[kHashSlots];
};

Encoder::Encoder(const SymbolTable& st) : t_(std::make_unique<Tables>()) {
  Tables& t = *t_;
  uint16_t row[256];
  for (unsigned b = 0; b < 256; b++) row[b] = uint16_t(kEscape | (1u << kAdvShift) | kEscBit);
  for (unsigned c = 0; c < st.n; c++)
    if (st.lengths[c] == 1) row[st.symbols[c] & 0xff] = uint16_t(c | (1u << kAdvShift));
  for (unsigned hi = 0; hi < 256; hi++) std::memcpy(&t.two[hi << 8], row, sizeof(row));
  // An unused slot holds a full 8-byte value whose first three bytes hash to another slot, so no
  // word probing this slot can equal it.
  for (unsigned k = 0; k < kHashSlots; k++) t.pht[k] = Tables::Slot{hash_slot(0) != k ? 0u : 1u, 0, 0, 0};
  for (unsigned c = 0; c < st.n; c++) {
    const unsigned len = st.lengths[c];
    const uint64_t v = st.symbols[c];
    if (len == 2) {
      t.two[v & 0xffff] = uint16_t(c | (2u << kAdvShift) | (t.two[v & 0xffff] & kProbeBit));
    } else if (len >= 3) {
      t.pht[hash_slot(v)] = Tables::Slot{v, c, uint8_t(len), uint8_t(64 - 8 * len)};
      t.two[v & 0xffff] |= kProbeBit;
    }
  }
}

Encoder::~Encoder() = default;

size_t Encoder::compress(const uint8_t* in, size_t n, size_t readable, uint8_t* out) const {
  const Tables& t = *t_;
  const uint8_t* p = in;
  const uint8_t* const end = in + n;
  uint8_t* o = out;
#define GYRE_FSST_STEP(w)                                          \
  {                                                                \
    const uint16_t e = t.two[(w) & 0xffff];                        \
    if (e & kProbeBit) {                                           \
      const Tables::Slot& s = t.pht[hash_slot(w)];                 \
      if (((w) & (~uint64_t(0) >> s.ignored)) == s.sym) {          \
        *o++ = uint8_t(s.code);                                    \
        p += s.len;                                                \
        continue;                                                  \
      }                                                            \
    }                                                              \
    o[0] = uint8_t(e);                                             \
    o[1] = uint8_t(w);                                             \
    o += 1 + ((e & kEscBit) >> 10);                                \
    p += (e >> kAdvShift) & 3;                                     \
  }
  while (end - p >= 8) {
    const uint64_t w = load64(p);
    GYRE_FSST_STEP(w)
  }
  const uint8_t* const safe = in + readable;
  while (p < end) {
    const size_t rem = size_t(end - p);
    uint64_t w;
    if (safe - p >= 8) {
      w = load64(p) & len_mask(unsigned(rem));
    } else {
      w = 0;
      std::memcpy(&w, p, rem);
    }
    GYRE_FSST_STEP(w)
  }
#undef GYRE_FSST_STEP
  return size_t(o - out);
}

size_t decode(const SymbolTable& t, const uint8_t* codes, size_t n, uint8_t* out, size_t cap) {
  size_t o = 0;
  for (size_t i = 0; i < n; i++) {
    uint8_t c = codes[i];
    if (c == kEscape) {
      if (i + 1 >= n || o >= cap) return SIZE_MAX;
      out[o++] = codes[++i];
      continue;
    }
    if (c >= t.n) return SIZE_MAX;
    unsigned len = t.lengths[c];
    if (o + len > cap) return SIZE_MAX;
    uint64_t v = t.symbols[c];
    std::memcpy(out + o, &v, 8);  // out has 8 bytes of slack
    o += len;
  }
  return o;
}

}  // namespace gyre::write::fsst
