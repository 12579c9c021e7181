// Linux futex calls for the real flavour's blocking primitives.
#pragma once

#include <atomic>
#include <chrono>
#include <cstdint>

namespace weft::sys::detail {

// Sleeps while *word == expected (or until woken, or `timeout`, if given).
void futex_wait(std::atomic<std::uint32_t>& word, std::uint32_t expected,
                const std::chrono::nanoseconds* timeout = nullptr) noexcept;
void futex_wake(std::atomic<std::uint32_t>& word, int count) noexcept;

}  // namespace weft::sys::detail
