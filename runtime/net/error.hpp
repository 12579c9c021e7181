// net::io_error: a failed socket operation, with what was tried and where.
//
//   "connect 127.0.0.1:9: Connection refused"
//   "read from 10.0.0.2:8080: Connection reset by peer"
//
// It is a std::system_error, so code() compares with std::errc values:
//   if (r.error().code() == std::errc::connection_refused) ...
#pragma once

#include <string>
#include <system_error>

#include "runtime/result.hpp"

namespace weft::net {

class io_error : public std::system_error {
 public:
  io_error(std::error_code code, std::string operation, std::string address)
      : std::system_error(code, operation + (address.empty() ? "" : " " + address)),
        operation_(std::move(operation)),
        address_(std::move(address)) {}
  io_error() : io_error(std::error_code(), "", "") {}

  const std::string& operation() const noexcept { return operation_; }
  const std::string& address() const noexcept { return address_; }

 private:
  std::string operation_;
  std::string address_;
};

template <class T>
using io_result = rt::expected<T, io_error>;

}  // namespace weft::net
