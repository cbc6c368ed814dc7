#include "wallet/keystore.h"

#include <fcntl.h>
#include <sodium.h>
#include <sys/stat.h>
#include <unistd.h>

#include <array>
#include <cctype>
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <exception>
#include <optional>
#include <system_error>
#include <utility>

#include <nlohmann/json.hpp>

#include "common/address.h"
#include "common/file_util.h"
#include "common/hex.h"
#include "common/private_file.h"

namespace swarmchain {

namespace {

static_assert(kInteractiveKdfLimits.opslimit == crypto_pwhash_argon2id_OPSLIMIT_INTERACTIVE);
static_assert(kInteractiveKdfLimits.memlimit == crypto_pwhash_argon2id_MEMLIMIT_INTERACTIVE);
static_assert(kModerateKdfLimits.opslimit == crypto_pwhash_argon2id_OPSLIMIT_MODERATE);
static_assert(kModerateKdfLimits.memlimit == crypto_pwhash_argon2id_MEMLIMIT_MODERATE);
static_assert(kMaxKdfLimits.opslimit == 4 * crypto_pwhash_argon2id_OPSLIMIT_SENSITIVE);
static_assert(kMaxKdfLimits.memlimit == crypto_pwhash_argon2id_MEMLIMIT_SENSITIVE);
static_assert(kMinKdfLimits.opslimit >= crypto_pwhash_argon2id_OPSLIMIT_MIN);
static_assert(kMinKdfLimits.memlimit >= crypto_pwhash_argon2id_MEMLIMIT_MIN);
static_assert(kMaxKdfLimits.memlimit <= SIZE_MAX);

constexpr std::string_view kKdfAlg = "argon2id13";
constexpr std::string_view kCipherAlg = "xchacha20poly1305-ietf";
constexpr std::size_t kSaltBytes = crypto_pwhash_argon2id_SALTBYTES;
constexpr std::size_t kKeyBytes = crypto_aead_xchacha20poly1305_ietf_KEYBYTES;
constexpr std::size_t kNonceBytes = crypto_aead_xchacha20poly1305_ietf_NPUBBYTES;
constexpr std::size_t kCiphertextBytes = Seed::kSize + crypto_aead_xchacha20poly1305_ietf_ABYTES;
static_assert(kSaltBytes == 16 && kKeyBytes == 32 && kNonceBytes == 24 && kCiphertextBytes == 48);

using Salt = std::array<uint8_t, kSaltBytes>;
using Nonce = std::array<uint8_t, kNonceBytes>;
using Ciphertext = std::array<uint8_t, kCiphertextBytes>;

// Wipes a secret buffer when it goes out of scope, on every return path.
class WipeOnExit {
 public:
  WipeOnExit(void* p, std::size_t n) : p_(p), n_(n) {}
  ~WipeOnExit() { secure_wipe(p_, n_); }
  WipeOnExit(const WipeOnExit&) = delete;
  WipeOnExit& operator=(const WipeOnExit&) = delete;

 private:
  void* p_;
  std::size_t n_;
};

// Closes a file descriptor on every return path.
class FdCloser {
 public:
  explicit FdCloser(int fd) : fd_(fd) {}
  ~FdCloser() {
    if (fd_ >= 0) ::close(fd_);
  }
  FdCloser(const FdCloser&) = delete;
  FdCloser& operator=(const FdCloser&) = delete;
  int get() const { return fd_; }
  // Closes now and reports close()'s result (a deferred write error shows up here).
  int close_now() {
    int rc = ::close(fd_);
    fd_ = -1;
    return rc;
  }

 private:
  int fd_;
};

// Everything in a keystore file, decoded and checked for shape.
struct KeystoreFile {
  KdfLimits limits;
  Salt salt{};
  Nonce nonce{};
  Ciphertext ciphertext{};
  std::string address;
};

// Quotes text taken from the file for an error message: printable ASCII only, and short, so a
// hostile file cannot put terminal escape sequences or megabytes into our output.
std::string quote_for_message(std::string_view s) {
  constexpr std::size_t kMax = 40;
  std::string out = "\"";
  for (std::size_t i = 0; i < s.size() && i < kMax; ++i)
    out.push_back(s[i] >= 0x20 && s[i] < 0x7f ? s[i] : '?');
  if (s.size() > kMax) out += "...";
  return out + "\"";
}

Unexpected<Status> corrupt(const std::filesystem::path& path, const std::string& what) {
  return fail(KeystoreError::kCorrupt, "keystore file " + path.string() + " is corrupt: " + what);
}

// The associated data: one line per bound field. All values are validated tokens without
// whitespace (numbers, lowercase hex, an address), so the encoding is unambiguous. The nonce
// and ciphertext are authenticated by the AEAD itself.
std::string associated_data(const KeystoreFile& f) {
  return "swarmchain-keystore\nversion " + std::to_string(Keystore::kVersion) + "\naddress " +
         f.address + "\nkdf " + std::string(kKdfAlg) + " opslimit " +
         std::to_string(f.limits.opslimit) + " memlimit " + std::to_string(f.limits.memlimit) +
         " salt " + to_hex(ByteView(f.salt)) + "\ncipher " + std::string(kCipherAlg) + "\n";
}

std::string encode(const KeystoreFile& f) {
  nlohmann::ordered_json j;
  j["version"] = Keystore::kVersion;
  j["address"] = f.address;
  j["kdf"] = {{"alg", kKdfAlg},
              {"opslimit", f.limits.opslimit},
              {"memlimit", f.limits.memlimit},
              {"salt", to_hex(ByteView(f.salt))}};
  j["cipher"] = {{"alg", kCipherAlg},
                 {"nonce", to_hex(ByteView(f.nonce))},
                 {"ciphertext", to_hex(ByteView(f.ciphertext))}};
  return j.dump(2) + "\n";
}

// Checks that `obj` has exactly the keys `expected` (so that nothing in the file is
// unauthenticated); returns a description of the first problem.
std::optional<std::string> check_keys(const nlohmann::json& obj, std::string_view where,
                                      std::initializer_list<std::string_view> expected) {
  for (auto key : expected)
    if (!obj.contains(key)) return "missing field \"" + std::string(where) + std::string(key) + "\"";
  for (const auto& item : obj.items()) {
    bool known = false;
    for (auto key : expected) known = known || item.key() == key;
    if (!known) return "unexpected field " + quote_for_message(std::string(where) + item.key());
  }
  return std::nullopt;
}

// Decodes exactly out.size() bytes of canonical (lowercase) hex.
template <std::size_t N>
std::optional<std::string> decode_hex_field(const nlohmann::json& v, std::string_view name,
                                            std::array<uint8_t, N>& out) {
  if (!v.is_string()) return std::string(name) + " is not a string";
  const auto& s = v.get_ref<const std::string&>();
  if (s.size() != 2 * N)
    return std::string(name) + " has " + std::to_string(s.size()) + " hex digits, expected " +
           std::to_string(2 * N);
  auto bytes = from_hex(s);
  if (!bytes || to_hex(ByteView(*bytes)) != s)
    return std::string(name) + " is not lowercase hexadecimal";
  std::copy(bytes->begin(), bytes->end(), out.begin());
  return std::nullopt;
}

std::optional<std::string> decode_limit(const nlohmann::json& v, std::string_view name,
                                        uint64_t& out) {
  if (!v.is_number_unsigned()) return std::string(name) + " is not a non-negative integer";
  out = v.get<uint64_t>();
  return std::nullopt;
}

// Parses the file's text. Structural problems are kCorrupt; a version or algorithm we do not
// know is kUnsupported. KDF limits are range-checked by the caller that runs the KDF.
Expected<KeystoreFile> decode(const std::filesystem::path& path, std::string_view text) {
  const nlohmann::json j = nlohmann::json::parse(text, nullptr, /*allow_exceptions=*/false);
  if (j.is_discarded()) return corrupt(path, "not valid JSON");
  if (!j.is_object()) return corrupt(path, "not a JSON object");
  auto version = j.find("version");
  if (version == j.end()) return corrupt(path, "missing field \"version\"");
  if (!version->is_number_unsigned()) return corrupt(path, "version is not a non-negative integer");
  if (version->get<uint64_t>() != Keystore::kVersion)
    return fail(KeystoreError::kUnsupported,
                "keystore file " + path.string() + " has version " +
                    std::to_string(version->get<uint64_t>()) + "; this program reads version " +
                    std::to_string(Keystore::kVersion));
  if (auto e = check_keys(j, "", {"version", "address", "kdf", "cipher"})) return corrupt(path, *e);

  KeystoreFile f;
  const auto& kdf = j["kdf"];
  if (!kdf.is_object()) return corrupt(path, "kdf is not an object");
  if (auto e = check_keys(kdf, "kdf.", {"alg", "opslimit", "memlimit", "salt"}))
    return corrupt(path, *e);
  if (!kdf["alg"].is_string()) return corrupt(path, "kdf.alg is not a string");
  if (kdf["alg"].get_ref<const std::string&>() != kKdfAlg)
    return fail(KeystoreError::kUnsupported,
                "keystore file " + path.string() + " uses key derivation " +
                    quote_for_message(kdf["alg"].get_ref<const std::string&>()) + "; only " +
                    quote_for_message(kKdfAlg) + " is supported");
  if (auto e = decode_limit(kdf["opslimit"], "kdf.opslimit", f.limits.opslimit))
    return corrupt(path, *e);
  if (auto e = decode_limit(kdf["memlimit"], "kdf.memlimit", f.limits.memlimit))
    return corrupt(path, *e);
  if (auto e = decode_hex_field(kdf["salt"], "kdf.salt", f.salt)) return corrupt(path, *e);

  const auto& cipher = j["cipher"];
  if (!cipher.is_object()) return corrupt(path, "cipher is not an object");
  if (auto e = check_keys(cipher, "cipher.", {"alg", "nonce", "ciphertext"}))
    return corrupt(path, *e);
  if (!cipher["alg"].is_string()) return corrupt(path, "cipher.alg is not a string");
  if (cipher["alg"].get_ref<const std::string&>() != kCipherAlg)
    return fail(KeystoreError::kUnsupported,
                "keystore file " + path.string() + " uses cipher " +
                    quote_for_message(cipher["alg"].get_ref<const std::string&>()) + "; only " +
                    quote_for_message(kCipherAlg) + " is supported");
  if (auto e = decode_hex_field(cipher["nonce"], "cipher.nonce", f.nonce))
    return corrupt(path, *e);
  if (auto e = decode_hex_field(cipher["ciphertext"], "cipher.ciphertext", f.ciphertext))
    return corrupt(path, *e);

  const auto& address = j["address"];
  if (!address.is_string()) return corrupt(path, "address is not a string");
  f.address = address.get<std::string>();
  auto pk = parse_address(f.address);
  if (!pk) return corrupt(path, pk.error().message());
  if (address_from_pubkey(*pk) != f.address) return corrupt(path, "address is not lowercase");
  return f;
}

// Reads the whole file, refusing more than kMaxFileBytes, and a file that is a symlink, readable
// by others or another user's (common/private_file.h).
Expected<std::string> read_keystore_file(const std::filesystem::path& path) {
  auto text = read_private_file(path, Keystore::kMaxFileBytes, "keystore");
  if (text) return text;
  const Status& e = text.error();
  switch (e.code_as<PrivateFileError>()) {
    case PrivateFileError::kNotFound:
      return fail(KeystoreError::kNotFound, "no keystore at " + path.string() +
                                                " (create one with `swarmchain-wallet create`)");
    case PrivateFileError::kSymlink:
    case PrivateFileError::kNotPrivate:
      return fail(KeystoreError::kUnsafe, e.message());
    case PrivateFileError::kNotRegular:
      return fail(KeystoreError::kIo, "keystore path " + path.string() + " is not a regular file");
    case PrivateFileError::kTooLarge:
      return corrupt(path, "larger than " + std::to_string(Keystore::kMaxFileBytes) +
                               " bytes, which no keystore is");
    case PrivateFileError::kOk:
    case PrivateFileError::kIo:
      break;
  }
  return fail(KeystoreError::kIo, e.message());
}

Expected<KeystoreFile> load(const std::filesystem::path& path) {
  auto text = read_keystore_file(path);
  if (!text) return unexpected(text.error());
  return decode(path, *text);
}

std::string mib(uint64_t bytes) { return std::to_string(bytes >> 20) + " MiB"; }

// Refuses KDF limits that a file could use to exhaust our memory or time, or that are weaker
// than anything we write. Runs before crypto_pwhash allocates anything.
Status check_limits(const std::filesystem::path& path, const KdfLimits& l) {
  auto refuse = [&](std::string what) {
    return Status::error(KeystoreError::kUnsupported,
                         "keystore file " + path.string() + " asks for Argon2id " + what);
  };
  if (l.memlimit > kMaxKdfLimits.memlimit)
    return refuse("memlimit " + std::to_string(l.memlimit) + " bytes (" + mib(l.memlimit) +
                  "); refusing more than " + mib(kMaxKdfLimits.memlimit));
  if (l.memlimit < kMinKdfLimits.memlimit)
    return refuse("memlimit " + std::to_string(l.memlimit) + " bytes; refusing less than " +
                  mib(kMinKdfLimits.memlimit));
  if (l.opslimit > kMaxKdfLimits.opslimit)
    return refuse("opslimit " + std::to_string(l.opslimit) + "; refusing more than " +
                  std::to_string(kMaxKdfLimits.opslimit));
  if (l.opslimit < kMinKdfLimits.opslimit)
    return refuse("opslimit " + std::to_string(l.opslimit) + "; refusing less than " +
                  std::to_string(kMinKdfLimits.opslimit));
  return Status::ok();
}

// REQUIRES: limits within [kMinKdfLimits, kMaxKdfLimits].
Status derive_key(std::string_view password, const Salt& salt, const KdfLimits& limits,
                  std::array<uint8_t, kKeyBytes>& key) {
  if (crypto_pwhash(key.data(), key.size(), password.data(), password.size(), salt.data(),
                    limits.opslimit, static_cast<std::size_t>(limits.memlimit),
                    crypto_pwhash_ALG_ARGON2ID13) != 0)
    return Status::error(KeystoreError::kCrypto,
                         "Argon2id key derivation failed: could not allocate " +
                             mib(limits.memlimit));
  return Status::ok();
}

Status io_error(const std::string& what, int err) {
  return Status::error(KeystoreError::kIo, what + ": " + errno_text(err));
}

Status write_all(int fd, std::string_view data, const std::string& name) {
  while (!data.empty()) {
    ssize_t n = ::write(fd, data.data(), data.size());
    if (n < 0) {
      if (errno == EINTR) continue;
      return io_error("cannot write " + name, errno);
    }
    data.remove_prefix(static_cast<std::size_t>(n));
  }
  return Status::ok();
}

// Moves `from` to `to` unless `to` exists. rename() would silently replace a keystore that
// appeared since our existence check; RENAME_NOREPLACE (or link(), on file systems without
// it) makes the check and the move one atomic step.
Status rename_no_replace(const std::string& from, const std::filesystem::path& to) {
  auto exists = [&] {
    return Status::error(KeystoreError::kExists, "keystore already exists at " + to.string());
  };
  if (::renameat2(AT_FDCWD, from.c_str(), AT_FDCWD, to.c_str(), RENAME_NOREPLACE) == 0)
    return Status::ok();
  int err = errno;
  if (err == EEXIST) return exists();
  if (err != EINVAL && err != ENOSYS && err != ENOTSUP)
    return io_error("cannot rename " + from + " to " + to.string(), err);
  if (::link(from.c_str(), to.c_str()) != 0) {
    err = errno;
    if (err == EEXIST) return exists();
    return io_error("cannot link " + from + " to " + to.string(), err);
  }
  ::unlink(from.c_str());  // `to` is complete; a leftover temp name is only clutter.
  return Status::ok();
}

Status fsync_directory(const std::filesystem::path& dir) {
  int fd = ::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (fd < 0) return io_error("cannot open directory " + dir.string(), errno);
  FdCloser closer(fd);
  if (::fsync(fd) != 0) return io_error("cannot fsync directory " + dir.string(), errno);
  return Status::ok();
}

// Writes `content` to a new file at `path` (see Keystore::create for the steps).
Status write_new_file_atomically(const std::filesystem::path& path, std::string_view content) {
  std::filesystem::path dir = path.parent_path();
  if (dir.empty()) dir = ".";
  std::string tmp;
  int fd = -1;
  for (int attempt = 0; attempt < 16 && fd < 0; ++attempt) {
    std::array<uint8_t, 4> r{};
    random_bytes(r.data(), r.size());
    tmp = path.string() + ".tmp-" + to_hex(ByteView(r));
    fd = ::open(tmp.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC | O_NOFOLLOW, 0600);
    if (fd < 0 && errno != EEXIST)
      return io_error("cannot create " + tmp, errno);
  }
  if (fd < 0) return io_error("cannot create a temporary file next to " + path.string(), EEXIST);
  FdCloser file(fd);
  auto fail_and_remove = [&](Status s) {
    if (file.get() >= 0) file.close_now();
    ::unlink(tmp.c_str());
    return s;
  };
  // The umask can only remove bits from 0600, but make the mode exact all the same.
  if (::fchmod(fd, 0600) != 0) return fail_and_remove(io_error("cannot chmod " + tmp, errno));
  if (Status s = write_all(fd, content, tmp); !s) return fail_and_remove(std::move(s));
  if (::fsync(fd) != 0) return fail_and_remove(io_error("cannot fsync " + tmp, errno));
  if (file.close_now() != 0) return fail_and_remove(io_error("cannot close " + tmp, errno));
  if (Status s = rename_no_replace(tmp, path); !s) return fail_and_remove(std::move(s));
  if (Status s = fsync_directory(dir); !s)
    return Status::error(KeystoreError::kIo, "keystore written to " + path.string() +
                                                 ", but it may not survive a crash: " +
                                                 s.message());
  return Status::ok();
}

Status create_impl(const std::filesystem::path& path, const Seed& seed, std::string_view password,
                   KdfStrength strength) {
  if (!crypto_init()) return Status::error(KeystoreError::kCrypto, "libsodium failed to start");
  std::error_code ec;
  auto st = std::filesystem::symlink_status(path, ec);
  if (std::filesystem::exists(st))
    return Status::error(KeystoreError::kExists, "keystore already exists at " + path.string());
  if (ec && ec != std::errc::no_such_file_or_directory)
    return Status::error(KeystoreError::kIo, "cannot check " + path.string() + ": " + ec.message());
  std::filesystem::path dir = path.parent_path().empty() ? "." : path.parent_path();
  if (!std::filesystem::is_directory(dir, ec))
    return Status::error(KeystoreError::kIo, "cannot create keystore " + path.string() +
                                                 ": directory " + dir.string() +
                                                 " does not exist");

  KeystoreFile f;
  f.limits = kdf_limits(strength);
  f.address = address_from_pubkey(KeyPair::from_seed(seed).pubkey());
  random_bytes(f.salt.data(), f.salt.size());
  random_bytes(f.nonce.data(), f.nonce.size());

  std::array<uint8_t, kKeyBytes> key{};
  WipeOnExit wipe_key(key.data(), key.size());
  if (Status s = derive_key(password, f.salt, f.limits, key); !s) return s;
  std::string ad = associated_data(f);
  unsigned long long clen = 0;
  crypto_aead_xchacha20poly1305_ietf_encrypt(
      f.ciphertext.data(), &clen, seed.data.data(), seed.size(),
      reinterpret_cast<const unsigned char*>(ad.data()), ad.size(), nullptr, f.nonce.data(),
      key.data());
  if (clen != kCiphertextBytes)
    return Status::error(KeystoreError::kCrypto, "encryption produced an unexpected length");
  return write_new_file_atomically(path, encode(f));
}

Expected<KeyPair> open_impl(const std::filesystem::path& path, std::string_view password) {
  if (!crypto_init()) return fail(KeystoreError::kCrypto, "libsodium failed to start");
  auto f = load(path);
  if (!f) return unexpected(f.error());
  if (Status s = check_limits(path, f->limits); !s) return unexpected(std::move(s));

  std::array<uint8_t, kKeyBytes> key{};
  WipeOnExit wipe_key(key.data(), key.size());
  if (Status s = derive_key(password, f->salt, f->limits, key); !s) return unexpected(std::move(s));
  Seed seed;
  WipeOnExit wipe_seed(seed.data.data(), seed.size());
  std::string ad = associated_data(*f);
  unsigned long long mlen = 0;
  if (crypto_aead_xchacha20poly1305_ietf_decrypt(
          seed.data.data(), &mlen, nullptr, f->ciphertext.data(), f->ciphertext.size(),
          reinterpret_cast<const unsigned char*>(ad.data()), ad.size(), f->nonce.data(),
          key.data()) != 0)
    return fail(KeystoreError::kWrongPassword, "wrong password");
  if (mlen != Seed::kSize) return corrupt(path, "decrypted seed has the wrong size");
  KeyPair kp = KeyPair::from_seed(seed);
  // Authenticated, so only a buggy writer could get here; never hand out a key that does not
  // match the address the user has been told.
  if (address_from_pubkey(kp.pubkey()) != f->address)
    return corrupt(path, "the key does not match the address " + f->address);
  return kp;
}

// Seed text checksum: 4 bytes = 8 hex digits.
std::string seed_checksum_hex(const Seed& seed) {
  Hash h = hash_tagged("swarmchain/seed", seed.view());
  return to_hex(ByteView(h.data.data(), 4));
}

}  // namespace

KdfLimits kdf_limits(KdfStrength strength) {
  switch (strength) {
    case KdfStrength::kInteractive:
      return kInteractiveKdfLimits;
    case KdfStrength::kModerate:
      break;
  }
  return kModerateKdfLimits;
}

// No exception leaves the module (conventions rule 3): std::bad_alloc and anything from the
// JSON library become a Status.
Status Keystore::create(const std::filesystem::path& path, const Seed& seed,
                        std::string_view password, KdfStrength strength) {
  try {
    return create_impl(path, seed, password, strength);
  } catch (const std::exception& e) {
    return Status::error(KeystoreError::kIo,
                         "cannot create keystore " + path.string() + ": " + e.what());
  }
}

Expected<KeyPair> Keystore::open(const std::filesystem::path& path, std::string_view password) {
  try {
    return open_impl(path, password);
  } catch (const std::exception& e) {
    return fail(KeystoreError::kIo, "cannot open keystore " + path.string() + ": " + e.what());
  }
}

Expected<std::string> Keystore::read_address(const std::filesystem::path& path) {
  try {
    auto f = load(path);
    if (!f) return unexpected(f.error());
    return std::move(f->address);
  } catch (const std::exception& e) {
    return fail(KeystoreError::kIo, "cannot read keystore " + path.string() + ": " + e.what());
  }
}

Expected<std::string> Keystore::check_text(std::string_view text,
                                           const std::filesystem::path& origin) {
  try {
    if (text.size() > kMaxFileBytes)
      return corrupt(origin, "larger than " + std::to_string(kMaxFileBytes) +
                                 " bytes, which no keystore is");
    auto f = decode(origin, text);
    if (!f) return unexpected(f.error());
    if (Status s = check_limits(origin, f->limits); !s) return unexpected(std::move(s));
    return std::move(f->address);
  } catch (const std::exception& e) {
    return fail(KeystoreError::kIo, "cannot read keystore " + origin.string() + ": " + e.what());
  }
}

std::string seed_to_text(const Seed& seed) { return to_hex(seed) + seed_checksum_hex(seed); }

Expected<Seed> seed_from_text(std::string_view text) {
  auto is_space = [](char c) { return std::isspace(static_cast<unsigned char>(c)) != 0; };
  while (!text.empty() && is_space(text.front())) text.remove_prefix(1);
  while (!text.empty() && is_space(text.back())) text.remove_suffix(1);
  if (text.size() != kSeedTextLength)
    return fail(SeedTextError::kLength,
                "seed text has " + std::to_string(text.size()) + " characters, expected " +
                    std::to_string(kSeedTextLength) +
                    " (64 hex digits of seed and 8 of checksum)");
  std::array<char, kSeedTextLength> lower{};
  WipeOnExit wipe_lower(lower.data(), lower.size());
  for (std::size_t i = 0; i < text.size(); ++i) {
    char c = static_cast<char>(std::tolower(static_cast<unsigned char>(text[i])));
    if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f')))
      return fail(SeedTextError::kHex, "seed text has a non-hex character at position " +
                                           std::to_string(i + 1));
    lower[i] = c;
  }
  std::string_view digits(lower.data(), lower.size());
  auto bytes = from_hex(digits.substr(0, 64));
  if (!bytes) return fail(SeedTextError::kHex, "seed text is not hexadecimal");
  Seed seed = Seed::from(*bytes);
  secure_wipe(bytes->data(), bytes->size());
  if (seed_checksum_hex(seed) != digits.substr(64)) {
    secure_wipe(seed.data.data(), seed.size());
    return fail(SeedTextError::kChecksum, "seed text checksum does not match (typo?)");
  }
  return seed;
}

}  // namespace swarmchain
