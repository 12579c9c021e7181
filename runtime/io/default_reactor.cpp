// The reactor selection: with runtime/sys, the only code that looks at the
// flavour (see runtime/sys/README.md).
#include "runtime/io/default_reactor.hpp"

#include "runtime/io/parker_reactor.hpp"
#include "runtime/sys/flavour.hpp"

#if !(defined(WEFT_SYS_SIM) && WEFT_SYS_SIM)
#include "runtime/io/core_reactor.hpp"
#include "runtime/io/real_door.hpp"
#endif

namespace weft::rt::io {

std::unique_ptr<reactor> make_default_reactor(bool enable_io) {
#if defined(WEFT_SYS_SIM) && WEFT_SYS_SIM
  (void)enable_io;
  return std::make_unique<parker_reactor>();
#else
  if (enable_io) {
    return std::make_unique<core_reactor>(make_real_door());
  }
  return std::make_unique<parker_reactor>();
#endif
}

}  // namespace weft::rt::io
