// FastLanes RLE (`fastlanes.rle`, vortex-format.md §5.4) for integer and float columns whose
// average run of equal valid values is at least 4: per 1024-row block, the run values and one
// run number per row. Nulls are filled forward first (no spurious runs); the tail block repeats
// the last value and its padding rows are invalid. Values are compressed further; indices and
// block offsets are narrowed and never get dict / sparse.
#include "../../encodings/fastlanes/kernels.hpp"
#include "common.hpp"

namespace gyre::write {
namespace {

constexpr uint64_t kRunLengthThreshold = 4;

bool rle_encode(const Column& c, const CompressCtx& ctx, EncodedArray& out) {
  const uint64_t n = c.length;
  if (n == 0) return false;
  const PType p = c.dtype->ptype;
  const bool nulls = has_nulls(c);
  const uint64_t nblocks = (n + fl::kBlockLen - 1) / fl::kBlockLen, padded = nblocks * fl::kBlockLen;
  Column values, indices = new_primitive(PType::U16, c.dtype->is_nullable(), padded);
  std::vector<uint64_t> offsets(static_cast<size_t>(nblocks));
  with_word(ptype_width(p), [&]<typename U>() {
    const U* v = c.buffers[0].as<const U>();
    // Fill nulls forward (leading nulls take the first valid value).
    std::vector<U> filled;
    const U* in = v;
    if (nulls) {
      filled.assign(v, v + n);
      uint64_t first = 0;
      while (first < n && !c.is_valid(first)) first++;
      U prev = first < n ? v[first] : U(0);
      for (uint64_t i = 0; i < n; i++) {
        if (c.is_valid(i)) prev = v[i];
        else filled[i] = prev;
      }
      in = filled.data();
    }
    std::vector<U> runs;
    uint16_t* idx = indices.buffers[0].as<uint16_t>();
    alignas(64) U tail[fl::kBlockLen];
    for (uint64_t b = 0; b < nblocks; b++) {
      const U* block = in + b * fl::kBlockLen;
      if ((b + 1) * fl::kBlockLen > n) {
        const uint64_t rem = n - b * fl::kBlockLen;
        std::fill(tail, tail + fl::kBlockLen, in[n - 1]);
        std::memcpy(tail, block, rem * sizeof(U));
        block = tail;
      }
      offsets[b] = runs.size();
      const size_t at = runs.size();
      runs.resize(at + fl::kBlockLen);
      runs.resize(at + fl::rle_encode_block<U>(block, fl::kBlockLen, runs.data() + at, idx + b * fl::kBlockLen));
    }
    values = new_primitive(p, false, runs.size());
    std::memcpy(values.buffers[0].data(), runs.data(), runs.size() * sizeof(U));
  });
  if (nulls) {
    indices.validity = Buffer::zeros(bitmap_bytes(padded));
    copy_bits(c.validity.data(), 0, indices.validity.data(), 0, n);
  }
  indices = narrow_int(indices);
  Column offs = narrowed_indices(offsets);
  out = EncodedArray();
  out.encoding = "fastlanes.rle";
  Proto m;
  m.u(1, values.length).u(2, padded).u(3, uint64_t(indices.dtype->ptype));
  m.u(4, nblocks).u(5, uint64_t(offs.dtype->ptype));
  out.metadata = m.out;
  out.children.push_back(compress_child(values, ctx, {}));
  out.children.push_back(compress_child(indices, ctx, {ids::kIntDict, ids::kIntSparse}));
  out.children.push_back(compress_child(offs, ctx, {ids::kIntDict, ids::kIntSparse}));
  return true;
}

class RLE : public SchemeBase {
 public:
  RLE(const char* id, bool floats) : id_(id), floats_(floats) {}
  const char* id() const override { return id_; }
  bool applies(const Column& c, const CompressCtx&) const override {
    return c.dtype->kind == DTypeKind::Primitive &&
           (floats_ ? ptype_is_float(c.dtype->ptype) : ptype_is_int(c.dtype->ptype));
  }
  Estimate estimate(ColumnStats& st, const CompressCtx& ctx) const override {
    if (cascade_exhausted(ctx) || st.average_run_length() < kRunLengthThreshold) return Estimate::skip();
    return Estimate::sample();
  }
  bool encode(const Column& c, const CompressCtx& ctx, EncodedArray& out) const override {
    return rle_encode(c, ctx, out);
  }

 private:
  const char* id_;
  bool floats_;
};

class IntRLE final : public RLE {
 public:
  IntRLE() : RLE(ids::kIntRLE, false) {}
};
class FloatRLE final : public RLE {
 public:
  FloatRLE() : RLE(ids::kFloatRLE, true) {}
};

}  // namespace

GYRE_REGISTER_SCHEME(IntRLE, order::kIntRLE);
GYRE_REGISTER_SCHEME(FloatRLE, order::kFloatRLE);

}  // namespace gyre::write
