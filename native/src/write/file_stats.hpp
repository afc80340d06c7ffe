// The FileStatistics flatbuffer (vortex-format.md §1.5): one ArrayStats per top-level column with
// min/max (exact, or inexact 64-byte bounds for long strings), null_count and nan_count, so
// readers can prune whole files without touching zone maps.
#pragma once
#include <vector>

#include "stats.hpp"

namespace gyre::write {

struct ColumnStats {
  DTypePtr dtype;
  RangeStats stats;
};

std::vector<uint8_t> file_statistics_flatbuffer(const std::vector<ColumnStats>& columns);

}  // namespace gyre::write
