// Min / max / null / NaN statistics of row ranges of one column. Zone maps keep one RangeStats
// per 8192-row zone; the file statistics merge them all. Values are kept as raw little-endian
// element bytes (the Column's element width), so one representation serves every dtype and turns
// into zone-table columns and protobuf scalars without another type switch per value.
#pragma once
#include <cstdint>
#include <string>

#include "../array/column.hpp"

namespace gyre::write {

// Longest string prefix a min/max keeps: one byte more than the 64-byte bound the official writer
// uses, so "longer than 64 bytes" stays detectable after truncation.
inline constexpr size_t kStringStatBytes = 65;
inline constexpr size_t kStringBound = 64;

struct RangeStats {
  uint64_t rows = 0, nulls = 0, nans = 0;
  bool has_minmax = false;  // at least one valid (non-NaN) value
  std::string min, max;     // element bytes; strings: a prefix of ≤ kStringStatBytes bytes
};

// Whether min/max are tracked for a dtype (bool, primitives, decimals, strings, binary, and
// extensions over those); other dtypes get only counts.
bool has_minmax_stats(const DType& d);
bool is_float_dtype(const DType& d);

// Adds rows [start, start + n) of c to s.
void accumulate(const Column& c, uint64_t start, uint64_t n, RangeStats& s);
// Folds `from` (a later range of the same column) into `into`.
void merge_stats(const DType& d, RangeStats& into, const RangeStats& from);
// Three-way comparison of two stored values of dtype d.
int compare_stat(const DType& d, const std::string& a, const std::string& b);

// The longest prefix of s of at most n bytes that ends on a UTF-8 character boundary (any
// prefix when `utf8` is false): a valid lower bound of s.
std::string truncate_bound(const std::string& s, size_t n, bool utf8);

}  // namespace gyre::write
