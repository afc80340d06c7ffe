// vortex.zstd (vortex-format.md §5.16): zstd frames over the valid values only.
//   Primitive: the concatenated frames hold the valid values densely (LE), scattered to the valid
//              rows in order.
//   Utf8/Binary: records `u32 LE length, bytes`, one per valid row.
// Buffers: [dictionary] if dictionary_size > 0, then one buffer per frame. Slots: [validity (opt)].
#include <vector>

#include "../codec/zstd.hpp"
#include "common.hpp"

namespace gyre {
namespace {

struct ZstdFrameMeta {
  uint64_t uncompressed_size = 0;
  uint64_t n_values = 0;
};

Column decode_zstd(DecodeCtx& ctx, const ArrayNode& node, const DTypePtr& d, uint64_t len) {
  const DType& p = d->physical();
  const bool varlen = p.kind == DTypeKind::Utf8 || p.kind == DTypeKind::Binary;
  if (p.kind != DTypeKind::Primitive && !varlen) corrupt("vortex.zstd with dtype " + d->to_string());

  uint64_t dict_size = 0;
  std::vector<ZstdFrameMeta> frames;
  {
    pb::Reader r(node.metadata());
    pb::Field f;
    while (r.next(f)) {
      if (f.number == 1) {
        dict_size = f.varint;
      } else if (f.number == 2) {
        if (f.wire != pb::Wire::Len) corrupt("vortex.zstd frame metadata has bad wire type");
        if (frames.size() >= node.nbuffers()) corrupt("vortex.zstd has more frames than buffers");
        ZstdFrameMeta fm;
        pb::Reader fr(f.bytes);
        pb::Field ff;
        while (fr.next(ff)) {
          if (ff.number == 1) fm.uncompressed_size = ff.varint;
          else if (ff.number == 2) fm.n_values = ff.varint;
        }
        frames.push_back(fm);
      }
    }
  }
  const uint32_t first_frame = dict_size > 0 ? 1 : 0;
  if (uint64_t(node.nbuffers()) != first_frame + frames.size()) corrupt("vortex.zstd buffer count does not match its frames");
  Bytes dict;
  if (dict_size > 0) {
    dict = node.buffer(0);
    if (dict.size != dict_size) corrupt("vortex.zstd dictionary size mismatch");
  }
  if (node.nchildren() > 1) corrupt("vortex.zstd expects at most one child");
  Buffer validity = optional_validity(ctx, node, 0, len, *d);
  const uint64_t n_valid = validity.empty() ? len : count_set_bits(validity.data(), len);

  uint64_t total = 0;
  for (const auto& fm : frames) {
    if (fm.uncompressed_size > (uint64_t(1) << 40) || total > (uint64_t(1) << 40))
      throw VortexError(kLimit, "vortex.zstd frame too large");
    total += fm.uncompressed_size;
  }
  ctx.alloc.charge(total);  // the decompression buffer
  std::vector<uint8_t> raw;
  raw.reserve(size_t(total));
  std::string err;
  for (size_t k = 0; k < frames.size(); k++) {
    Bytes fb = node.buffer(uint32_t(first_frame + k));
    size_t before = raw.size();
    if (!codec::zstd_decompress(fb.data, fb.size, dict.data, dict.size, size_t(frames[k].uncompressed_size), raw, err))
      corrupt("vortex.zstd frame " + std::to_string(k) + ": " + err);
    if (raw.size() - before != frames[k].uncompressed_size) corrupt("vortex.zstd frame size does not match its metadata");
  }

  Column c;
  c.dtype = d;
  c.length = len;
  c.validity = validity;
  auto valid = [&](uint64_t i) { return validity.empty() || get_bit(validity.data(), i); };

  if (!varlen) {
    const unsigned w = ptype_width(p.ptype);
    if (n_valid > raw.size() / w) corrupt("vortex.zstd holds fewer values than valid rows");
    Buffer out = ctx.alloc.zeros(len * w);
    if (validity.empty()) {
      if (len) std::memcpy(out.data(), raw.data(), len * w);
    } else {
      const uint8_t* src = raw.data();
      uint8_t* dst = out.data();
      for (uint64_t i = 0; i < len; i++) {
        if (!valid(i)) continue;
        std::memcpy(dst + i * w, src, w);
        src += w;
      }
    }
    c.buffers.push_back(out);
    return c;
  }

  // Records: first pass validates and sums the value bytes.
  uint64_t pos = 0, data_total = 0;
  for (uint64_t k = 0; k < n_valid; k++) {
    if (raw.size() - pos < 4) corrupt("vortex.zstd string record truncated");
    uint32_t n = load_le<uint32_t>(raw.data() + pos);
    pos += 4;
    if (raw.size() - pos < n) corrupt("vortex.zstd string record truncated");
    pos += n;
    data_total += n;
  }
  c.large = data_total > 0x7fffffffULL;
  Buffer offs = ctx.alloc.alloc((len + 1) * (c.large ? 8 : 4));
  Buffer data = ctx.alloc.alloc(data_total);
  pos = 0;
  uint64_t out_pos = 0;
  for (uint64_t i = 0; i < len; i++) {
    if (c.large) offs.as<int64_t>()[i] = int64_t(out_pos);
    else offs.as<int32_t>()[i] = int32_t(out_pos);
    if (!valid(i)) continue;
    uint32_t n = load_le<uint32_t>(raw.data() + pos);
    pos += 4;
    if (n) std::memcpy(data.data() + out_pos, raw.data() + pos, n);
    pos += n;
    out_pos += n;
  }
  if (c.large) offs.as<int64_t>()[len] = int64_t(out_pos);
  else offs.as<int32_t>()[len] = int32_t(out_pos);
  c.buffers.push_back(offs);
  c.buffers.push_back(data);
  return c;
}

}  // namespace

GYRE_REGISTER_ENCODING("vortex.zstd", decode_zstd);

}  // namespace gyre
