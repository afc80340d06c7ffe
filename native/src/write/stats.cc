#include "stats.hpp"

#include <cstring>

#include "../encodings/common.hpp"

namespace gyre::write {
namespace {

float half_to_float(uint16_t h) {
  uint32_t sign = uint32_t(h & 0x8000) << 16, exp = (h >> 10) & 0x1f, mant = h & 0x3ff;
  uint32_t bits;
  if (exp == 0) {
    if (mant == 0) {
      bits = sign;
    } else {  // subnormal: renormalize
      int e = -1;
      do {
        e++;
        mant <<= 1;
      } while (!(mant & 0x400));
      bits = sign | uint32_t(127 - 15 - e) << 23 | (mant & 0x3ff) << 13;
    }
  } else if (exp == 31) {
    bits = sign | 0x7f800000u | mant << 13;
  } else {
    bits = sign | (exp + 127 - 15) << 23 | mant << 13;
  }
  float f;
  std::memcpy(&f, &bits, 4);
  return f;
}

template <typename T>
T load(const std::string& s) {
  T v{};
  std::memcpy(&v, s.data(), sizeof(T) < s.size() ? sizeof(T) : s.size());
  return v;
}

template <typename T>
std::string bytes_of(T v) {
  return std::string(reinterpret_cast<const char*>(&v), sizeof(T));
}

// Signed comparison of two little-endian two's complement integers of w bytes.
int compare_wide(const uint8_t* a, const uint8_t* b, unsigned w) {
  bool na = a[w - 1] & 0x80, nb = b[w - 1] & 0x80;
  if (na != nb) return na ? -1 : 1;
  for (unsigned i = w; i-- > 0;)
    if (a[i] != b[i]) return a[i] < b[i] ? -1 : 1;
  return 0;
}

int compare_bytes(const std::string& a, const std::string& b) {
  int c = std::memcmp(a.data(), b.data(), std::min(a.size(), b.size()));
  if (c) return c < 0 ? -1 : 1;
  return a.size() == b.size() ? 0 : (a.size() < b.size() ? -1 : 1);
}

void offer(const DType& d, RangeStats& s, const std::string& lo, const std::string& hi) {
  if (!s.has_minmax) {
    s.min = lo, s.max = hi, s.has_minmax = true;
    return;
  }
  if (compare_stat(d, lo, s.min) < 0) s.min = lo;
  if (compare_stat(d, hi, s.max) > 0) s.max = hi;
}

template <typename T>
void primitive_range(const Column& c, uint64_t start, uint64_t n, RangeStats& s, bool half) {
  const T* v = c.buffers[0].as<T>();
  bool any = false;
  T lo{}, hi{};
  float flo = 0, fhi = 0;
  for (uint64_t i = start; i < start + n; i++) {
    if (!c.is_valid(i)) continue;
    T x = v[i];
    if (half) {
      float f = half_to_float(uint16_t(x));
      if (f != f) {
        s.nans++;
        continue;
      }
      if (!any || f < flo) flo = f, lo = x;
      if (!any || f > fhi) fhi = f, hi = x;
    } else {
      if constexpr (std::is_floating_point_v<T>) {
        if (x != x) {
          s.nans++;
          continue;
        }
      }
      if (!any || x < lo) lo = x;
      if (!any || x > hi) hi = x;
    }
    any = true;
  }
  if (any) offer(c.dtype->physical(), s, bytes_of(lo), bytes_of(hi));
}

void bool_range(const Column& c, uint64_t start, uint64_t n, RangeStats& s) {
  bool any_true = false, any_false = false;
  const uint8_t* bits = c.buffers[0].data();
  for (uint64_t i = start; i < start + n; i++) {
    if (!c.is_valid(i)) continue;
    if (get_bit(bits, i)) any_true = true; else any_false = true;
  }
  if (!any_true && !any_false) return;
  offer(c.dtype->physical(), s, std::string(1, char(any_false ? 0 : 1)), std::string(1, char(any_true ? 1 : 0)));
}

void decimal_range(const Column& c, uint64_t start, uint64_t n, RangeStats& s) {
  unsigned w = decimal_out_width(c.dtype->physical());
  const uint8_t* v = c.buffers[0].data();
  const uint8_t *lo = nullptr, *hi = nullptr;
  for (uint64_t i = start; i < start + n; i++) {
    if (!c.is_valid(i)) continue;
    const uint8_t* x = v + i * w;
    if (!lo || compare_wide(x, lo, w) < 0) lo = x;
    if (!hi || compare_wide(x, hi, w) > 0) hi = x;
  }
  if (lo) offer(c.dtype->physical(), s, std::string(reinterpret_cast<const char*>(lo), w),
                std::string(reinterpret_cast<const char*>(hi), w));
}

void string_range(const Column& c, uint64_t start, uint64_t n, RangeStats& s) {
  auto at = [&](uint64_t i) { return c.large ? c.buffers[0].as<uint64_t>()[i] : uint64_t(c.buffers[0].as<uint32_t>()[i]); };
  const uint8_t* data = c.buffers[1].data();
  auto cmp = [&](uint64_t a, uint64_t b) {
    uint64_t as = at(a), al = at(a + 1) - as, bs = at(b), bl = at(b + 1) - bs;
    int r = std::memcmp(data + as, data + bs, std::min(al, bl));
    if (r) return r;
    return al == bl ? 0 : (al < bl ? -1 : 1);
  };
  bool any = false;
  uint64_t lo = 0, hi = 0;
  for (uint64_t i = start; i < start + n; i++) {
    if (!c.is_valid(i)) continue;
    if (!any || cmp(i, lo) < 0) lo = i;
    if (!any || cmp(i, hi) > 0) hi = i;
    any = true;
  }
  if (!any) return;
  auto prefix = [&](uint64_t i) {
    uint64_t b = at(i), len = std::min<uint64_t>(at(i + 1) - b, kStringStatBytes);
    return std::string(reinterpret_cast<const char*>(data) + b, len);
  };
  offer(c.dtype->physical(), s, prefix(lo), prefix(hi));
}

}  // namespace

bool has_minmax_stats(const DType& d) {
  switch (d.physical().kind) {
    case DTypeKind::Bool:
    case DTypeKind::Primitive:
    case DTypeKind::Decimal:
    case DTypeKind::Utf8:
    case DTypeKind::Binary: return true;
    default: return false;
  }
}

bool is_float_dtype(const DType& d) {
  const DType& p = d.physical();
  return p.kind == DTypeKind::Primitive && ptype_is_float(p.ptype);
}

void accumulate(const Column& c, uint64_t start, uint64_t n, RangeStats& s) {
  s.rows += n;
  const DType& p = c.dtype->physical();
  if (p.kind == DTypeKind::Null) {
    s.nulls += n;
    return;
  }
  if (!c.validity.empty())
    for (uint64_t i = start; i < start + n; i++) s.nulls += !get_bit(c.validity.data(), i);
  if (n == 0) return;
  switch (p.kind) {
    case DTypeKind::Bool: bool_range(c, start, n, s); break;
    case DTypeKind::Primitive:
      dispatch_ptype(p.ptype, [&]<typename T>() { primitive_range<T>(c, start, n, s, p.ptype == PType::F16); });
      break;
    case DTypeKind::Decimal: decimal_range(c, start, n, s); break;
    case DTypeKind::Utf8:
    case DTypeKind::Binary: string_range(c, start, n, s); break;
    default: break;
  }
}

void merge_stats(const DType& d, RangeStats& into, const RangeStats& from) {
  into.rows += from.rows;
  into.nulls += from.nulls;
  into.nans += from.nans;
  if (from.has_minmax) offer(d.physical(), into, from.min, from.max);
}

int compare_stat(const DType& dt, const std::string& a, const std::string& b) {
  const DType& d = dt.physical();
  switch (d.kind) {
    case DTypeKind::Bool: return int(uint8_t(a[0])) - int(uint8_t(b[0]));
    case DTypeKind::Primitive:
      if (d.ptype == PType::F16) {
        float x = half_to_float(load<uint16_t>(a)), y = half_to_float(load<uint16_t>(b));
        return x < y ? -1 : (x > y ? 1 : 0);
      }
      return dispatch_ptype(d.ptype, [&]<typename T>() {
        T x = load<T>(a), y = load<T>(b);
        return x < y ? -1 : (x > y ? 1 : 0);
      });
    case DTypeKind::Decimal:
      return compare_wide(reinterpret_cast<const uint8_t*>(a.data()), reinterpret_cast<const uint8_t*>(b.data()),
                          unsigned(a.size()));
    default: return compare_bytes(a, b);
  }
}

std::string truncate_bound(const std::string& s, size_t n, bool utf8) {
  if (s.size() <= n) return s;
  size_t cut = n;
  if (utf8)
    while (cut > 0 && (uint8_t(s[cut]) & 0xc0) == 0x80) cut--;
  return s.substr(0, cut);
}

}  // namespace gyre::write
