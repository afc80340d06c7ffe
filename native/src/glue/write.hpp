// N-API glue of the writer (write.cc): registers createWriter / writeBatch / finishWriter.
#pragma once
#include <napi.h>

namespace gyre {

void register_write(Napi::Env env, Napi::Object exports);

}  // namespace gyre
