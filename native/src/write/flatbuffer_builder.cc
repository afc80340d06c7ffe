#include "flatbuffer_builder.hpp"

#include <algorithm>

#include "../core/error.hpp"

namespace gyre::fbw {

uint8_t* Builder::space(size_t n) {
  if (used_ + n > buf_.size()) {
    size_t cap = std::max(buf_.size() * 2, used_ + n + 256);
    std::vector<uint8_t> grown(cap);
    std::memcpy(grown.data() + cap - used_, buf_.data() + buf_.size() - used_, used_);
    buf_.swap(grown);
  }
  if (uint64_t(used_) + n > 0x7fffffffu) throw VortexError(kLimit, "flatbuffer larger than 2 GiB");
  used_ += uint32_t(n);
  return buf_.data() + buf_.size() - used_;
}

// Pads so that, once `len` more bytes are written, the write position is `alignment`-aligned.
void Builder::align(size_t len, size_t alignment) {
  minalign_ = std::max(minalign_, alignment);
  size_t pad = (alignment - ((used_ + len) & (alignment - 1))) & (alignment - 1);
  if (pad) std::memset(space(pad), 0, pad);
}

Ref Builder::string(std::string_view s) {
  align(s.size() + 1, 4);
  *space(1) = 0;
  if (!s.empty()) std::memcpy(space(s.size()), s.data(), s.size());
  push<uint32_t>(uint32_t(s.size()));
  return Ref{used_};
}

Ref Builder::vector_of(const uint8_t* p, size_t n, size_t elem_size, size_t alignment) {
  size_t len = n * elem_size;
  align(len, 4);
  align(len, alignment);
  if (len) std::memcpy(space(len), p, len);
  push<uint32_t>(uint32_t(n));
  return Ref{used_};
}

Ref Builder::refs(const std::vector<Ref>& v) {
  align(v.size() * 4, 4);
  for (size_t i = v.size(); i-- > 0;) push<uint32_t>(refer(v[i]));
  push<uint32_t>(uint32_t(v.size()));
  return Ref{used_};
}

void Builder::start_table() {
  fields_.clear();
  table_start_ = used_;
}

void Builder::add_ref(unsigned id, Ref r) {
  if (r.null()) return;
  align(4, 4);
  push<uint32_t>(refer(r));
  fields_.push_back({id, used_});
}

void Builder::add_struct(unsigned id, const uint8_t* p, size_t n, size_t alignment) {
  align(n, alignment);
  std::memcpy(space(n), p, n);
  fields_.push_back({id, used_});
}

Ref Builder::end_table() {
  align(4, 4);
  push<int32_t>(0);  // soffset to the vtable, patched below
  uint32_t table = used_;
  unsigned nfields = 0;
  for (auto& f : fields_) nfields = std::max(nfields, f.id + 1);
  std::vector<uint16_t> entries(nfields, 0);
  for (auto& f : fields_) {
    uint32_t rel = table - f.off;
    if (rel > 0xffff) throw VortexError(kLimit, "flatbuffer table too large");
    entries[f.id] = uint16_t(rel);
  }
  uint32_t table_size = table - table_start_;
  if (table_size > 0xffff) throw VortexError(kLimit, "flatbuffer table too large");
  for (size_t i = nfields; i-- > 0;) push<uint16_t>(entries[i]);
  push<uint16_t>(uint16_t(table_size));
  push<uint16_t>(uint16_t(4 + 2 * nfields));
  // vtable position = table position - soffset (the vtable sits just before the table).
  int32_t soff = int32_t(used_ - table);
  std::memcpy(buf_.data() + buf_.size() - table, &soff, 4);
  fields_.clear();
  return Ref{table};
}

std::vector<uint8_t> Builder::finish(Ref root) {
  align(4, minalign_);
  push<uint32_t>(refer(root));
  return std::vector<uint8_t>(buf_.end() - used_, buf_.end());
}

}  // namespace gyre::fbw
