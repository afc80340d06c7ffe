// N-API glue shared by the reader (addon.cc) and the writer (write.cc): C++ exceptions become JS
// errors carrying a `code` (core/error.hpp).
#pragma once
#include <napi.h>

#include <exception>
#include <new>
#include <string>
#include <utility>

#include "../core/error.hpp"

namespace gyre::glue {

inline Napi::Error js_error(Napi::Env env, const char* code, const std::string& msg) {
  Napi::Error e = Napi::Error::New(env, msg);
  e.Set("code", Napi::String::New(env, code));
  return e;
}

// Runs fn(); a VortexError is thrown to JS with its code, std::bad_alloc as kLimit ("out of
// memory"), any other std::exception as `fallback`. A pending Napi::Error passes through.
template <typename Fn>
Napi::Value guarded(Napi::Env env, const char* fallback, Fn&& fn) {
  try {
    return fn();
  } catch (const VortexError& e) {
    js_error(env, e.code(), e.what()).ThrowAsJavaScriptException();
  } catch (const std::bad_alloc&) {
    js_error(env, kLimit, "out of memory").ThrowAsJavaScriptException();
  } catch (const Napi::Error&) {
    throw;
  } catch (const std::exception& e) {
    js_error(env, fallback, e.what()).ThrowAsJavaScriptException();
  }
  return env.Undefined();
}

}  // namespace gyre::glue
