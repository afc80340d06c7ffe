// N-API glue of the writer. Arrow buffers cross from JavaScript without copying: each becomes an
// external Buffer, and the JS objects holding them stay referenced until the Promise worker that
// encodes them has finished (the core copies whatever it keeps past a call). Encoding runs on the
// libuv pool (and the core's helper threads); the bytes to append come back as an external
// ArrayBuffer, again without a copy. TypeScript (storage/vortex/write.ts) owns all I/O.
#include "write.hpp"

#include <cstring>
#include <memory>
#include <optional>

#include "../write/file_writer.hpp"
#include "errors.hpp"

namespace gyre {
namespace {

using write::FileWriter;
using write::WriterOptions;
using write::ZoneForm;

const napi_type_tag kWriterTag = {0x6779726577726974ULL, 0x766f727465783031ULL};

struct WriterHandle {
  DTypePtr dtype;  // the root struct
  std::unique_ptr<FileWriter> writer;
  bool busy = false;  // one write or finish at a time
};

[[noreturn]] void bad(const std::string& msg) { throw VortexError(kInvalidArgument, msg); }

// Writing: an unexpected std::exception means input the writer could not take (kInvalidArgument).
template <typename Fn>
Napi::Value guarded(Napi::Env env, Fn&& fn) {
  return glue::guarded(env, kInvalidArgument, std::forward<Fn>(fn));
}

std::shared_ptr<WriterHandle>& handle_of(const Napi::Value& v) {
  if (!v.IsExternal()) bad("expected a writer handle");
  auto ext = v.As<Napi::External<std::shared_ptr<WriterHandle>>>();
  if (!ext.CheckTypeTag(&kWriterTag)) bad("expected a writer handle");
  return *ext.Data();
}

// --- dtype: the plain object form of storage/vortex/dtype.ts (VortexDType).

PType ptype_named(const std::string& s) {
  static const char* names[] = {"u8", "u16", "u32", "u64", "i8", "i16", "i32", "i64", "f16", "f32", "f64"};
  for (unsigned i = 0; i < 11; i++)
    if (s == names[i]) return PType(i);
  bad("unknown ptype " + s);
}

DTypePtr dtype_from_js(const Napi::Value& v, int depth = 0) {
  if (depth > 64 || !v.IsObject()) bad("malformed dtype");
  Napi::Object o = v.As<Napi::Object>();
  std::string kind = o.Get("kind").ToString();
  auto d = std::make_shared<DType>();
  d->nullable = o.Get("nullable").ToBoolean();
  if (kind == "null") d->kind = DTypeKind::Null, d->nullable = true;
  else if (kind == "bool") d->kind = DTypeKind::Bool;
  else if (kind == "utf8") d->kind = DTypeKind::Utf8;
  else if (kind == "binary") d->kind = DTypeKind::Binary;
  else if (kind == "primitive") d->kind = DTypeKind::Primitive, d->ptype = ptype_named(o.Get("ptype").ToString());
  else if (kind == "decimal") {
    d->kind = DTypeKind::Decimal;
    d->precision = uint8_t(o.Get("precision").ToNumber().Uint32Value());
    d->scale = int8_t(o.Get("scale").ToNumber().Int32Value());
    if (d->precision < 1 || d->precision > 76) bad("decimal precision out of range");
  } else if (kind == "struct") {
    d->kind = DTypeKind::Struct;
    Napi::Array fields = o.Get("fields").As<Napi::Array>();
    for (uint32_t i = 0; i < fields.Length(); i++) {
      Napi::Object f = fields.Get(i).As<Napi::Object>();
      d->names.push_back(f.Get("name").ToString());
      d->fields.push_back(dtype_from_js(f.Get("type"), depth + 1));
    }
  } else if (kind == "list" || kind == "fixed_size_list") {
    d->kind = kind == "list" ? DTypeKind::List : DTypeKind::FixedSizeList;
    d->element = dtype_from_js(o.Get("element"), depth + 1);
    if (kind == "fixed_size_list") d->list_size = o.Get("size").ToNumber().Uint32Value();
  } else if (kind == "extension") {
    d->kind = DTypeKind::Extension;
    d->ext_id = o.Get("id").ToString();
    d->storage = dtype_from_js(o.Get("storage"), depth + 1);
    d->nullable = d->storage->is_nullable();
    Napi::Array m = o.Get("metadata").As<Napi::Array>();
    for (uint32_t i = 0; i < m.Length(); i++) d->ext_metadata.push_back(uint8_t(m.Get(i).ToNumber().Uint32Value()));
  } else {
    bad("cannot write dtype " + kind);
  }
  return d;
}

// --- columns: RawWriteColumn (native/bindings.ts) → Column over the JS memory.

Buffer js_bytes(const Napi::Value& v, uint64_t need, const char* what, unsigned align = 1) {
  if (!v.IsTypedArray()) bad(std::string(what) + ": expected a Uint8Array");
  auto a = v.As<Napi::Uint8Array>();
  if (a.ByteLength() < need) bad(std::string(what) + ": buffer too short");
  const uint8_t* p = a.Data();
  if (need == 0) return Buffer();
  // Misaligned typed data is copied so the core may read it through typed pointers.
  if (reinterpret_cast<uintptr_t>(p) % align) return Buffer::copy_of(p, size_t(need));
  return Buffer::external(p, size_t(a.ByteLength()), nullptr);
}

uint64_t offset_at(const Buffer& b, bool large, uint64_t i) {
  return large ? b.as<uint64_t>()[i] : uint64_t(b.as<uint32_t>()[i]);
}

// Checks Arrow offsets: monotonic and within `limit` (so the core never reads out of bounds).
void check_offsets(const Buffer& offs, bool large, uint64_t len, uint64_t limit) {
  if (len == 0) return;
  for (uint64_t i = 0; i < len; i++)
    if (offset_at(offs, large, i + 1) < offset_at(offs, large, i)) bad("offsets are not monotonic");
  if (offset_at(offs, large, len) > limit) bad("offsets point past the values");
}

// Decimal values of `width` bytes each, widened or narrowed to the Column's 16/32-byte form.
Buffer decimal_values(const Napi::Value& v, uint64_t len, unsigned width, unsigned out_w) {
  Buffer in = js_bytes(v, len * width, "decimal values", 1);
  if (width == out_w && (in.empty() || reinterpret_cast<uintptr_t>(in.data()) % 16 == 0)) return in;
  Buffer out = Buffer::alloc(len * out_w);
  for (uint64_t i = 0; i < len; i++) {
    const uint8_t* s = in.data() + i * width;
    uint8_t* d = out.data() + i * out_w;
    unsigned n = std::min(width, out_w);
    std::memcpy(d, s, n);
    if (out_w > n) std::memset(d + n, (s[width - 1] & 0x80) ? 0xff : 0, out_w - n);
  }
  return out;
}

Column import_column(const Napi::Value& v, const DTypePtr& d, int depth = 0);

Column import_dictionary(Napi::Object o, const DTypePtr& d, uint64_t len, Buffer validity) {
  Column idx;
  idx.dtype = DType::primitive(ptype_named(o.Get("indexPtype").ToString()), true);
  if (!ptype_is_int(idx.dtype->ptype)) bad("dictionary indices must be integers");
  idx.length = len;
  unsigned w = ptype_width(idx.dtype->ptype);
  idx.buffers.push_back(js_bytes(o.Get("buffers").As<Napi::Array>().Get(0u), len * w, "dictionary indices", w));
  idx.validity = validity;
  Napi::Array dicts = o.Get("dictionary").As<Napi::Array>();
  std::vector<Column> parts;
  for (uint32_t i = 0; i < dicts.Length(); i++) parts.push_back(import_column(dicts.Get(i), d));
  Allocator a(~0ull);
  Column values = parts.empty() ? make_null_column(a, d, 0) : concat_columns(a, d, parts);
  try {
    return take_column(a, values, idx);
  } catch (const VortexError& e) {
    bad(std::string("dictionary: ") + e.what());
  }
}

// Arrow Utf8View / BinaryView (16-byte views + variadic data buffers) → offsets + data (copied).
void import_views(Napi::Object o, Column& c) {
  uint64_t len = c.length;
  Buffer views = js_bytes(o.Get("views"), len * 16, "views");
  Napi::Array vars = o.Get("variadic").As<Napi::Array>();
  std::vector<Buffer> data;
  for (uint32_t i = 0; i < vars.Length(); i++) {
    Napi::Value b = vars.Get(i);
    data.push_back(js_bytes(b, b.As<Napi::Uint8Array>().ByteLength(), "view data"));
  }
  auto view = [&](uint64_t i) { return views.data() + i * 16; };
  uint64_t total = 0;
  for (uint64_t i = 0; i < len; i++)
    if (c.is_valid(i)) total += load_le<uint32_t>(view(i));
  c.large = total > 0x7fffffffULL;
  Buffer offs = Buffer::alloc((len + 1) * (c.large ? 8 : 4)), bytes = Buffer::alloc(total);
  uint64_t pos = 0;
  for (uint64_t i = 0; i < len; i++) {
    if (c.large) offs.as<uint64_t>()[i] = pos; else offs.as<uint32_t>()[i] = uint32_t(pos);
    if (!c.is_valid(i)) continue;
    const uint8_t* v = view(i);
    uint32_t size = load_le<uint32_t>(v);
    if (size <= 12) {
      std::memcpy(bytes.data() + pos, v + 4, size);
    } else {
      uint32_t bi = load_le<uint32_t>(v + 8), off = load_le<uint32_t>(v + 12);
      if (bi >= data.size() || uint64_t(off) + size > data[bi].size()) bad("view points outside its data buffer");
      std::memcpy(bytes.data() + pos, data[bi].data() + off, size);
    }
    pos += size;
  }
  if (c.large) offs.as<uint64_t>()[len] = pos; else offs.as<uint32_t>()[len] = uint32_t(pos);
  c.buffers = {offs, bytes};
}

Column import_column(const Napi::Value& v, const DTypePtr& d, int depth) {
  if (depth > 64 || !v.IsObject()) bad("malformed column");
  Napi::Object o = v.As<Napi::Object>();
  Column c;
  c.dtype = d;
  c.length = uint64_t(o.Get("length").ToNumber().Int64Value());
  uint64_t len = c.length;
  Napi::Value validity = o.Get("validity");
  if (validity.IsTypedArray() && d->kind != DTypeKind::Null) {
    if (!d->is_nullable()) bad("nulls in a non-nullable column");
    c.validity = js_bytes(validity, bitmap_bytes(len), "validity");
  }
  if (o.Has("dictionary") && o.Get("dictionary").IsArray()) return import_dictionary(o, d, len, c.validity);
  const DType& p = d->physical();
  Napi::Array bufs = o.Get("buffers").As<Napi::Array>();
  Napi::Array kids = o.Get("children").As<Napi::Array>();
  auto buf = [&](uint32_t i) -> Napi::Value {
    if (i >= bufs.Length()) bad("column is missing a buffer");
    return bufs.Get(i);
  };
  auto kid = [&](uint32_t i, const DTypePtr& t) {
    if (i >= kids.Length()) bad("column is missing a child");
    return import_column(kids.Get(i), t, depth + 1);
  };
  // A child with more rows than the parent needs is cut to exactly that many (copied).
  auto fit = [&](Column k, uint64_t n) {
    if (k.length < n) bad("child column shorter than its parent needs");
    if (k.length == n) return k;
    Allocator a(~0ull);
    return slice_column(a, k, 0, n);
  };
  switch (p.kind) {
    case DTypeKind::Null: break;
    case DTypeKind::Bool: c.buffers.push_back(js_bytes(buf(0), bitmap_bytes(len), "bool values")); break;
    case DTypeKind::Primitive: {
      unsigned w = ptype_width(p.ptype);
      c.buffers.push_back(js_bytes(buf(0), len * w, "values", w));
      break;
    }
    case DTypeKind::Decimal:
      c.buffers.push_back(decimal_values(buf(0), len, o.Get("width").ToNumber().Uint32Value(), decimal_out_width(p)));
      break;
    case DTypeKind::Utf8:
    case DTypeKind::Binary:
    case DTypeKind::List: {
      if (p.kind != DTypeKind::List && o.Has("views") && o.Get("views").IsTypedArray()) {
        import_views(o, c);
        break;
      }
      c.large = o.Get("large").ToBoolean();
      unsigned w = c.large ? 8 : 4;
      c.buffers.push_back(js_bytes(buf(0), (len + 1) * w, "offsets", w));
      if (p.kind == DTypeKind::List) {
        c.children.push_back(kid(0, p.element));
        check_offsets(c.buffers[0], c.large, len, c.children[0].length);
      } else {
        Napi::Value data = buf(1);
        uint64_t size = data.IsTypedArray() ? data.As<Napi::Uint8Array>().ByteLength() : 0;
        c.buffers.push_back(js_bytes(data, size, "values"));
        check_offsets(c.buffers[0], c.large, len, size);
      }
      break;
    }
    case DTypeKind::FixedSizeList: c.children.push_back(fit(kid(0, p.element), len * p.list_size)); break;
    case DTypeKind::Struct:
      for (uint32_t i = 0; i < p.fields.size(); i++) c.children.push_back(fit(kid(i, p.fields[i]), len));
      break;
    default: bad("cannot write dtype " + d->to_string());
  }
  return c;
}

Napi::Value bytes_js(Napi::Env env, const Buffer& b) {
  if (b.empty() || b.size() == 0) return Napi::Uint8Array::New(env, 0);
  auto* keep = new std::shared_ptr<uint8_t>(b.shared());
  auto ab = Napi::ArrayBuffer::New(env, b.data(), b.size(),
                                   [](Napi::Env, void*, std::shared_ptr<uint8_t>* k) { delete k; }, keep);
  return Napi::Uint8Array::New(env, b.size(), ab, 0);
}

// Runs a write or finish on the libuv pool; resolves with the bytes to append.
class WriteWorker : public Napi::AsyncWorker {
 public:
  WriteWorker(Napi::Env env, std::shared_ptr<WriterHandle> h, std::optional<Column> batch, Napi::Value keep)
      : Napi::AsyncWorker(env, "gyre.write"), deferred_(Napi::Promise::Deferred::New(env)), h_(std::move(h)),
        batch_(std::move(batch)) {
    if (keep.IsObject()) keep_ = Napi::Persistent(keep.As<Napi::Object>());
    h_->busy = true;
  }
  Napi::Promise promise() { return deferred_.Promise(); }

  void Execute() override {
    try {
      out_ = batch_ ? h_->writer->write(*batch_) : h_->writer->finish();
      batch_.reset();  // drop every reference to JS memory before the JS objects are released
    } catch (const VortexError& e) {
      code_ = e.code();
      SetError(e.what());
    } catch (const std::bad_alloc&) {
      code_ = kLimit;
      SetError("out of memory");
    } catch (const std::exception& e) {
      SetError(e.what());
    }
  }
  void OnOK() override {
    h_->busy = false;
    deferred_.Resolve(bytes_js(Env(), out_));
  }
  void OnError(const Napi::Error& e) override {
    h_->busy = false;
    batch_.reset();
    deferred_.Reject(glue::js_error(Env(), code_, e.Message()).Value());
  }

 private:
  Napi::Promise::Deferred deferred_;
  std::shared_ptr<WriterHandle> h_;
  std::optional<Column> batch_;
  Napi::ObjectReference keep_;
  Buffer out_;
  const char* code_ = kInvalidArgument;
};

std::shared_ptr<WriterHandle> idle_handle(const Napi::Value& v) {
  auto h = handle_of(v);
  if (h->busy) bad("a write on this writer is still in progress");
  return h;
}

// createWriter(dtype: VortexDType, options: RawWriterOptions): WriterHandle
Napi::Value CreateWriter(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  return guarded(env, [&]() -> Napi::Value {
    DTypePtr dtype = dtype_from_js(info[0]);
    WriterOptions opts;
    if (info[1].IsObject()) {
      Napi::Object o = info[1].As<Napi::Object>();
      if (o.Has("compress")) opts.compress = o.Get("compress").ToBoolean();
      if (o.Has("chunkRows") && o.Get("chunkRows").IsNumber()) opts.chunk_rows = uint64_t(o.Get("chunkRows").ToNumber().Int64Value());
      if (o.Has("fileStatistics")) opts.file_statistics = o.Get("fileStatistics").ToBoolean();
      if (o.Has("zones")) {
        std::string z = o.Get("zones").ToString();
        opts.zones = z == "stats" ? ZoneForm::Stats : z == "none" ? ZoneForm::None : ZoneForm::Zoned;
      }
    }
    auto h = std::make_shared<WriterHandle>();
    h->dtype = dtype;
    h->writer = std::make_unique<FileWriter>(dtype, opts);
    auto* boxed = new std::shared_ptr<WriterHandle>(h);
    auto ext = Napi::External<std::shared_ptr<WriterHandle>>::New(
        env, boxed, [](Napi::Env, std::shared_ptr<WriterHandle>* p) { delete p; });
    ext.TypeTag(&kWriterTag);
    return ext;
  });
}

// writeBatch(handle, length: number, columns: RawWriteColumn[]): Promise<Uint8Array>
Napi::Value WriteBatch(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  return guarded(env, [&]() -> Napi::Value {
    auto h = idle_handle(info[0]);
    if (!info[2].IsArray()) bad("expected an array of columns");
    Napi::Array cols = info[2].As<Napi::Array>();
    const DType& root = *h->dtype;
    if (cols.Length() != root.fields.size()) bad("batch has the wrong number of columns");
    Column batch;
    batch.dtype = h->dtype;
    batch.length = uint64_t(info[1].ToNumber().Int64Value());
    for (uint32_t i = 0; i < cols.Length(); i++) {
      try {
        batch.children.push_back(import_column(cols.Get(i), root.fields[i]));
      } catch (const VortexError& e) {
        throw VortexError(e.code(), "column " + root.names[i] + ": " + e.what());
      }
      if (batch.children.back().length != batch.length) bad("column " + root.names[i] + " has the wrong length");
    }
    auto* w = new WriteWorker(env, h, std::move(batch), cols);
    Napi::Promise p = w->promise();
    w->Queue();
    return p;
  });
}

// finishWriter(handle): Promise<Uint8Array>
Napi::Value FinishWriter(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  return guarded(env, [&]() -> Napi::Value {
    auto* w = new WriteWorker(env, idle_handle(info[0]), std::nullopt, env.Undefined());
    Napi::Promise p = w->promise();
    w->Queue();
    return p;
  });
}

}  // namespace

void register_write(Napi::Env env, Napi::Object exports) {
  exports.Set("createWriter", Napi::Function::New(env, CreateWriter));
  exports.Set("writeBatch", Napi::Function::New(env, WriteBatch));
  exports.Set("finishWriter", Napi::Function::New(env, FinishWriter));
}

}  // namespace gyre
