// Errors of the native core. The core throws VortexError; the N-API glue turns it into a rejected
// promise whose error carries the same stable kebab-case code (see errors.ts).
#pragma once
#include <stdexcept>
#include <string>

namespace gyre {

// Stable codes shared with errors.ts.
inline constexpr const char* kCorrupt = "vortex-corrupt";          // bytes do not follow the format
inline constexpr const char* kUnsupported = "vortex-unsupported";  // valid format, feature not implemented
inline constexpr const char* kLimit = "vortex-limit";              // a resource limit would be exceeded
inline constexpr const char* kInvalidArgument = "vortex-invalid-argument";

class VortexError : public std::runtime_error {
 public:
  VortexError(const char* code, const std::string& message) : std::runtime_error(message), code_(code) {}
  const char* code() const noexcept { return code_; }

 private:
  const char* code_;
};

[[noreturn]] inline void corrupt(const std::string& message) { throw VortexError(kCorrupt, message); }
[[noreturn]] inline void unsupported(const std::string& message) { throw VortexError(kUnsupported, message); }

// Checks a condition that the file must satisfy; failing means corrupt input, never a crash.
inline void require(bool cond, const char* message) {
  if (!cond) corrupt(message);
}

}  // namespace gyre
