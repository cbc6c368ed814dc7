// Keystore: one ed25519 seed in a password-encrypted JSON file (design §9, docs/keystore.md).
//
//   password --Argon2id(crypto_pwhash, random 16-byte salt, opslimit, memlimit)--> 32-byte key
//   seed     --XChaCha20-Poly1305-IETF(key, random 24-byte nonce, ad)-->          ciphertext
//
// The associated data `ad` binds every other field of the file (version, KDF algorithm and
// limits, salt, cipher algorithm, address), so editing any of them makes decryption fail.
// The address is stored in clear so that `read_address` needs no password.
//
// File (JSON, exactly these keys, hex in lowercase):
//   { "version": 1,
//     "address": "sw1…",
//     "kdf":    { "alg": "argon2id13", "opslimit": N, "memlimit": N, "salt": 32 hex },
//     "cipher": { "alg": "xchacha20poly1305-ietf", "nonce": 48 hex, "ciphertext": 96 hex } }
//
// A wrong password and a modified ciphertext are the same event for an AEAD: both report
// KeystoreError::kWrongPassword with the message "wrong password".
//
// Seed text ("show once / restore"): 64 lowercase hex digits of the seed, then 8 hex digits of
// hash_tagged("swarmchain/seed", seed)[0..4] as a checksum against typos.
//
// Thread-safety: every function is stateless and may be called from any thread. Two calls
// racing to `create` the same path cannot both succeed (the final rename refuses to replace).
#pragma once

#include <cstdint>
#include <filesystem>
#include <string>
#include <string_view>

#include "common/bytes.h"
#include "common/crypto.h"
#include "common/expected.h"

namespace swarmchain {

// Status codes of Keystore calls (Status::code_as<KeystoreError>()).
enum class KeystoreError {
  kOk = 0,
  kNotFound,       // no file at the path
  kExists,         // create: a file already exists at the path
  kWrongPassword,  // authentication failed: wrong password, or the file was modified
  kCorrupt,        // not a well-formed keystore (bad JSON, missing field, wrong sizes)
  kUnsupported,    // well-formed, but a version, algorithm or KDF limit we refuse
  kIo,             // the operating system refused a read/write/rename/fsync
  kCrypto,         // libsodium failed to start, or Argon2id could not get its memory
  kUnsafe,         // open/read_address: the file is a symlink, readable by others or another
                   // user's (common/private_file.h); the message says how to fix it
};

// How expensive the password hash is. kModerate is the default for real wallets;
// kInteractive is for the throwaway dev wallet and tests. The chosen limits are written into
// the file, and `open` uses what the file says.
enum class KdfStrength { kModerate, kInteractive };

struct KdfLimits {
  uint64_t opslimit = 0;  // Argon2id passes
  uint64_t memlimit = 0;  // bytes
  friend bool operator==(const KdfLimits&, const KdfLimits&) = default;
};

// libsodium's crypto_pwhash_argon2id_{OPS,MEM}LIMIT_{INTERACTIVE,MODERATE} (checked in .cpp).
inline constexpr KdfLimits kInteractiveKdfLimits{2, 64ULL << 20};
inline constexpr KdfLimits kModerateKdfLimits{3, 256ULL << 20};
// What `open` accepts. Below: nothing we ever write. Above: a file must not be able to make
// us allocate more than libsodium's "sensitive" 1 GiB or spend more than 4x its 4 passes.
inline constexpr KdfLimits kMinKdfLimits = kInteractiveKdfLimits;
inline constexpr KdfLimits kMaxKdfLimits{16, 1ULL << 30};

KdfLimits kdf_limits(KdfStrength strength);

class Keystore {
 public:
  static constexpr uint64_t kVersion = 1;
  // A keystore file is a few hundred bytes; anything bigger is not one.
  static constexpr std::size_t kMaxFileBytes = 64 * 1024;

  Keystore() = delete;

  // Encrypts `seed` under `password` into a new file at `path`.
  // REQUIRES: the parent directory exists (it is not created here).
  // Refuses (kExists, "keystore already exists at <path>") if anything exists at `path`, and
  // then leaves it untouched. Writes `<path>.tmp-<random>` in the same directory (O_EXCL,
  // mode 0600 whatever the umask), fsyncs it, renames it to `path` without replacing, and
  // fsyncs the directory: after a crash there is either no keystore or a complete one.
  static Status create(const std::filesystem::path& path, const Seed& seed,
                       std::string_view password,
                       KdfStrength strength = KdfStrength::kModerate);

  // Decrypts the keystore at `path`. Errors: kNotFound, kUnsafe, kIo, kCorrupt, kUnsupported (version,
  // algorithm, or KDF limits outside [kMinKdfLimits, kMaxKdfLimits], checked before any
  // memory is allocated for Argon2id), kWrongPassword ("wrong password"), kCrypto.
  static Expected<KeyPair> open(const std::filesystem::path& path, std::string_view password);

  // The file's (public) address, without a password. Validates the whole file's structure,
  // so a corrupt file is reported as such; does not check the KDF limits.
  static Expected<std::string> read_address(const std::filesystem::path& path);

  // Everything `open` checks before it derives a key (structure, version, algorithms, KDF
  // limits), on a file's text: its address, or the error `open` would give, naming `origin`.
  // Reads no file and runs no KDF (the keystore fuzz target drives the parser through it).
  static Expected<std::string> check_text(std::string_view text,
                                          const std::filesystem::path& origin = "<text>");
};

// Status codes of seed_from_text (Status::code_as<SeedTextError>()).
enum class SeedTextError { kOk = 0, kLength, kHex, kChecksum };

inline constexpr std::size_t kSeedTextLength = 64 + 8;

// 72 lowercase hex digits: seed, then checksum. The result is a secret; wipe it when done.
std::string seed_to_text(const Seed& seed);

// Inverse of seed_to_text. Accepts surrounding whitespace and either letter case; rejects a
// wrong length, a non-hex character, or a checksum mismatch, saying which.
Expected<Seed> seed_from_text(std::string_view text);

}  // namespace swarmchain
