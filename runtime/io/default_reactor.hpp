// The reactor a runtime gets unless its builder supplies one.
#pragma once

#include <memory>

#include "runtime/io/reactor.hpp"

namespace weft::rt::io {

// Real flavour: the reactor core on the real door (epoll) when `enable_io`,
// else timers only.
// Sim flavour: timers only; the deterministic world supplies its network
// (the core on its simulated kernel) through runtime_config::reactor_factory.
std::unique_ptr<reactor> make_default_reactor(bool enable_io);

}  // namespace weft::rt::io
