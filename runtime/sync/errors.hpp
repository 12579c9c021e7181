// Errors returned (not thrown) by channels: closing is part of normal use.
#pragma once

#include <cstdint>
#include <utility>

namespace weft::rt {

// A send whose receiver is gone: the value comes back to the sender.
template <class T>
struct send_error {
  T value;
};

// try_send: `full` (bounded channel at capacity) or `closed`; the value
// comes back either way.
template <class T>
struct try_send_error {
  enum class reason { full, closed };
  reason why;
  T value;
};

// recv on a channel whose senders are all gone (and nothing left to read),
// or a oneshot whose sender was dropped without sending.
enum class recv_error { closed };

// try_recv: nothing there right now, or nothing ever again.
enum class try_recv_error { empty, closed };

}  // namespace weft::rt
