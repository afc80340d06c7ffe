// Helpers shared by the string/binary schemes (fsst.cc, string_dict.cc, string_misc.cc).
#pragma once
#include <cstdint>
#include <cstring>
#include <string_view>

#include "../fsst_train.hpp"
#include "common.hpp"

namespace gyre::write {

// Scheme ids and registration order of the string/binary family (official order: string dict,
// FSST, string constant, string sparse; binary dict, binary constant).
namespace ids {
inline constexpr const char* kStringDict = "string.dict";
inline constexpr const char* kStringFSST = "string.fsst";
inline constexpr const char* kStringConstant = "string.constant";
inline constexpr const char* kStringSparse = "string.sparse";
inline constexpr const char* kBinaryDict = "binary.dict";
inline constexpr const char* kBinaryConstant = "binary.constant";
}  // namespace ids
namespace order {
inline constexpr int kStringDict = 400, kStringFSST = 410, kStringConstant = 420, kStringSparse = 430;
inline constexpr int kBinaryDict = 500, kBinaryConstant = 510;
}  // namespace order

inline bool is_utf8(const Column& c) { return c.dtype->physical().kind == DTypeKind::Utf8; }
inline bool is_binary(const Column& c) { return c.dtype->physical().kind == DTypeKind::Binary; }

// Row access over a Utf8/Binary column in Arrow layout (offsets may start past 0).
struct StrCol {
  const uint8_t* data = nullptr;
  uint64_t data_size = 0;
  const int32_t* o32 = nullptr;
  const int64_t* o64 = nullptr;
  const uint8_t* validity = nullptr;
  uint64_t rows = 0;

  explicit StrCol(const Column& c) : rows(c.length) {
    if (c.large) o64 = c.buffers[0].as<int64_t>();
    else o32 = c.buffers[0].as<int32_t>();
    if (c.buffers.size() > 1 && !c.buffers[1].empty()) {
      data = c.buffers[1].data();
      data_size = c.buffers[1].size();
    }
    if (!c.validity.empty()) validity = c.validity.data();
  }
  uint64_t off(uint64_t i) const { return o64 ? uint64_t(o64[i]) : uint64_t(uint32_t(o32[i])); }
  uint64_t len(uint64_t i) const { return off(i + 1) - off(i); }
  bool valid(uint64_t i) const { return !validity || ((validity[i >> 3] >> (i & 7)) & 1); }
  const uint8_t* ptr(uint64_t i) const { return data ? data + off(i) : nullptr; }
  std::string_view str(uint64_t i) const {
    uint64_t n = len(i);
    return n ? std::string_view(reinterpret_cast<const char*>(data + off(i)), n) : std::string_view();
  }
  fsst::Strings fsst_view() const {
    fsst::Strings s;
    s.data = data;
    s.data_size = data_size;
    s.off32 = o32;
    s.off64 = o64;
    s.validity = validity;
    s.rows = rows;
    return s;
  }
};

// A fast 64-bit hash of a byte string (hash tables of the dictionary schemes): two independent
// multiply-rotate lanes over 16-byte steps, then a final avalanche.
inline uint64_t hash_bytes(const uint8_t* p, uint64_t n) {
  constexpr uint64_t k1 = 0x9E3779B97F4A7C15ull, k2 = 0xC2B2AE3D27D4EB4Full, k3 = 0x165667B19E3779F9ull;
  auto rotl = [](uint64_t x, int r) { return (x << r) | (x >> (64 - r)); };
  uint64_t a = n * k1, b = n ^ k3;
  while (n >= 16) {
    uint64_t w1, w2;
    std::memcpy(&w1, p, 8);
    std::memcpy(&w2, p + 8, 8);
    a = rotl(a ^ (w1 * k2), 31) * k1;
    b = rotl(b ^ (w2 * k1), 29) * k2;
    p += 16;
    n -= 16;
  }
  if (n >= 8) {
    uint64_t w;
    std::memcpy(&w, p, 8);
    a = rotl(a ^ (w * k2), 31) * k1;
    p += 8;
    n -= 8;
  }
  if (n) {
    uint64_t w = 0;
    std::memcpy(&w, p, n);
    b = rotl(b ^ ((w ^ 0xff) * k1), 29) * k2;
  }
  uint64_t h = a ^ rotl(b, 17);
  h ^= h >> 29;
  h *= k3;
  h ^= h >> 32;
  return h;
}

// A scalar of a Utf8 (string_value, field 7) or Binary (bytes_value, field 8) value.
inline std::vector<uint8_t> scalar_string(bool utf8, std::string_view v) {
  Proto p;
  p.tag(utf8 ? 7 : 8, 2);
  p.varint(v.size());
  p.out.insert(p.out.end(), v.begin(), v.end());
  return p.out;
}

// Number of distinct valid values, or limit + 1 as soon as more than `limit` are seen.
uint64_t distinct_strings(const Column& c, uint64_t limit);

}  // namespace gyre::write
