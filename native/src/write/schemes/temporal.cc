// DateTimeParts (`vortex.datetimeparts`, vortex-format.md §5.13) for `vortex.timestamp`
// columns: ts = days·86400·U + seconds·U + subseconds (truncating division, so pre-1970 parts are
// ≤ 0), each part narrowed and compressed. A constant column becomes `vortex.constant`. The driver
// also compresses the plain i64 storage and keeps whichever is smaller.
#include "common.hpp"

namespace gyre::write {
namespace {

// Units per second for the timestamp's TimeUnit byte (0 ns, 1 µs, 2 ms, 3 s); 0 if unsupported.
int64_t units_per_second(const DType& d) {
  if (d.ext_metadata.empty()) return 0;
  switch (d.ext_metadata[0]) {
    case 0: return 1000000000;
    case 1: return 1000000;
    case 2: return 1000;
    case 3: return 1;
    default: return 0;
  }
}

class Temporal final : public SchemeBase {
 public:
  const char* id() const override { return ids::kTemporal; }
  bool applies(const Column& c, const CompressCtx&) const override {
    const DType& d = *c.dtype;
    return d.kind == DTypeKind::Extension && d.ext_id == "vortex.timestamp" && d.storage &&
           d.storage->kind == DTypeKind::Primitive && d.storage->ptype == PType::I64 && units_per_second(d) != 0;
  }
  Estimate estimate(ColumnStats&, const CompressCtx&) const override { return Estimate::always(); }
  bool encode(const Column& c, const CompressCtx& ctx, EncodedArray& out) const override {
    const int64_t unit = units_per_second(*c.dtype);
    const int64_t day = 86400 * unit;
    const bool nulls = has_nulls(c);
    const int64_t* v = c.buffers[0].as<const int64_t>();
    const uint64_t n = c.length;
    if (!nulls && n > 0) {
      bool constant = true;
      for (uint64_t i = 1; i < n && constant; i++) constant = v[i] == v[0];
      if (constant) {
        out = constant_node(scalar_i64(v[0]));
        return true;
      }
    }
    Column days = new_primitive(PType::I64, c.dtype->is_nullable(), n);
    if (nulls) days.validity = c.validity;
    Column secs = new_primitive(PType::I64, false, n);
    Column subs = new_primitive(PType::I64, false, n);
    int64_t* dp = days.buffers[0].as<int64_t>();
    int64_t* sp = secs.buffers[0].as<int64_t>();
    int64_t* up = subs.buffers[0].as<int64_t>();
    for (uint64_t i = 0; i < n; i++) {
      const int64_t ts = v[i];
      const int64_t rem = ts % day;  // same sign as ts (truncating), |rem| < day: no overflow
      dp[i] = ts / day;
      sp[i] = rem / unit;
      up[i] = rem % unit;
    }
    if (nulls)
      for_each_null_range(c, [&](uint64_t b, uint64_t e) {
        std::fill(dp + b, dp + e, 0);
        std::fill(sp + b, sp + e, 0);
        std::fill(up + b, up + e, 0);
      });
    days = narrow_int(days);
    secs = narrow_int(secs);
    subs = narrow_int(subs);
    out = EncodedArray();
    out.encoding = "vortex.datetimeparts";
    Proto m;
    m.u(1, uint64_t(days.dtype->ptype)).u(2, uint64_t(secs.dtype->ptype)).u(3, uint64_t(subs.dtype->ptype));
    out.metadata = m.out;
    out.children.push_back(compress_child(days, ctx, {}));
    out.children.push_back(compress_child(secs, ctx, {}));
    out.children.push_back(compress_child(subs, ctx, {}));
    return true;
  }
};

}  // namespace

GYRE_REGISTER_SCHEME(Temporal, order::kTemporal);

}  // namespace gyre::write
