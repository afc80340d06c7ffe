// A stored statistic value (stats.hpp's raw element bytes) as a protobuf ScalarValue
// (vortex-format.md §4.6), for FileStatistics min/max. Extension values use their storage type.
#pragma once
#include <string>
#include <vector>

#include "../dtype/dtype.hpp"

namespace gyre::write {

std::vector<uint8_t> scalar_value_proto(const DType& d, const std::string& value);

}  // namespace gyre::write
