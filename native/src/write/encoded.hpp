// The writer's intermediate form: an encoded array tree, ready to be serialized into a flat
// segment (vortex-format.md §4). The compressor turns canonical Columns into these trees; the
// segment writer lays out their buffers and the Array flatbuffer.
#pragma once
#include <cstdint>
#include <string>
#include <vector>

#include "../array/column.hpp"

namespace gyre::write {

// One buffer of an encoded node with the alignment the reader needs (log2 bytes).
struct OutBuffer {
  Buffer data;
  uint8_t align_exp = 0;
};

struct EncodedArray {
  std::string encoding;            // encoding id, e.g. "fastlanes.bitpacked"
  std::vector<uint8_t> metadata;   // encoding-specific metadata bytes (§5), may be empty
  std::vector<OutBuffer> buffers;  // this node's own buffers, in the encoding's buffer order
  std::vector<EncodedArray> children;  // slots in the encoding's order (absent optional slots skipped)

  // Total bytes of all buffers in the tree (compressor size estimates).
  uint64_t nbytes() const {
    uint64_t n = metadata.size();
    for (auto& b : buffers) n += b.data.size();
    for (auto& c : children) n += c.nbytes();
    return n;
  }
};

struct CompressOptions {
  bool compress = true;       // false: canonical encodings only ("none")
  int max_depth = 3;          // cascade depth
  uint64_t sample_rows = 1024;  // rows sampled when estimating a scheme's ratio
};

// State of one compression call: options, remaining cascade depth and the schemes a parent
// excluded for this child (e.g. dictionary codes never get FoR; RunEnd ends never get RunEnd).
struct CompressCtx {
  CompressOptions opts;
  int depth = 0;
  std::vector<std::string> excluded;
  bool is_excluded(const char* id) const {
    for (auto& e : excluded)
      if (e == id) return true;
    return false;
  }
};

// A compression scheme (one per encoding family, registered with GYRE_REGISTER_SCHEME). The
// driver (compressor.cc) samples the column, asks every applicable scheme to encode the sample,
// keeps the smallest, then encodes the whole column with it.
class Scheme {
 public:
  virtual ~Scheme() = default;
  virtual const char* id() const = 0;  // the scheme name, e.g. "for", "alp", "fsst"
  virtual bool applies(const Column& c, const CompressCtx& ctx) const = 0;
  // Encodes c, compressing children through compress_child(); returns false when it cannot.
  virtual bool encode(const Column& c, const CompressCtx& ctx, EncodedArray& out) const = 0;
};

struct SchemeRegistrar {
  SchemeRegistrar(Scheme* s, int order);  // lower order = tried first (ties keep the first)
};
#define GYRE_REGISTER_SCHEME(cls, order) static ::gyre::write::SchemeRegistrar GYRE_CONCAT(gyre_scheme_, __LINE__)(new cls(), order)
#ifndef GYRE_CONCAT
#define GYRE_CONCAT2(a, b) a##b
#define GYRE_CONCAT(a, b) GYRE_CONCAT2(a, b)
#endif

// Compresses a child column one cascade level down, excluding `exclude` schemes (plus the
// parent's exclusions where the encoding rules say so).
EncodedArray compress_child(const Column& c, const CompressCtx& parent, std::vector<std::string> exclude);

// Canonical (uncompressed) encoding of a column: vortex.primitive / bool / varbinview / struct /
// list / fixed_size_list / decimal / ext / null, with vortex.bool validity children.
EncodedArray encode_canonical(const Column& c);

// The cascading compressor: picks per column chunk among the registered schemes by sampling and
// falls back to encode_canonical when nothing is smaller.
EncodedArray compress(const Column& c, const CompressOptions& opts);

}  // namespace gyre::write
