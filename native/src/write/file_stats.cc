#include "file_stats.hpp"

#include "flatbuffer_builder.hpp"
#include "scalar_writer.hpp"
#include "zone_map.hpp"

namespace gyre::write {
namespace {

fbw::Ref array_stats(fbw::Builder& fb, const ColumnStats& c) {
  const DType& d = *c.dtype;
  const RangeStats& s = c.stats;
  fbw::Ref min, max;
  bool min_exact = false, max_exact = false;
  if (s.has_minmax && has_minmax_stats(d)) {
    const DType& p = d.physical();
    bool strings = p.kind == DTypeKind::Utf8 || p.kind == DTypeKind::Binary;
    std::optional<std::string> lo = s.min, hi = s.max;
    min_exact = max_exact = true;
    if (strings) {
      bool utf8 = p.kind == DTypeKind::Utf8;
      min_exact = s.min.size() <= kStringBound;
      max_exact = s.max.size() <= kStringBound;
      lo = truncate_bound(s.min, kStringBound, utf8);
      hi = upper_bound(s.max, kStringBound, utf8);
    }
    std::vector<uint8_t> lo_pb = scalar_value_proto(d, *lo);
    min = fb.bytes(lo_pb.data(), lo_pb.size());
    if (hi) {
      std::vector<uint8_t> hi_pb = scalar_value_proto(d, *hi);
      max = fb.bytes(hi_pb.data(), hi_pb.size());
    } else {
      max_exact = false;
    }
  }
  fb.start_table();
  fb.add_ref(0, min);
  if (!min.null()) fb.add<uint8_t>(1, min_exact ? 1 : 0, 0);
  fb.add_ref(2, max);
  if (!max.null()) fb.add<uint8_t>(3, max_exact ? 1 : 0, 0);
  fb.add<uint64_t>(8, s.nulls);  // optional scalars: written even when zero
  if (is_float_dtype(d)) fb.add<uint64_t>(10, s.nans);
  return fb.end_table();
}

}  // namespace

std::vector<uint8_t> file_statistics_flatbuffer(const std::vector<ColumnStats>& columns) {
  fbw::Builder fb;
  std::vector<fbw::Ref> stats;
  for (auto& c : columns) stats.push_back(array_stats(fb, c));
  fbw::Ref v = fb.refs(stats);
  fb.start_table();
  fb.add_ref(0, v);
  return fb.finish(fb.end_table());
}

}  // namespace gyre::write
