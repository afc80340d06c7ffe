#include "common.hpp"

#include <algorithm>
#include <limits>

#include "../../encodings/fastlanes/kernels.hpp"

namespace gyre::write {

// ---- scalars -------------------------------------------------------------------------------------

std::vector<uint8_t> scalar_null() { return {0x08, 0x00}; }
std::vector<uint8_t> scalar_bool(bool b) { return {0x10, uint8_t(b ? 1 : 0)}; }
std::vector<uint8_t> scalar_i64(int64_t v) {
  Proto p;
  p.opt_u(3, (uint64_t(v) << 1) ^ uint64_t(v >> 63));  // sint64: zigzag
  return p.out;
}
std::vector<uint8_t> scalar_u64(uint64_t v) {
  Proto p;
  p.opt_u(4, v);
  return p.out;
}

std::vector<uint8_t> scalar_int_bits(PType p, uint64_t bits) {
  const unsigned w = ptype_width(p);
  if (ptype_is_signed(p)) {
    const unsigned sh = 64 - 8 * w;
    return scalar_i64(int64_t(bits << sh) >> sh);
  }
  return scalar_u64(w == 8 ? bits : bits & ((uint64_t(1) << (8 * w)) - 1));
}

std::vector<uint8_t> scalar_primitive(PType p, const uint8_t* values, uint64_t i) {
  const unsigned w = ptype_width(p);
  const uint8_t* e = values + i * w;
  if (ptype_is_int(p)) {
    uint64_t bits = 0;
    std::memcpy(&bits, e, w);
    return scalar_int_bits(p, bits);
  }
  Proto pb;
  if (p == PType::F16) {
    uint16_t b;
    std::memcpy(&b, e, 2);
    pb.opt_u(10, b);
    return pb.out;
  }
  pb.tag(p == PType::F32 ? 5 : 6, p == PType::F32 ? 5 : 1);
  pb.out.insert(pb.out.end(), e, e + w);
  return pb.out;
}

// ---- columns and nodes ----------------------------------------------------------------------------

Column new_primitive(PType p, bool nullable, uint64_t n) {
  Column c;
  c.dtype = DType::primitive(p, nullable);
  c.length = n;
  c.buffers.push_back(Buffer::alloc(size_t(n * ptype_width(p))));
  return c;
}

namespace {
Buffer view_prefix(const Buffer& b, uint64_t n) {
  Buffer v = b;
  v.truncate(size_t(n));
  return v;
}
}  // namespace

EncodedArray validity_node(const Column& c) {
  if (c.null_count() == c.length) return constant_node(scalar_bool(false));
  EncodedArray v;
  v.encoding = "vortex.bool";
  v.buffers.push_back({view_prefix(c.validity, bitmap_bytes(c.length)), 0});
  return v;
}

void push_validity(EncodedArray& node, const Column& c) {
  if (has_nulls(c)) node.children.push_back(validity_node(c));
}

EncodedArray primitive_node(const Column& c) {
  const unsigned w = ptype_width(c.dtype->physical().ptype);
  EncodedArray n;
  n.encoding = "vortex.primitive";
  n.buffers.push_back({view_prefix(c.buffers.at(0), c.length * w), align_of_width(w)});
  push_validity(n, c);
  return n;
}

EncodedArray constant_node(std::vector<uint8_t> scalar) {
  EncodedArray n;
  n.encoding = "vortex.constant";
  n.buffers.push_back({Buffer::copy_of(scalar.data(), scalar.size()), 0});
  return n;
}

PType smallest_unsigned(uint64_t max) {
  if (max <= 0xff) return PType::U8;
  if (max <= 0xffff) return PType::U16;
  if (max <= 0xffffffffULL) return PType::U32;
  return PType::U64;
}

Column narrowed_indices(const std::vector<uint64_t>& v) {
  uint64_t mx = 0;
  for (uint64_t x : v) mx = std::max(mx, x);
  const PType p = smallest_unsigned(mx);
  Column c = new_primitive(p, false, v.size());
  with_word(ptype_width(p), [&]<typename U>() {
    U* o = c.buffers[0].as<U>();
    for (size_t i = 0; i < v.size(); i++) o[i] = U(v[i]);
  });
  return c;
}

Column narrow_int(const Column& c) {
  const PType src = c.dtype->physical().ptype;
  const bool nullable = c.dtype->is_nullable();
  const bool nulls = has_nulls(c);
  // Min / max over the valid values, as i64 (u64 values above i64::MAX keep the type).
  bool any = false, fits_i64 = true;
  int64_t mn = 0, mx = 0;
  with_int_type(src, [&]<typename T>() {
    const T* v = c.buffers[0].as<const T>();
    T lo{}, hi{};
    for_each_valid_range(c, [&](uint64_t b, uint64_t e) {
      if (!any) lo = hi = v[b], any = true;
      for (uint64_t i = b; i < e; i++) lo = std::min(lo, v[i]), hi = std::max(hi, v[i]);
    });
    if (!any) return;
    if constexpr (std::is_same_v<T, uint64_t>) fits_i64 = hi <= uint64_t(std::numeric_limits<int64_t>::max());
    mn = int64_t(lo), mx = int64_t(hi);
  });
  PType dst = src;
  if (!any) {
    dst = PType::U8;
  } else if (fits_i64) {
    if (mn < 0) {
      if (mn >= INT8_MIN && mx <= INT8_MAX) dst = PType::I8;
      else if (mn >= INT16_MIN && mx <= INT16_MAX) dst = PType::I16;
      else if (mn >= INT32_MIN && mx <= INT32_MAX) dst = PType::I32;
    } else {
      if (mx <= 0xff) dst = PType::U8;
      else if (mx <= 0xffff) dst = PType::U16;
      else if (mx <= 0xffffffffLL) dst = PType::U32;
    }
  }
  if (dst == src && !nulls) return c;
  Column out = new_primitive(dst, nullable, c.length);
  if (nulls) out.validity = c.validity;
  with_int_type(src, [&]<typename T>() {
    const T* v = c.buffers[0].as<const T>();
    with_int_type(dst, [&]<typename D>() {
      D* o = out.buffers[0].as<D>();
      if (!any) {
        std::memset(o, 0, c.length * sizeof(D));
        return;
      }
      for (uint64_t i = 0; i < c.length; i++) o[i] = D(v[i]);
      if (nulls) for_each_null_range(c, [&](uint64_t b, uint64_t e) { std::fill(o + b, o + e, D(0)); });
    });
  });
  return out;
}

// ---- patches ---------------------------------------------------------------------------------------

std::vector<uint8_t> PatchSet::metadata() const {
  Proto p;
  p.u(1, indices.size());
  p.u(3, uint64_t(smallest_unsigned(indices.empty() ? 0 : indices.back())));
  if (with_chunk_offsets) {
    uint64_t mx = 0;
    for (uint64_t x : chunk_offsets) mx = std::max(mx, x);
    p.opt_u(4, chunk_offsets.size());
    p.opt_u(5, uint64_t(smallest_unsigned(mx)));
    p.opt_u(6, 0);
  }
  return p.out;
}

void PatchSet::push_children(EncodedArray& node) const {
  node.children.push_back(primitive_node(narrowed_indices(indices)));
  // Constant patch values become a vortex.constant (the official compress_patches).
  const PType p = values.dtype->physical().ptype;
  const unsigned w = ptype_width(p);
  const uint8_t* v = values.buffers[0].data();
  bool constant = values.length > 0;
  for (uint64_t i = 1; i < values.length && constant; i++) constant = std::memcmp(v, v + i * w, w) == 0;
  if (constant) node.children.push_back(constant_node(scalar_primitive(p, v, 0)));
  else node.children.push_back(primitive_node(values));
  if (with_chunk_offsets) node.children.push_back(primitive_node(narrowed_indices(chunk_offsets)));
}

// ---- bit-packing ----------------------------------------------------------------------------------

unsigned best_bit_width(const Column& c) {
  const PType p = c.dtype->physical().ptype;
  const unsigned T = 8 * ptype_width(p);
  uint64_t hist[65] = {0};
  uint64_t valid = 0;
  with_word(ptype_width(p), [&]<typename U>() {
    const U* v = c.buffers[0].as<const U>();
    for_each_valid_range(c, [&](uint64_t b, uint64_t e) {
      for (uint64_t i = b; i < e; i++) hist[bit_width_of(v[i])]++;
      valid += e - b;
    });
  });
  hist[0] += c.length - valid;  // nulls cost nothing
  const uint64_t len = c.length, bpe = ptype_width(p) + 4;
  uint64_t packed = 0, best_cost = len * bpe;
  unsigned best = 0;
  for (unsigned bw = 0; bw <= T; bw++) {
    packed += hist[bw];
    const uint64_t cost = (uint64_t(bw) * len + 7) / 8 + (len - packed) * bpe;
    if (cost < best_cost) best_cost = cost, best = bw;
  }
  return best;
}

EncodedArray bitpack_node(const Column& c, unsigned W, bool may_patch) {
  const PType p = c.dtype->physical().ptype;
  const unsigned w = ptype_width(p);
  EncodedArray node;
  node.encoding = "fastlanes.bitpacked";
  PatchSet patches;
  with_word(w, [&]<typename U>() {
    constexpr unsigned B = fl::kBits<U>;
    const U* v = c.buffers[0].as<const U>();
    const uint64_t n = c.length, nblocks = (n + fl::kBlockLen - 1) / fl::kBlockLen;
    const size_t bw = fl::packed_block_words<U>(W);
    if (W > 0) {
      Buffer packed = Buffer::alloc(size_t(nblocks * bw * sizeof(U)));
      U* o = packed.as<U>();
      const uint64_t full = n / fl::kBlockLen;
      for (uint64_t b = 0; b < full; b++) fl::pack_block<U>(v + b * fl::kBlockLen, W, o + b * bw);
      if (full != nblocks) {
        alignas(64) U tmp[fl::kBlockLen] = {};
        std::memcpy(tmp, v + full * fl::kBlockLen, (n - full * fl::kBlockLen) * sizeof(U));
        fl::pack_block<U>(tmp, W, o + full * bw);
      }
      node.buffers.push_back({packed, align_of_width(w)});
    } else {
      node.buffers.push_back({Buffer::alloc(0), align_of_width(w)});
    }
    // Patches only when some value (valid or not) is wider than W: one cheap vectorised pass.
    auto any_wider = [&] {
      U wide = 0;
      for (uint64_t i = 0; i < n; i++) wide |= U(v[i] >> W);
      return wide != 0;
    };
    if (W < B && may_patch && any_wider()) {
      const bool nulls = has_nulls(c);
      patches.with_chunk_offsets = true;
      patches.chunk_offsets.reserve(size_t(nblocks));
      for (uint64_t i = 0; i < n; i++) {
        if ((i % fl::kBlockLen) == 0) patches.chunk_offsets.push_back(patches.indices.size());
        if (U(v[i] >> W) != 0 && (!nulls || c.is_valid(i))) patches.indices.push_back(i);
      }
      if (!patches.empty()) {
        patches.values = new_primitive(p, c.dtype->is_nullable(), patches.indices.size());
        U* pv = patches.values.buffers[0].as<U>();
        for (size_t k = 0; k < patches.indices.size(); k++) pv[k] = v[patches.indices[k]];
      }
    }
  });
  Proto m;
  m.u(1, W);
  if (!patches.empty()) m.msg(3, patches.metadata());
  node.metadata = m.out;
  if (!patches.empty()) patches.push_children(node);
  push_validity(node, c);
  return node;
}

}  // namespace gyre::write
