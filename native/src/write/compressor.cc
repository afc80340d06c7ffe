// The cascading compressor's driver (see compressor.hpp for the algorithm): the scheme registry,
// column statistics, sampling, recursion into struct / list / fixed-size-list / extension
// columns, and scheme selection for leaf columns.
#include "compressor.hpp"

#include <algorithm>
#include <cmath>
#include <mutex>

#include "schemes/common.hpp"

namespace gyre::write {

// ---- registry ----------------------------------------------------------------------------------

namespace {

struct Registered {
  int order;
  int seq;
  Scheme* scheme;
};

std::vector<Registered>& registry_storage() {
  static std::vector<Registered> r;
  return r;
}

const std::vector<Registered>& registry() {
  static std::once_flag sorted;
  std::call_once(sorted, [] {
    auto& r = registry_storage();
    std::stable_sort(r.begin(), r.end(), [](const Registered& a, const Registered& b) {
      return a.order != b.order ? a.order < b.order : a.seq < b.seq;
    });
  });
  return registry_storage();
}

}  // namespace

SchemeRegistrar::SchemeRegistrar(Scheme* s, int order) {
  auto& r = registry_storage();
  r.push_back({order, int(r.size()), s});
}

std::vector<std::string> registered_schemes() {
  std::vector<std::string> out;
  for (auto& r : registry()) out.push_back(r.scheme->id());
  return out;
}

// ---- statistics --------------------------------------------------------------------------------

namespace {

// Calls fn.template operator()<U>() with the unsigned word of a primitive column's width.
template <typename Fn>
decltype(auto) with_column_word(const Column& c, Fn&& fn) {
  return with_word(ptype_width(c.dtype->physical().ptype), std::forward<Fn>(fn));
}

bool is_word_column(const Column& c) { return c.dtype->physical().kind == DTypeKind::Primitive; }

// Open-addressing set of 64-bit keys (0 tracked separately), for distinct counting.
class U64Set {
 public:
  explicit U64Set(size_t expected) {
    size_t cap = 16;
    while (cap < expected * 2) cap <<= 1;
    table_.assign(cap, 0);
    mask_ = cap - 1;
  }
  void insert(uint64_t k) {
    if (k == 0) {
      if (!zero_) zero_ = true, size_++;
      return;
    }
    if ((used_ + 1) * 2 > table_.size()) grow();
    put(k);
  }
  size_t size() const { return size_; }

 private:
  static uint64_t hash(uint64_t k) { return (k ^ (k >> 29)) * 0x9E3779B97F4A7C15ULL; }
  void put(uint64_t k) {
    size_t i = size_t(hash(k) >> 7) & mask_;
    while (table_[i] != 0) {
      if (table_[i] == k) return;
      i = (i + 1) & mask_;
    }
    table_[i] = k;
    used_++, size_++;
  }
  void grow() {
    std::vector<uint64_t> old;
    old.swap(table_);
    table_.assign(old.size() * 2, 0);
    mask_ = table_.size() - 1;
    used_ = 0;
    size_ = zero_ ? 1 : 0;
    for (uint64_t k : old)
      if (k) put(k);
  }
  std::vector<uint64_t> table_;
  size_t mask_ = 0, used_ = 0, size_ = 0;
  bool zero_ = false;
};

}  // namespace

ColumnStats::ColumnStats(const Column& c) : c_(c) { nulls_ = has_nulls(c) ? c.null_count() : 0; }

const ColumnStats::Ints& ColumnStats::ints() {
  if (ints_) return *ints_;
  Ints s;
  const PType p = c_.dtype->physical().ptype;
  s.is_signed = ptype_is_signed(p);
  with_int_type(p, [&]<typename T>() {
    const T* v = c_.buffers[0].as<const T>();
    bool any = false;
    T mn{}, mx{};
    for_each_valid_range(c_, [&](uint64_t b, uint64_t e) {
      T lo = v[b], hi = v[b];
      for (uint64_t i = b + 1; i < e; i++) lo = std::min(lo, v[i]), hi = std::max(hi, v[i]);
      if (!any) mn = lo, mx = hi, any = true;
      else mn = std::min(mn, lo), mx = std::max(mx, hi);
    });
    if constexpr (std::is_signed_v<T>) s.smin = mn, s.smax = mx;
    else s.umin = mn, s.umax = mx;
  });
  ints_ = s;
  return *ints_;
}

uint64_t ColumnStats::average_run_length() {
  if (!runs_) {
    uint64_t runs = 1;
    if (is_word_column(c_)) {
      with_column_word(c_, [&]<typename U>() {
        const U* v = c_.buffers[0].as<const U>();
        bool any = false;
        U prev{};
        uint64_t changes = 0;
        for_each_valid_range(c_, [&](uint64_t b, uint64_t e) {
          if (any && v[b] != prev) changes++;
          for (uint64_t i = b + 1; i < e; i++) changes += v[i] != v[i - 1];
          prev = v[e - 1], any = true;
        });
        runs += changes;
      });
    }
    runs_ = runs;
  }
  return value_count() / *runs_;
}

bool ColumnStats::is_constant() {
  if (constant_) return *constant_;
  bool constant = true;
  const bool nulls = nulls_ > 0;
  const DType& p = c_.dtype->physical();
  if (p.kind == DTypeKind::Bool) {
    const uint8_t* bits = c_.buffers[0].data();
    int first = -1;
    for (uint64_t i = 0; i < c_.length && constant; i++) {
      if (nulls && !c_.is_valid(i)) continue;
      const int b = get_bit(bits, i);
      if (first < 0) first = b;
      else constant = b == first;
    }
  } else if (p.kind == DTypeKind::Primitive) {
    with_column_word(c_, [&]<typename U>() {
      const U* v = c_.buffers[0].as<const U>();
      bool any = false;
      U first{};
      for (uint64_t i = 0; i < c_.length; i++) {
        if (nulls && !c_.is_valid(i)) continue;
        if (!any) first = v[i], any = true;
        else if (v[i] != first) {
          constant = false;
          break;
        }
      }
    });
  } else {
    constant = false;
  }
  constant_ = constant;
  return constant;
}

std::optional<std::pair<uint64_t, uint64_t>> ColumnStats::majority(double min_fraction) {
  if (majority_done_ && (majority_ || min_fraction >= majority_min_)) return majority_;
  majority_done_ = true;
  majority_min_ = min_fraction;
  majority_.reset();
  if (!is_word_column(c_) || value_count() == 0) return majority_;
  with_column_word(c_, [&]<typename U>() {
    const U* v = c_.buffers[0].as<const U>();
    U cand{};
    uint64_t votes = 0;
    for_each_valid_range(c_, [&](uint64_t b, uint64_t e) {
      for (uint64_t i = b; i < e; i++) {
        if (votes == 0) cand = v[i], votes = 1;
        else if (v[i] == cand) votes++;
        else votes--;
      }
    });
    // A value with frequency f leaves at least (2f - 1)·n votes: fewer rule f ≥ min_fraction out.
    const double need = (2 * std::max(min_fraction, 0.5) - 1) * double(value_count());
    if (double(votes) < need) return;
    uint64_t count = 0;
    for_each_valid_range(c_, [&](uint64_t b, uint64_t e) {
      for (uint64_t i = b; i < e; i++) count += v[i] == cand;
    });
    if (count * 2 > value_count() && double(count) >= min_fraction * double(value_count()))
      majority_ = std::make_pair(uint64_t(cand), count);
  });
  return majority_;
}

uint64_t ColumnStats::distinct_count(uint64_t limit) {
  if (distinct_done_ && (distinct_ <= distinct_limit_ || limit <= distinct_limit_))
    return std::min(distinct_, limit + 1);
  uint64_t result = 0;
  if (is_word_column(c_)) {
    with_column_word(c_, [&]<typename U>() {
      const U* v = c_.buffers[0].as<const U>();
      U64Set set(size_t(std::min<uint64_t>(limit + 1, 1 << 16)));
      bool over = false;
      for_each_valid_range(c_, [&](uint64_t b, uint64_t e) {
        for (uint64_t i = b; i < e && !over; i++) {
          set.insert(uint64_t(v[i]));
          over = set.size() > limit;
        }
      });
      result = set.size();
    });
  }
  distinct_done_ = true;
  distinct_limit_ = limit;
  distinct_ = std::min(result, limit + 1);
  return distinct_;
}

double ColumnStats::strided_unique_fraction() {
  if (!is_word_column(c_) || value_count() == 0) return 0;
  const uint64_t step = std::max<uint64_t>(1, c_.length / 1024);
  const bool nulls = nulls_ > 0;
  uint64_t seen = 0;
  size_t distinct = 0;
  with_column_word(c_, [&]<typename U>() {
    const U* v = c_.buffers[0].as<const U>();
    U64Set set(1024);
    for (uint64_t i = 0; i < c_.length && seen < 1024; i += step) {
      if (nulls && !c_.is_valid(i)) continue;
      set.insert(uint64_t(v[i]));
      seen++;
    }
    distinct = set.size();
  });
  return seen ? double(distinct) / double(seen) : 0;
}

// ---- sizes ---------------------------------------------------------------------------------------

namespace {
inline uint64_t offset_at(const Column& c, uint64_t i) {
  return c.large ? c.buffers[0].as<const uint64_t>()[i] : uint64_t(c.buffers[0].as<const uint32_t>()[i]);
}
}  // namespace

uint64_t canonical_nbytes(const Column& c) {
  uint64_t n = has_nulls(c) ? bitmap_bytes(c.length) : 0;
  const DType& p = c.dtype->physical();
  switch (p.kind) {
    case DTypeKind::Null: return 0;
    case DTypeKind::Bool: return n + bitmap_bytes(c.length);
    case DTypeKind::Primitive: return n + c.length * ptype_width(p.ptype);
    case DTypeKind::Decimal: return n + c.length * decimal_out_width(p);
    case DTypeKind::Utf8:
    case DTypeKind::Binary: {
      n += 16 * c.length;
      for (uint64_t i = 0; i < c.length; i++) {
        const uint64_t l = offset_at(c, i + 1) - offset_at(c, i);
        if (l > 12) n += l;
      }
      return n;
    }
    case DTypeKind::FixedSizeList:
    case DTypeKind::Struct:
      for (auto& k : c.children) n += canonical_nbytes(k);
      if (p.kind == DTypeKind::Struct && c.children.empty()) n += 0;
      return n;
    default:
      if (p.is_list_like()) {
        n += (c.length + 1) * (c.large ? 8 : 4);
        for (auto& k : c.children) n += canonical_nbytes(k);
        return n;
      }
      return n + c.nbytes();
  }
}

// ---- driver --------------------------------------------------------------------------------------

namespace {

constexpr uint64_t kSliceRows = 64;
constexpr uint64_t kMinSlices = 16;

uint64_t splitmix64(uint64_t& s) {
  uint64_t z = (s += 0x9E3779B97F4A7C15ULL);
  z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ULL;
  z = (z ^ (z >> 27)) * 0x94D049BB133111EBULL;
  return z ^ (z >> 31);
}

// About 1% of the rows (at least 16 slices of 64 rows) in slices spread evenly over the column,
// each at a pseudo-random (deterministic) offset inside its stratum. Small columns are returned
// whole.
Column sample_of(const Column& c, uint64_t min_rows) {
  const uint64_t min_slices = std::max<uint64_t>(kMinSlices, (min_rows + kSliceRows - 1) / kSliceRows);
  uint64_t slices = ((c.length / 100) / kSliceRows + 15) / 16 * 16;
  slices = std::max(slices, min_slices);
  if (c.length <= slices * kSliceRows) return c;
  Allocator a(~uint64_t(0));
  std::vector<Column> parts;
  parts.reserve(size_t(slices));
  uint64_t seed = 1234567890;
  const uint64_t short_step = c.length / slices, longs = c.length % slices;
  uint64_t start = 0;
  for (uint64_t k = 0; k < slices; k++) {
    const uint64_t part = short_step + (k < longs ? 1 : 0);
    const uint64_t at = start + splitmix64(seed) % (part - kSliceRows + 1);
    parts.push_back(slice_column(a, c, at, kSliceRows));
    start += part;
  }
  return concat_columns(a, c.dtype, parts);
}

bool excluded(const char* id, const CompressCtx& ctx) {
  if (ctx.is_excluded(id)) return true;
  return std::string_view(id) == ids::kIntDict && has_flag(ctx, ids::kFlagData);
}

CompressCtx with_ids(const CompressCtx& ctx, std::initializer_list<const char*> add) {
  CompressCtx out = ctx;
  for (const char* a : add)
    if (!out.is_excluded(a)) out.excluded.emplace_back(a);
  return out;
}

// A new root context for struct fields / list elements / extension storage (the official code
// calls compress() again there): depth 0, only the compressor-level flags kept.
CompressCtx fresh(const CompressCtx& ctx) {
  CompressCtx out;
  out.opts = ctx.opts;
  if (has_flag(ctx, ids::kFlagData)) out.excluded.emplace_back(ids::kFlagData);
  return out;
}

EncodedArray canonical(const Column& c) {
  if (c.dtype->kind == DTypeKind::Primitive) return primitive_node(c);
  return encode_canonical(c);
}

bool valid_ratio(double r) { return std::isfinite(r) && r > 1.0 && std::fpclassify(r) != FP_SUBNORMAL; }

EncodedArray compress_node(const Column& c, const CompressCtx& ctx);

EncodedArray choose_and_compress(const Column& c, const CompressCtx& ctx) {
  std::vector<const Scheme*> eligible;
  for (auto& r : registry()) {
    const char* id = r.scheme->id();
    if (excluded(id, ctx) || !r.scheme->applies(c, ctx)) continue;
    eligible.push_back(r.scheme);
  }
  if (eligible.empty() || c.length == 0) return canonical(c);
  if (c.dtype->is_nullable() && !c.validity.empty() && c.null_count() == c.length) return constant_node(scalar_null());

  ColumnStats st(c);
  const Scheme* winner = nullptr;
  double best = 0;
  std::vector<std::pair<const Scheme*, Estimate::Kind>> deferred;
  auto consider = [&](const Scheme* s, const Estimate& e) {
    if (e.kind == Estimate::AlwaysUse) return true;
    if (e.kind == Estimate::Ratio && valid_ratio(e.ratio) && e.ratio > best) best = e.ratio, winner = s;
    return false;
  };

  bool always = false;
  for (const Scheme* s : eligible) {
    auto* b = dynamic_cast<const SchemeBase*>(s);
    Estimate e = b ? b->estimate(st, ctx) : Estimate::sample();
    if (e.kind == Estimate::Sample || e.kind == Estimate::Callback) {
      deferred.emplace_back(s, e.kind);
    } else if (consider(s, e)) {
      winner = s, always = true;
      break;
    }
  }
  if (!always) {
    std::optional<Column> smp;
    for (auto& [s, kind] : deferred) {
      if (kind == Estimate::Callback) {
        auto* b = static_cast<const SchemeBase*>(s);
        if (consider(s, b->deferred(st, ctx, best))) {
          winner = s;
          break;
        }
        continue;
      }
      if (!smp) smp = is_sample(ctx) ? c : sample_of(c, ctx.opts.sample_rows);
      EncodedArray trial;
      if (!s->encode(*smp, with_ids(ctx, {s->id(), ids::kFlagSample}), trial)) continue;
      const uint64_t after = trial.nbytes();
      if (after == 0) continue;
      consider(s, Estimate::of(double(canonical_nbytes(*smp)) / double(after)));
    }
  }
  if (!winner) return canonical(c);
  EncodedArray out;
  if (!winner->encode(c, with_ids(ctx, {winner->id()}), out)) return canonical(c);
  if (out.nbytes() < canonical_nbytes(c)) return out;
  return canonical(c);
}

EncodedArray compress_struct(const Column& c, const CompressCtx& ctx) {
  EncodedArray node;
  node.encoding = "vortex.struct";
  if (has_nulls(c)) node.children.push_back(validity_node(c));
  for (const Column& f : c.children) node.children.push_back(compress_node(f, fresh(ctx)));
  return node;
}

EncodedArray compress_list(const Column& c, const CompressCtx& ctx) {
  const DType& p = c.dtype->physical();
  const uint64_t o0 = offset_at(c, 0), on = offset_at(c, c.length);
  Column elements = c.children.at(0);
  if (o0 != 0 || on - o0 != elements.length) {
    Allocator a(~uint64_t(0));
    elements = slice_column(a, elements, o0, on - o0);
  }
  Column offsets = new_primitive(PType::U64, false, c.length + 1);
  uint64_t* o = offsets.buffers[0].as<uint64_t>();
  for (uint64_t i = 0; i <= c.length; i++) o[i] = offset_at(c, i) - o0;
  offsets = narrow_int(offsets);

  EncodedArray node;
  node.encoding = "vortex.list";
  Proto m;
  m.u(1, elements.length).u(2, uint64_t(offsets.dtype->ptype));
  node.metadata = m.out;
  elements.dtype = p.element;
  node.children.push_back(compress_node(elements, fresh(ctx)));
  CompressCtx octx = with_ids(ctx, {ids::kIntDict});
  octx.depth = std::min(ctx.depth + 1, ctx.opts.max_depth);
  node.children.push_back(choose_and_compress(offsets, octx));
  push_validity(node, c);
  return node;
}

EncodedArray compress_fixed_size_list(const Column& c, const CompressCtx& ctx) {
  EncodedArray node;
  node.encoding = "vortex.fixed_size_list";
  node.children.push_back(compress_node(c.children.at(0), fresh(ctx)));
  push_validity(node, c);
  return node;
}

EncodedArray compress_extension(const Column& c, const CompressCtx& ctx) {
  Column storage = c;
  storage.dtype = c.dtype->storage;
  EncodedArray by_storage;
  by_storage.encoding = "vortex.ext";
  by_storage.children.push_back(compress_node(storage, fresh(ctx)));
  bool any = false;
  for (auto& r : registry()) any |= !excluded(r.scheme->id(), ctx) && r.scheme->applies(c, ctx);
  if (!any) return by_storage;
  EncodedArray by_scheme = choose_and_compress(c, ctx);
  return by_scheme.nbytes() < by_storage.nbytes() ? by_scheme : by_storage;
}

EncodedArray compress_node(const Column& c, const CompressCtx& ctx) {
  if (c.dtype->kind == DTypeKind::Extension) return compress_extension(c, ctx);
  switch (c.dtype->kind) {
    case DTypeKind::Struct: return compress_struct(c, ctx);
    case DTypeKind::List: return compress_list(c, ctx);
    case DTypeKind::FixedSizeList: return compress_fixed_size_list(c, ctx);
    case DTypeKind::Bool:
    case DTypeKind::Primitive:
    case DTypeKind::Decimal:
    case DTypeKind::Utf8:
    case DTypeKind::Binary: return choose_and_compress(c, ctx);
    default: return canonical(c);
  }
}

EncodedArray compress_root(const Column& c, const CompressOptions& opts, bool data_chunk) {
  if (!opts.compress) return encode_canonical(c);
  CompressCtx ctx;
  ctx.opts = opts;
  if (data_chunk) ctx.excluded.emplace_back(ids::kFlagData);
  return compress_node(c, ctx);
}

}  // namespace

EncodedArray compress(const Column& c, const CompressOptions& opts) { return compress_root(c, opts, true); }

EncodedArray compress_full(const Column& c, const CompressOptions& opts) { return compress_root(c, opts, false); }

EncodedArray compress_child(const Column& c, const CompressCtx& parent, std::vector<std::string> exclude) {
  if (parent.depth >= parent.opts.max_depth) return canonical(c);
  CompressCtx ctx = parent;
  ctx.depth = parent.depth + 1;
  for (auto& e : exclude)
    if (!ctx.is_excluded(e.c_str())) ctx.excluded.push_back(std::move(e));
  return compress_node(c, ctx);
}

}  // namespace gyre::write
