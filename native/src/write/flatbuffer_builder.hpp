// A small FlatBuffers builder (the write-side twin of file/flatbuffers.hpp). The official reader
// runs the Rust FlatBuffers verifier on every buffer we write, so this builder follows the
// format's rules exactly: the buffer is built back to front (children before parents, so every
// uoffset points forward), every scalar is aligned to its size relative to the final buffer start,
// vectors and strings carry a u32 length (strings also a NUL terminator), and a table begins with
// an soffset to its vtable.
#pragma once
#include <cstdint>
#include <cstring>
#include <string_view>
#include <vector>

namespace gyre::fbw {

// An object already written: its distance from the end of the buffer (0 = none).
struct Ref {
  uint32_t off = 0;
  bool null() const { return off == 0; }
};

class Builder {
 public:
  // --- Leaf objects (write them before the table that refers to them).
  Ref string(std::string_view s);
  Ref bytes(const uint8_t* p, size_t n) { return vector_of(p, n, 1, 1); }
  template <typename T>
  Ref scalars(const std::vector<T>& v) {
    return vector_of(reinterpret_cast<const uint8_t*>(v.data()), v.size(), sizeof(T), sizeof(T));
  }
  // A vector of structs: n elements of elem_size bytes each (already little-endian).
  Ref structs(const uint8_t* p, size_t n, size_t elem_size, size_t alignment) {
    return vector_of(p, n, elem_size, alignment);
  }
  // A vector of tables or strings.
  Ref refs(const std::vector<Ref>& v);

  // --- Tables: start_table, add fields, end_table. Tables do not nest while being built.
  void start_table();
  // Always written (use for optional scalars that are present).
  template <typename T>
  void add(unsigned id, T v) {
    align(sizeof(T), sizeof(T));
    push(v);
    fields_.push_back({id, used_});
  }
  // Omitted when equal to the schema default, like the Rust builder.
  template <typename T>
  void add(unsigned id, T v, T dflt) {
    if (v != dflt) add(id, v);
  }
  void add_ref(unsigned id, Ref r);
  // A struct stored inline in the table.
  void add_struct(unsigned id, const uint8_t* p, size_t n, size_t alignment);
  Ref end_table();

  // Finishes with `root` as the root table; returns the buffer (no identifier, no size prefix).
  std::vector<uint8_t> finish(Ref root);

 private:
  struct Field {
    unsigned id;
    uint32_t off;
  };
  Ref vector_of(const uint8_t* p, size_t n, size_t elem_size, size_t alignment);
  uint8_t* space(size_t n);
  void align(size_t len, size_t alignment);
  template <typename T>
  void push(T v) {
    std::memcpy(space(sizeof(T)), &v, sizeof(T));  // little-endian hosts only (x86-64, aarch64)
  }
  // The uoffset value for a reference written at the current position to r.
  uint32_t refer(Ref r) const { return used_ + 4 - r.off; }

  std::vector<uint8_t> buf_;  // content occupies the last used_ bytes
  uint32_t used_ = 0;
  size_t minalign_ = 4;
  uint32_t table_start_ = 0;
  std::vector<Field> fields_;
};

}  // namespace gyre::fbw
