// The real OS door (io/door.hpp) on Linux.
//
// Socket calls are the system calls themselves (non-blocking, close-on-exec,
// sends with MSG_NOSIGNAL). Readiness is an epoll instance with every
// descriptor registered once, edge-triggered, for both directions — so a
// wait never costs an epoll_ctl, which is what ruled out Boost.Asio's
// reactor: its async_wait re-arms the registration on every wait, and its
// socket objects register each descriptor with their own epoll instance
// when opened. wake() writes an eventfd that sits in the same epoll set.
// Timeouts have nanosecond resolution where the kernel has epoll_pwait2
// (Linux 5.11), else they round up to the millisecond. Boost.Asio is used
// for what it does well here: addresses (its endpoints are sockaddrs) and
// name lookup (getaddrinfo, on one resolver thread shared by the process).
#pragma once

#include <memory>

#include "runtime/io/door.hpp"

namespace weft::rt::io {

std::unique_ptr<door> make_real_door();

}  // namespace weft::rt::io
