// FastLanes encodings: fastlanes.bitpacked (§5.2), fastlanes.for (§5.3), fastlanes.rle (§5.4) and
// fastlanes.delta (§5.5). The bulk work is done by the kernels in fastlanes/kernels.hpp; this file
// validates everything the file claims, allocates the output once (through ctx.alloc) and runs the
// kernels straight into it.
//
// Fusions:
//   * for → bitpacked: the reference is added while unpacking (one pass, no intermediate buffer);
//     patches get the reference added as they are scattered.
//   * for → anything else: the child column is decoded, made unique, and the reference is added in
//     place.
#include <algorithm>

#include "common.hpp"
#include "fastlanes/kernels.hpp"

namespace gyre {
namespace {

constexpr uint64_t kMaxRows = uint64_t(1) << 48;

// n * w as a byte count; refuses absurd lengths before they can overflow (they would be refused by
// the allocator budget anyway).
uint64_t byte_size(uint64_t n, uint64_t w) {
  if (n > kMaxRows) throw VortexError(kLimit, "array length " + std::to_string(n) + " is too large");
  return n * w;
}

// A view of a file buffer as T words; copies (through the allocator) if the bytes are misaligned.
template <typename T>
const T* aligned_words(DecodeCtx& ctx, Bytes b, Buffer& keep) {
  if (reinterpret_cast<uintptr_t>(b.data) % alignof(T) == 0 || b.size == 0) return reinterpret_cast<const T*>(b.data);
  keep = ctx.alloc.alloc(b.size);
  std::memcpy(keep.data(), b.data, b.size);
  return keep.as<const T>();
}

// Calls fn(k, value) for every row of an integer column, values as u64 (negative values rejected).
template <typename Fn>
void for_each_index(const Column& c, Fn&& fn) {
  dispatch_int(c.dtype->physical().ptype, [&]<typename T>() {
    const T* p = c.buffers.at(0).as<const T>();
    for (uint64_t k = 0; k < c.length; k++) {
      if constexpr (std::is_signed_v<T>) {
        if (p[k] < 0) corrupt("negative patch index");
      }
      fn(k, uint64_t(p[k]));
    }
  });
}


// ---- fastlanes.bitpacked ---------------------------------------------------------------------------

struct BitPackedMeta {
  uint64_t bit_width = 0;
  uint64_t offset = 0;
  bool has_patches = false;
  PatchesMeta patches;
};

BitPackedMeta parse_bitpacked_meta(Bytes m) {
  BitPackedMeta out;
  pb::Reader r(m);
  pb::Field f;
  while (r.next(f)) {
    switch (f.number) {
      case 1: out.bit_width = f.varint; break;
      case 2: out.offset = f.varint; break;
      case 3:
        if (f.wire != pb::Wire::Len) corrupt("bitpacked patches metadata has the wrong wire type");
        out.has_patches = true;
        out.patches = parse_patches(f.bytes);
        break;
      default: break;
    }
  }
  if (out.offset >= fl::kBlockLen) corrupt("fastlanes.bitpacked offset must be < 1024");
  return out;
}

// Decodes a bitpacked node of integer dtype `d` into a fresh buffer, adding `ref` to every value
// (wrapping; patches included) — fastlanes.for calls this with its reference, plain bitpacked with
// 0. U is the unsigned type of d's width.
template <typename U>
Column bitpacked_impl(DecodeCtx& ctx, const ArrayNode& node, const DTypePtr& d, uint64_t len, U ref) {
  constexpr unsigned B = fl::kBits<U>;
  const BitPackedMeta m = parse_bitpacked_meta(node.metadata());
  if (m.bit_width > B) corrupt("fastlanes.bitpacked bit width " + std::to_string(m.bit_width) + " exceeds type width");
  const unsigned W = unsigned(m.bit_width);

  const uint32_t vslot = m.has_patches ? (m.patches.chunk_offsets_ptype ? 3 : 2) : 0;
  const uint32_t nc = node.nchildren();
  if (nc != vslot && nc != vslot + 1) corrupt("fastlanes.bitpacked has " + std::to_string(nc) + " children, expected " + std::to_string(vslot) + " or " + std::to_string(vslot + 1));

  // Validate the packed stream before allocating the output (len comes from the parent).
  const uint64_t nblocks = (byte_size(len, 1) + m.offset + fl::kBlockLen - 1) / fl::kBlockLen;
  const uint64_t need_words = nblocks * fl::packed_block_words<U>(W);
  Bytes packed;
  if (W != 0) {
    if (node.nbuffers() < 1) corrupt("fastlanes.bitpacked without a packed buffer");
    packed = node.buffer(0);
    if (packed.size / sizeof(U) < need_words)
      corrupt("fastlanes.bitpacked packed buffer has " + std::to_string(packed.size) + " bytes, needs " +
              std::to_string(need_words * sizeof(U)));
  }

  Column c;
  c.dtype = d;
  c.length = len;
  Buffer out = ctx.alloc.alloc(byte_size(len, sizeof(U)));
  U* o = out.as<U>();
  if (W == 0) {
    std::fill(o, o + len, ref);
  } else {
    Buffer keep;
    const U* words = aligned_words<U>(ctx, packed, keep);
    // Whole blocks are unpacked straight into the output (the FoR reference added on the fly).
    bool ok = ref != 0 ? fl::unpack_range_for<U>(words, need_words, W, m.offset, len, ref, o)
                       : fl::unpack_range<U>(words, need_words, W, m.offset, len, o);
    if (!ok) corrupt("fastlanes.bitpacked packed stream inconsistent with its length");
  }
  c.buffers.push_back(out);

  if (nc == vslot + 1) c.validity = optional_validity(ctx, node, vslot, len, *d);

  if (m.has_patches) {
    const PatchesMeta& pm = m.patches;
    Column idx = decode_primitive(ctx, node.child(0), pm.indices_ptype, false, pm.len);
    Column vals = ctx.decode(node.child(1), d, pm.len);
    // Chunk offsets (child 2) only accelerate random access; a full decode does not need them.
    const U* pv = vals.buffers.at(0).as<const U>();
    const bool null_patches = !vals.validity.empty() && d->is_nullable();
    if (null_patches && c.validity.empty()) {
      c.validity = ctx.alloc.alloc(bitmap_bytes(len));
      std::memset(c.validity.data(), 0xff, bitmap_bytes(len));
    }
    for_each_index(idx, [&](uint64_t k, uint64_t ix) {
      if (ix < pm.offset) return;
      const uint64_t p = ix - pm.offset;
      if (p >= len) return;
      o[p] = U(pv[k] + ref);
      if (null_patches) {
        if (vals.is_valid(k)) set_bit(c.validity.data(), p); else clear_bit(c.validity.data(), p);
      }
    });
  }
  return c;
}

Column decode_bitpacked(DecodeCtx& ctx, const ArrayNode& node, const DTypePtr& d, uint64_t len) {
  const DType& p = d->physical();
  if (!p.is_int()) corrupt("fastlanes.bitpacked with dtype " + d->to_string());
  return dispatch_width(ptype_width(p.ptype), [&]<typename U>() { return bitpacked_impl<U>(ctx, node, d, len, U(0)); });
}

// ---- fastlanes.for -----------------------------------------------------------------------------------

Column decode_for(DecodeCtx& ctx, const ArrayNode& node, const DTypePtr& d, uint64_t len) {
  const DType& p = d->physical();
  if (!p.is_int()) corrupt("fastlanes.for with dtype " + d->to_string());
  if (node.nchildren() != 1) corrupt("fastlanes.for expects exactly 1 child");
  Scalar s = parse_scalar(node.metadata());
  if (s.is_null()) corrupt("fastlanes.for reference is null");
  if (s.kind != Scalar::Kind::Int && s.kind != Scalar::Kind::UInt) corrupt("fastlanes.for reference is not an integer");
  const uint64_t bits = s.int_bits();
  ArrayNode child = node.child(0);
  return dispatch_width(ptype_width(p.ptype), [&]<typename U>() -> Column {
    const U ref = U(bits);
    if (ctx.encoding_id(child) == "fastlanes.bitpacked") {
      if (++ctx.depth > 64) corrupt("array tree nested too deeply");
      Column c = bitpacked_impl<U>(ctx, child, d, len, ref);
      ctx.depth--;
      return c;
    }
    Column c = ctx.decode(child, d, len);
    if (ref != 0 && len) {
      make_unique_buffer(ctx, c, 0);
      U* v = c.buffers[0].as<U>();
      for (uint64_t i = 0; i < len; i++) v[i] = U(v[i] + ref);
    }
    return c;
  });
}

// ---- fastlanes.rle ---------------------------------------------------------------------------------

Column decode_rle(DecodeCtx& ctx, const ArrayNode& node, const DTypePtr& d, uint64_t len) {
  const DType& p = d->physical();
  if (p.kind != DTypeKind::Primitive) corrupt("fastlanes.rle with dtype " + d->to_string());
  uint64_t values_len = 0, indices_len = 0, offsets_len = 0, offset = 0;
  PType indices_pt = PType::U8, offsets_pt = PType::U8;
  pb::Reader r(node.metadata());
  pb::Field f;
  while (r.next(f)) {
    switch (f.number) {
      case 1: values_len = f.varint; break;
      case 2: indices_len = f.varint; break;
      case 3: indices_pt = ptype_from_code(f.varint); break;
      case 4: offsets_len = f.varint; break;
      case 5: offsets_pt = ptype_from_code(f.varint); break;
      case 6: offset = f.varint; break;
      default: break;
    }
  }
  if (!ptype_is_unsigned(indices_pt) || !ptype_is_unsigned(offsets_pt)) corrupt("fastlanes.rle index types must be unsigned");
  if (node.nchildren() != 3) corrupt("fastlanes.rle expects 3 children");
  if (offset > indices_len || len > indices_len - offset) corrupt("fastlanes.rle offset/length exceed the indices");
  const uint64_t blocks_needed = len == 0 ? 0 : (offset + len - 1) / fl::kBlockLen + 1;
  if (offsets_len < blocks_needed) corrupt("fastlanes.rle has too few value offsets");

  Column values = decode_primitive(ctx, node.child(0), p.ptype, false, values_len);
  Column indices = decode_primitive(ctx, node.child(1), indices_pt, d->is_nullable(), indices_len);
  Column offs = decode_primitive(ctx, node.child(2), offsets_pt, false, offsets_len);
  std::vector<uint64_t> ov = int_column_u64(offs);

  Column c;
  c.dtype = d;
  c.length = len;
  const unsigned w = ptype_width(p.ptype);
  Buffer out = ctx.alloc.alloc(byte_size(len, w));
  bool ok = true;
  // Floats are moved as their bit patterns.
  auto run = [&]<typename V>() {
    dispatch_width(ptype_width(indices_pt), [&]<typename I>() {
      ok = fl::rle_decode_range<V, I, uint64_t>(values.buffers[0].as<const V>(), values_len, indices.buffers[0].as<const I>(),
                                                indices_len, ov.data(), ov.size(), offset, len, out.as<V>());
    });
  };
  switch (w) {
    case 1: run.template operator()<uint8_t>(); break;
    case 2: run.template operator()<uint16_t>(); break;
    case 4: run.template operator()<uint32_t>(); break;
    default: run.template operator()<uint64_t>(); break;
  }
  if (!ok) corrupt("fastlanes.rle values/offsets inconsistent");
  c.buffers.push_back(out);
  if (!indices.validity.empty() && d->is_nullable()) {
    if (offset == 0) {
      c.validity = indices.validity;
    } else {
      c.validity = ctx.alloc.zeros(bitmap_bytes(len));
      copy_bits(indices.validity.data(), offset, c.validity.data(), 0, len);
    }
  }
  return c;
}

// ---- fastlanes.delta -------------------------------------------------------------------------------

Column decode_delta(DecodeCtx& ctx, const ArrayNode& node, const DTypePtr& d, uint64_t len) {
  const DType& p = d->physical();
  if (!p.is_int()) corrupt("fastlanes.delta with dtype " + d->to_string());
  uint64_t deltas_len = 0, offset = 0;
  pb::Reader r(node.metadata());
  pb::Field f;
  while (r.next(f)) {
    if (f.number == 1) deltas_len = f.varint;
    else if (f.number == 2) offset = f.varint;
  }
  // Current writers: [bases, deltas], validity carried (transposed) by the deltas. Older writers
  // (≤ 0.5x): [bases, deltas, validity] with a plain validity child of `len` rows.
  const uint32_t nc = node.nchildren();
  if (nc != 2 && nc != 3) corrupt("fastlanes.delta expects 2 or 3 children");
  if (offset >= fl::kBlockLen) corrupt("fastlanes.delta offset must be < 1024");
  if (deltas_len > kMaxRows || offset + len > deltas_len) corrupt("fastlanes.delta offset/length exceed the deltas");
  return dispatch_width(ptype_width(p.ptype), [&]<typename U>() -> Column {
    constexpr uint64_t L = fl::kLanes<U>;
    const uint64_t nblocks = deltas_len / fl::kBlockLen, rem = deltas_len % fl::kBlockLen;
    const uint64_t bases_len = nblocks * L + (rem ? 1 : 0);
    Column bases = ctx.decode(node.child(0), d, bases_len);
    Column deltas = ctx.decode(node.child(1), d, deltas_len);
    Column c;
    c.dtype = d;
    c.length = len;
    Buffer out = ctx.alloc.alloc(byte_size(deltas_len, sizeof(U)));
    if (!fl::undelta_stream<U>(bases.buffers[0].as<const U>(), bases_len, deltas.buffers[0].as<const U>(), deltas_len,
                               out.as<U>()))
      corrupt("fastlanes.delta bases inconsistent with deltas");
    if (offset) std::memmove(out.data(), out.data() + offset * sizeof(U), len * sizeof(U));
    out.truncate(len * sizeof(U));
    c.buffers.push_back(out);
    if (nc == 3) {
      c.validity = optional_validity(ctx, node, 2, len, *d);
    } else if (!deltas.validity.empty() && d->is_nullable()) {
      // The deltas' validity is stored in FastLanes-transposed bit order per full 1024-block:
      // linear bit j = transposed bit transpose_index(j). A trailing partial block is linear.
      const uint8_t* src = deltas.validity.data();
      Buffer lin = ctx.alloc.zeros(bitmap_bytes(deltas_len));
      uint8_t* dst = lin.data();
      for (uint64_t b = 0; b < nblocks; b++) {
        const uint64_t base = b * fl::kBlockLen;
        for (unsigned j = 0; j < fl::kBlockLen; j++)
          if (get_bit(src, base + fl::transpose_index(j))) set_bit(dst, base + j);
      }
      if (rem) copy_bits(src, nblocks * fl::kBlockLen, dst, nblocks * fl::kBlockLen, rem);
      if (offset == 0) {
        c.validity = lin;
      } else {
        c.validity = ctx.alloc.zeros(bitmap_bytes(len));
        copy_bits(dst, offset, c.validity.data(), 0, len);
      }
    }
    return c;
  });
}

}  // namespace

GYRE_REGISTER_ENCODING("fastlanes.bitpacked", decode_bitpacked);
GYRE_REGISTER_ENCODING("fastlanes.for", decode_for);
GYRE_REGISTER_ENCODING("fastlanes.rle", decode_rle);
GYRE_REGISTER_ENCODING("fastlanes.delta", decode_delta);

}  // namespace gyre
