// Blocking a plain thread on a leaf future: the waker that unparks a thread.
//
// block_on (multi_thread) and join_handle::wait() run on threads that are
// not workers. They poll a leaf future with a waker that unparks the calling
// thread, and park between polls. The parker is reference counted because
// the waker may be kept (and fired) after the waiting thread has returned.
#pragma once

#include "runtime/task/leaf_future.hpp"
#include "runtime/task/waker.hpp"

namespace weft::rt::detail {

// Polls `leaf` until it is ready, parking the calling thread in between.
// Throws usage_error when called on a runtime worker thread.
void block_until_ready(leaf_future& leaf);

}  // namespace weft::rt::detail
