// The cascading compressor's internals shared by the driver (compressor.cc) and the schemes
// (schemes/*.cc). The public surface is in encoded.hpp (compress, compress_child, Scheme).
//
// How a leaf column is compressed (BtrBlocks style, like vortex-btrblocks 0.76, vortex-format.md §6.2):
//   1. eligible = registered schemes that apply to the column's type and are not excluded by the
//      cascade (ctx.excluded: a scheme never appears twice in a chain, plus the parent's rules).
//   2. Schemes deriving from SchemeBase give an estimate from the full column's statistics:
//      Skip, AlwaysUse, Ratio(r), Sample or Callback. Plain Schemes are always sampled.
//   3. Sampled schemes encode a sample (16+ slices of 64 rows spread over the column, about 1% of
//      it, at least 1024 rows) and their ratio is canonical bytes / encoded bytes.
//   4. The best ratio (> 1, ties keep registration order) wins; the whole column is encoded with
//      it and kept only when strictly smaller than the canonical encoding.
//
// Exclusion conventions (ctx.excluded holds scheme ids, inherited by all descendants):
//   * the driver adds the running scheme's own id before calling encode();
//   * a scheme passes the extra ids its child must not use to compress_child (the official
//     descendant rules); dictionary schemes push the "ancestor" rules of the official code:
//     codes (child 1) exclude int.for, int.zigzag, int.sequence; values (child 0) exclude
//     int.runend, int.rle, float.rle — see kDictCodesExcluded / kDictValuesExcluded.
//   * flags starting with '~' are not scheme ids: "~sample" (encoding a sample: constant and
//     sequence skip, nothing is re-sampled) and "~data" (data-chunk compressor: int.dict off).
#pragma once
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "encoded.hpp"

namespace gyre::write {

// Scheme ids used across files (the official SchemeId names without the "vortex." prefix).
namespace ids {
inline constexpr const char* kIntConstant = "int.constant";
inline constexpr const char* kIntFoR = "int.for";
inline constexpr const char* kIntZigZag = "int.zigzag";
inline constexpr const char* kIntBitPacking = "int.bitpacking";
inline constexpr const char* kIntSparse = "int.sparse";
inline constexpr const char* kIntDict = "int.dict";
inline constexpr const char* kIntRunEnd = "int.runend";
inline constexpr const char* kIntSequence = "int.sequence";
inline constexpr const char* kIntRLE = "int.rle";
inline constexpr const char* kFloatConstant = "float.constant";
inline constexpr const char* kFloatALP = "float.alp";
inline constexpr const char* kFloatALPRD = "float.alprd";
inline constexpr const char* kFloatDict = "float.dict";
inline constexpr const char* kFloatSparse = "float.sparse";
inline constexpr const char* kFloatRLE = "float.rle";
inline constexpr const char* kBoolConstant = "bool.constant";
inline constexpr const char* kDecimalByteParts = "decimal.byte_parts";
inline constexpr const char* kTemporal = "ext.temporal";
inline constexpr const char* kFlagSample = "~sample";
inline constexpr const char* kFlagData = "~data";
}  // namespace ids

// What any dictionary scheme passes down for its codes / values children.
inline const std::vector<std::string> kDictCodesExcluded = {ids::kIntDict, ids::kIntFoR, ids::kIntZigZag,
                                                            ids::kIntSequence};
inline const std::vector<std::string> kDictValuesExcluded = {ids::kIntDict, ids::kIntRunEnd, ids::kIntRLE,
                                                             ids::kFloatRLE};

// Registration order (lower first; ties between equal ratios keep the earlier one).
namespace order {
inline constexpr int kBoolConstant = 100;
inline constexpr int kIntConstant = 200, kIntFoR = 210, kIntZigZag = 220, kIntBitPacking = 230, kIntSparse = 240,
                     kIntDict = 250, kIntRunEnd = 260, kIntSequence = 270, kIntRLE = 280;
inline constexpr int kFloatConstant = 300, kFloatALP = 310, kFloatALPRD = 320, kFloatDict = 330,
                     kFloatSparse = 340, kFloatRLE = 350;
// 400-599: string and binary schemes (another file family).
inline constexpr int kDecimalByteParts = 600, kTemporal = 700;
}  // namespace order

struct Estimate {
  enum Kind : uint8_t { Skip, AlwaysUse, Ratio, Sample, Callback } kind = Sample;
  double ratio = 0;
  static Estimate skip() { return {Skip, 0}; }
  static Estimate always() { return {AlwaysUse, 0}; }
  static Estimate of(double r) { return {Ratio, r}; }
  static Estimate sample() { return {Sample, 0}; }
  static Estimate callback() { return {Callback, 0}; }
};

// Statistics of one leaf column over its valid rows, computed on first use and shared by all the
// schemes considered for that column.
class ColumnStats {
 public:
  explicit ColumnStats(const Column& c);
  const Column& column() const { return c_; }
  uint64_t len() const { return c_.length; }
  uint64_t null_count() const { return nulls_; }
  uint64_t value_count() const { return c_.length - nulls_; }

  // Integer columns: min/max widened to 64 bits (signed types use smin/smax, unsigned umin/umax)
  // and the number of runs of equal consecutive valid values.
  struct Ints {
    bool is_signed = false;
    int64_t smin = 0, smax = 0;
    uint64_t umin = 0, umax = 0;
    uint64_t runs = 1;
    bool min_is_negative() const { return is_signed && smin < 0; }
    bool min_is_zero() const { return is_signed ? smin == 0 : umin == 0; }
    // max - min as an unsigned 64-bit distance (exact for every integer type).
    uint64_t max_minus_min() const { return is_signed ? uint64_t(smax) - uint64_t(smin) : umax - umin; }
    // The maximum as u64 (only meaningful when it is non-negative).
    uint64_t max_u64() const { return is_signed ? uint64_t(smax) : umax; }
  };
  const Ints& ints();

  // Average length of runs of equal consecutive valid values (bitwise for floats).
  uint64_t average_run_length();
  // Whether every valid value has the same bit pattern.
  bool is_constant();
  // The value (bit pattern, zero-extended to 64 bits) that occurs in more than half — and in at
  // least min_fraction — of the valid rows, with its count (Boyer-Moore vote + verification).
  std::optional<std::pair<uint64_t, uint64_t>> majority(double min_fraction = 0.5);
  // Number of distinct valid bit patterns, or limit + 1 once more than `limit` are seen.
  uint64_t distinct_count(uint64_t limit);
  // Fraction of distinct values among up to 1024 valid values taken at a regular stride: a cheap
  // test that rules dictionaries out for (nearly) unique columns before an exact count.
  double strided_unique_fraction();

 private:
  const Column& c_;
  uint64_t nulls_ = 0;
  std::optional<Ints> ints_;
  std::optional<uint64_t> runs_;
  std::optional<bool> constant_;
  bool majority_done_ = false;
  double majority_min_ = 0;
  std::optional<std::pair<uint64_t, uint64_t>> majority_;
  uint64_t distinct_limit_ = 0;
  uint64_t distinct_ = 0;
  bool distinct_done_ = false;
};

// A scheme with statistics-based estimates (the official Scheme::expected_compression_ratio).
class SchemeBase : public Scheme {
 public:
  virtual Estimate estimate(ColumnStats& st, const CompressCtx& ctx) const {
    (void)st;
    (void)ctx;
    return Estimate::sample();
  }
  // For Estimate::Callback: decides on the full column knowing the best ratio so far (0 = none).
  virtual Estimate deferred(ColumnStats& st, const CompressCtx& ctx, double best) const {
    (void)st;
    (void)ctx;
    (void)best;
    return Estimate::skip();
  }
};

inline bool has_flag(const CompressCtx& ctx, const char* flag) { return ctx.is_excluded(flag); }
inline bool is_sample(const CompressCtx& ctx) { return has_flag(ctx, ids::kFlagSample); }
// True when a child compressed now would stay canonical (cascade depth used up).
inline bool cascade_exhausted(const CompressCtx& ctx) { return ctx.depth >= ctx.opts.max_depth; }

// The full compressor (integer dictionaries allowed): zone tables, layout-dictionary values,
// nullable-struct validity columns. compress() is the data-chunk compressor (no integer dict).
EncodedArray compress_full(const Column& c, const CompressOptions& opts);

// Bytes the canonical encoding of c would take (buffers only), used for ratios.
uint64_t canonical_nbytes(const Column& c);

// The names of all registered schemes in registration order (tests / diagnostics).
std::vector<std::string> registered_schemes();

}  // namespace gyre::write
