#include "dict_encoder.hpp"

#include <cstring>

namespace gyre::write {

namespace {
constexpr size_t kMaxValueBytes = 1u << 20;

bool is_varlen(const DType& d) { return d.kind == DTypeKind::Utf8 || d.kind == DTypeKind::Binary; }
}  // namespace

DictEncoder::DictEncoder(DTypePtr dtype) : dtype_(std::move(dtype)) {
  bool narrow = dtype_->kind == DTypeKind::Primitive && ptype_width(dtype_->ptype) == 1;
  codes_ptype_ = narrow ? PType::U8 : PType::U16;
  max_entries_ = narrow ? 256 : 65535;
  offsets_.push_back(0);
}

bool DictEncoder::eligible(const DType& d) { return d.kind == DTypeKind::Primitive || is_varlen(d); }

bool DictEncoder::room_for(size_t bytes) const {
  return entries_ < max_entries_ && bytes_.size() + bytes <= kMaxValueBytes;
}

uint16_t DictEncoder::add_entry(const uint8_t* p, size_t n, bool null) {
  uint16_t code = uint16_t(entries_++);
  if (n) bytes_.insert(bytes_.end(), p, p + n);
  else if (!is_varlen(*dtype_)) bytes_.resize(bytes_.size() + ptype_width(dtype_->ptype), 0);
  if (is_varlen(*dtype_)) offsets_.push_back(uint32_t(bytes_.size()));
  if (null) null_code_ = code;
  return code;
}

uint64_t DictEncoder::encode(const Column& c, uint64_t start, uint64_t n, std::vector<uint16_t>& codes) {
  bool varlen = is_varlen(*dtype_);
  unsigned w = varlen ? 0 : ptype_width(dtype_->ptype);
  auto offset = [&](uint64_t i) {
    return c.large ? c.buffers[0].as<uint64_t>()[i] : uint64_t(c.buffers[0].as<uint32_t>()[i]);
  };
  std::string key;
  for (uint64_t i = start; i < start + n; i++) {
    if (!c.is_valid(i)) {
      if (null_code_ < 0) {
        if (!room_for(w)) return i - start;
        add_entry(nullptr, 0, true);
      }
      codes.push_back(uint16_t(null_code_));
      continue;
    }
    const uint8_t* p;
    size_t len;
    if (varlen) {
      uint64_t s = offset(i);
      p = c.buffers[1].data() + s, len = size_t(offset(i + 1) - s);
    } else {
      p = c.buffers[0].data() + i * w, len = w;
    }
    key.assign(reinterpret_cast<const char*>(p), len);
    auto it = index_.find(key);
    if (it != index_.end()) {
      codes.push_back(it->second);
      continue;
    }
    if (!room_for(len)) return i - start;
    uint16_t code = add_entry(p, len, false);
    index_.emplace(key, code);
    codes.push_back(code);
  }
  return n;
}

Column DictEncoder::take_values() {
  Column v;
  v.dtype = dtype_;
  v.length = entries_;
  if (is_varlen(*dtype_)) {
    v.buffers.push_back(Buffer::copy_of(reinterpret_cast<const uint8_t*>(offsets_.data()), offsets_.size() * 4));
  }
  v.buffers.push_back(Buffer::copy_of(bytes_.data(), bytes_.size()));
  if (null_code_ >= 0) {
    v.validity = Buffer::alloc(bitmap_bytes(entries_));
    std::memset(v.validity.data(), 0xff, bitmap_bytes(entries_));
    clear_bit(v.validity.data(), uint64_t(null_code_));
  }
  index_.clear();
  null_code_ = -1;
  entries_ = 0;
  bytes_.clear();
  offsets_.assign(1, 0);
  return v;
}

Column DictEncoder::codes_column(const std::vector<uint16_t>& codes) const {
  Column c;
  c.dtype = codes_dtype();
  c.length = codes.size();
  if (codes_ptype_ == PType::U8) {
    Buffer b = Buffer::alloc(codes.size());
    for (size_t i = 0; i < codes.size(); i++) b.data()[i] = uint8_t(codes[i]);
    c.buffers.push_back(b);
  } else {
    c.buffers.push_back(Buffer::copy_of(reinterpret_cast<const uint8_t*>(codes.data()), codes.size() * 2));
  }
  return c;
}

}  // namespace gyre::write
