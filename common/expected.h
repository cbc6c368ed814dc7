// Errors as values (C++20 has no std::expected).
//
// Status       : ok, or an error with a code (from the module's enum, cast to int) and a
//                user-facing message. [[nodiscard]]: every Status is looked at.
// Expected<T,E>: a T, or an E. E defaults to Status.
#pragma once

#include <cassert>
#include <string>
#include <utility>
#include <variant>

namespace swarmchain {

class [[nodiscard]] Status {
 public:
  Status() = default;
  static Status ok() { return Status(); }
  static Status error(std::string message, int code = 1) {
    return Status(code, std::move(message));
  }
  template <typename Enum>
  static Status error(Enum code, std::string message) {
    return Status(static_cast<int>(code), std::move(message));
  }

  bool is_ok() const { return code_ == 0; }
  explicit operator bool() const { return is_ok(); }
  int code() const { return code_; }
  template <typename Enum>
  Enum code_as() const {
    return static_cast<Enum>(code_);
  }
  const std::string& message() const { return message_; }

 private:
  Status(int code, std::string message) : code_(code), message_(std::move(message)) {}
  int code_ = 0;
  std::string message_;
};

template <typename E>
struct Unexpected {
  E error;
};
template <typename E>
Unexpected<std::decay_t<E>> unexpected(E&& e) {
  return {std::forward<E>(e)};
}
inline Unexpected<Status> fail(std::string message, int code = 1) {
  return {Status::error(std::move(message), code)};
}
template <typename Enum>
Unexpected<Status> fail(Enum code, std::string message) {
  return {Status::error(code, std::move(message))};
}

template <typename T, typename E = Status>
class [[nodiscard]] Expected {
 public:
  Expected(T value) : v_(std::in_place_index<0>, std::move(value)) {}
  Expected(Unexpected<E> e) : v_(std::in_place_index<1>, std::move(e.error)) {}

  bool has_value() const { return v_.index() == 0; }
  explicit operator bool() const { return has_value(); }

  T& value() & {
    assert(has_value());
    return std::get<0>(v_);
  }
  const T& value() const& {
    assert(has_value());
    return std::get<0>(v_);
  }
  T&& value() && {
    assert(has_value());
    return std::get<0>(std::move(v_));
  }
  T& operator*() & { return value(); }
  const T& operator*() const& { return value(); }
  T&& operator*() && { return std::move(*this).value(); }
  T* operator->() { return &value(); }
  const T* operator->() const { return &value(); }

  const E& error() const {
    assert(!has_value());
    return std::get<1>(v_);
  }

 private:
  std::variant<T, E> v_;
};

}  // namespace swarmchain
