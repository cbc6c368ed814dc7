// Password input for the wallet: from a file (scripts, --password-file) or from the terminal.
//
// A password is never read from a stdin that is not a terminal: piped stdin is for data, and a
// password that arrives there by accident ends up in shell history, logs or `ps` output of the
// producing command. Scripts use a password file instead.
//
// Thread-safety: read_password_file is thread-safe. prompt_password changes the terminal's
// echo setting and temporarily installs handlers for SIGINT, SIGTERM, SIGHUP, SIGQUIT and
// SIGTSTP (to restore echo before the signal takes effect): call it from one thread at a time,
// from the program's main thread, with no other code touching those signals meanwhile.
#pragma once

#include <cstddef>
#include <filesystem>
#include <string>
#include <string_view>

#include "common/expected.h"

namespace swarmchain {

// Status codes of the password functions (Status::code_as<PasswordError>()).
enum class PasswordError {
  kOk = 0,
  kNotFound,     // password file missing
  kEmpty,        // empty file, or nothing typed
  kTooLong,      // more than kMaxPasswordBytes
  kNoTerminal,   // neither /dev/tty nor a terminal on stdin
  kMismatch,     // confirmation differs
  kInterrupted,  // a signal arrived while reading
  kIo,
};

inline constexpr std::size_t kMaxPasswordBytes = 4096;

// The file's contents minus one trailing "\n" or "\r\n" (only one: any other whitespace is part
// of the password). Errors if the file is missing, unreadable, empty after stripping, or longer
// than kMaxPasswordBytes. Pipes work too (`--password-file <(pass show wallet)`).
Expected<std::string> read_password_file(const std::filesystem::path& path);

// Writes `prompt` to the terminal and reads one line with echo off. Uses /dev/tty (so it works
// while stdin/stdout are redirected), else stdin if stdin is a terminal (prompting on stderr).
// With `confirm`, asks a second time ("Repeat password: ") and fails on a mismatch. Refuses an
// empty password. Without a terminal: kNoTerminal,
// "no terminal to ask for a password; use --password-file".
// The terminal's settings are restored on every path, including SIGINT (which is then
// re-raised, so Ctrl-C still ends the program).
Expected<std::string> prompt_password(std::string_view prompt, bool confirm);

}  // namespace swarmchain
