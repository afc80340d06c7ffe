// Zone maps: per-zone (8192 rows) statistics of one column, written as the `zones` child of a
// `vortex.zoned` layout (default) or a legacy `vortex.stats` layout (vortex-format.md §3.5/§3.6).
// The official reader derives the zones table dtype from the layout metadata and requires the
// stored table to match it exactly, so the table built here and the metadata describing it are
// produced together, from one list of fields.
#pragma once
#include <optional>
#include <vector>

#include "stats.hpp"

namespace gyre::write {

enum class ZoneForm : uint8_t { None, Zoned, Stats };

struct ZoneTable {
  Column table;                   // non-nullable struct, one row per zone
  std::vector<uint8_t> metadata;  // the zoned / stats layout metadata describing `table`
};

class ZoneAccumulator {
 public:
  ZoneAccumulator(DTypePtr dtype, uint32_t zone_len) : dtype_(std::move(dtype)), zone_len_(zone_len) {}
  // Adds the next rows of the column (any count; zones span calls).
  void add(const Column& rows);
  // Closes the last partial zone and builds the zones table; nothing when the column is empty or
  // no aggregate has a value.
  std::optional<ZoneTable> finish(ZoneForm form);
  // Statistics of every row added so far (for FileStatistics).
  RangeStats total() const;

 private:
  DTypePtr dtype_;
  uint32_t zone_len_;
  std::vector<RangeStats> zones_;
  RangeStats open_;
};

// A nullable column of dtype d from stored statistic values (raw element bytes; nullopt = null).
Column stat_values_column(const DTypePtr& d, const std::vector<std::optional<std::string>>& values);

// The smallest value ≥ every string starting with s[0, n) that fits in n bytes (nullopt when
// none exists); s is returned as is when it is no longer than n.
std::optional<std::string> upper_bound(const std::string& s, size_t n, bool utf8);

}  // namespace gyre::write
