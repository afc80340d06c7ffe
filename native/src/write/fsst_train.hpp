// FSST (Fast Static Symbol Table) symbol-table training and compression for the writer
// (vortex-format.md §5.8). Our own implementation of the standard algorithm (Boncz, Neumann,
// Leis, VLDB 2020): iterative candidate counting over a sample, up to 255 symbols of 1..8 bytes,
// code 255 = escape.
//
// Compatibility contract with the official reader. vortex-data rebuilds a compressor from the
// stored symbol table (fsst-rs `Compressor::rebuild_from`) to push equality filters down by
// compressing the literal and comparing code bytes, and it validates the table on load. So the
// tables trained here always satisfy what that rebuild asserts, and `Encoder` produces exactly the
// bytes fsst-rs 0.5/0.6 would produce for the same table:
//   * symbol order by length 2,3,4,5,6,7,8 then 1 (2-byte symbols without a longer symbol
//     sharing their first two bytes first);
//   * every symbol of 3+ bytes owns a distinct slot of the 2048-slot hash table keyed by its first
//     three bytes (fsst-rs's hash), so at most one long symbol can match at any position;
//   * no symbol of 2+ bytes ends with a 0x00 byte (fsst-rs derives a symbol's length from its
//     highest non-zero byte, and zero-padded tail words must never match past a string's end);
//   * greedy parse: at each position the long symbol in the hash slot if it matches, else the
//     2-byte symbol, else the 1-byte symbol, else escape + literal byte.
#pragma once
#include <cstddef>
#include <cstdint>
#include <memory>

namespace gyre::write::fsst {

constexpr uint8_t kEscape = 255;
constexpr unsigned kMaxSymbols = 255;
constexpr unsigned kHashSlots = 2048;

// fsst-rs's slot of a symbol / input word (first three bytes).
inline unsigned hash_slot(uint64_t w) {
  const uint64_t p = w & 0xFFFFFF;
  return unsigned((p * 2971215073ull) ^ (p >> 15)) & (kHashSlots - 1);
}

// A trained table, in storage order. symbols[c] holds symbol c's bytes little-endian (low byte
// first), unused high bytes zero.
struct SymbolTable {
  unsigned n = 0;
  uint64_t symbols[kMaxSymbols] = {};
  uint8_t lengths[kMaxSymbols] = {};
};

// The strings a table is trained on / applied to: row i = data[off(i) .. off(i+1)), Arrow
// offsets (i32, or i64 when off64 is set). Rows whose validity bit is clear are skipped.
struct Strings {
  const uint8_t* data = nullptr;
  uint64_t data_size = 0;  // bytes readable from `data` (bounds over-reads of the last words)
  const int32_t* off32 = nullptr;
  const int64_t* off64 = nullptr;
  const uint8_t* validity = nullptr;  // null = all valid
  uint64_t rows = 0;

  uint64_t off(uint64_t i) const { return off64 ? uint64_t(off64[i]) : uint64_t(uint32_t(off32[i])); }
  bool valid(uint64_t i) const { return !validity || ((validity[i >> 3] >> (i & 7)) & 1); }
};

struct TrainOptions {
  uint64_t sample_target = 1 << 15;  // bytes of sampled text per training generation
};

// Trains a table on the valid rows of `s`. Deterministic.
SymbolTable train(const Strings& s, const TrainOptions& opts = {});

// Checks the compatibility contract above (for tests); returns an empty string when fine.
const char* check_table(const SymbolTable& t);

// Greedy compressor for one table.
class Encoder {
 public:
  explicit Encoder(const SymbolTable& t);
  ~Encoder();
  Encoder(const Encoder&) = delete;
  Encoder& operator=(const Encoder&) = delete;

  // Compresses in[0..n) into out, which must have room for 2*n + 8 bytes. `readable` = bytes
  // readable from `in` (>= n); the encoder loads whole 8-byte words where that stays in bounds.
  // Returns the number of code bytes written.
  size_t compress(const uint8_t* in, size_t n, size_t readable, uint8_t* out) const;

 private:
  struct Tables;
  std::unique_ptr<Tables> t_;
};

// Decodes codes with table t into out (room for the decoded size + 8); returns the decoded size
// or SIZE_MAX on an invalid code. For tests and self-checks.
size_t decode(const SymbolTable& t, const uint8_t* codes, size_t n, uint8_t* out, size_t cap);

}  // namespace gyre::write::fsst
