// The sign-state guard (design §6.4; node/signer.h): what this validator signed last, kept
// durably so that no restart, crash or lying disk makes it sign twice at one height.
//
// File grammar (`<datadir>/sign_state`, 344 bytes, mode 0600; codec rules of common/codec.h):
//   sign_state  = version u8 (= 2) || height u64 || round u32 || step u8 (0..2) ||
//                 digest[32] || signature[64] || committed_height u64 ||
//                 prevote signed_vote || precommit signed_vote || checksum[32]
//   signed_vote = present u8 (0 or 1) || block_hash[32] || signature[64]
//                 (block_hash and signature all zero when absent)
//   checksum    = H("swarmchain/sign-state/v2" || every byte before it)
// step: proposal 0, prevote 1, precommit 2. height 0 means "nothing signed yet" (height 0 is
// genesis, never voted on). prevote / precommit: the votes this validator signed at
// (height, round), so that after a restart it can send exactly them again (Signer::last_signed;
// a peer that lost them may wait for them forever); cleared when (height, round) moves. A file
// that fails to decode or whose checksum is wrong is refused, never reset: a reset is exactly
// how a validator comes to sign twice. Version 1 files (no votes) are refused too: no release
// wrote them.
// Golden vector: tests/data/node_sign_state.json.
//
// Rules of GuardedSigner::sign (h, r, step, digest) against the recorded (H, R, S, D):
//   a vote of (H, R) that is the kept prevote / precommit (same block) the kept signature again
//                                        (what was sent before a crash, sent again)
//   (h, r, step) <  (H, R, S)            refused (kConflict)
//   (h, r, step) == (H, R, S), digest != D refused (kConflict)
//   (h, r, step) == (H, R, S), digest == D the recorded signature again (gossip resends)
//   (h, r, step) >  (H, R, S)            recorded (file written and fsynced) THEN signed; if
//                                        recording fails nothing is signed (kRecord)
//   h <= committed_height                refused (kConflict): that height is decided
//
// Thread-safety: GuardedSigner has one owner (the driver's strand). MemorySignStateStore is
// not shared either.
#pragma once

#include <cstdint>
#include <filesystem>
#include <optional>

#include "common/bytes.h"
#include "common/crypto.h"
#include "common/expected.h"
#include "common/file_util.h"
#include "common/height.h"
#include "node/signer.h"

namespace swarmchain {

enum class SignError { kOk = 0, kConflict, kRecord, kDamaged, kStoreBehind };

enum class SignStep : uint8_t { kProposal = 0, kPrevote = 1, kPrecommit = 2 };

// A vote this validator signed at the recorded (height, round); its type is its slot.
struct SignedVote {
  bool present = false;
  Hash block_hash;  // zero = nil
  Signature signature;
  friend bool operator==(const SignedVote&, const SignedVote&) = default;
};

struct SignState {
  static constexpr std::size_t kEncodedSize = 344;
  Height height;  // 0 = nothing signed yet
  uint32_t round = 0;
  uint8_t step = 0;
  Hash digest;
  Signature signature;
  Height committed_height;
  SignedVote prevote;    // of (height, round)
  SignedVote precommit;  // of (height, round)

  Bytes encode() const;
  // Refuses a wrong size, version, step, presence flag, absent vote not all zero or checksum.
  static Expected<SignState> decode(ByteView bytes);
  friend bool operator==(const SignState&, const SignState&) = default;
};

// Where the sign state lives. load() gives nullopt when there is none yet (a new validator).
class SignStateStore {
 public:
  virtual ~SignStateStore() = default;
  virtual Expected<std::optional<SignState>> load() const = 0;
  // Ok only once the state is durable.
  virtual Status save(const SignState& state) = 0;
};

inline constexpr const char* kSignStateFile = "sign_state";  // in the datadir

// `<datadir>/sign_state`, written with write_private_file (mode 0600, fsync of file and
// directory); a sign state that is a symlink, readable by others or another user's is refused
// at load (kDamaged, with the fix in the message).
class FileSignStateStore final : public SignStateStore {
 public:
  explicit FileSignStateStore(std::filesystem::path path, DirSync sync_dir = fsync_directory)
      : path_(std::move(path)), sync_dir_(sync_dir) {}
  Expected<std::optional<SignState>> load() const override;
  Status save(const SignState& state) override;
  const std::filesystem::path& path() const { return path_; }

 private:
  std::filesystem::path path_;
  DirSync sync_dir_;
};

// For the simulator: the simulator keeps this object across a simulated crash, as a disk
// keeps a file. set_failing(true) makes save() fail (a full or failing disk).
class MemorySignStateStore final : public SignStateStore {
 public:
  Expected<std::optional<SignState>> load() const override { return state_; }
  Status save(const SignState& state) override;
  void set_failing(bool failing) { failing_ = failing; }

 private:
  std::optional<SignState> state_;
  bool failing_ = false;
};

class GuardedSigner final : public Signer {
 public:
  // Loads the recorded state; a damaged one is refused (kDamaged). REQUIRES: `store` outlives
  // the signer.
  static Expected<std::unique_ptr<GuardedSigner>> open(KeyPair key, const Hash& chain_id,
                                                       SignStateStore& store);

  const PubKey& pubkey() const override { return key_.pubkey(); }
  // Fills in the signer (proposer / validator) and the signature. See the rules above.
  Expected<consensus::Message> sign(consensus::Message m) override;
  // Persists h if it is above the recorded committed height (it only increases).
  Status note_committed(Height h) override;
  Height committed_height() const override { return state_.committed_height; }
  std::optional<SignedRound> last_signed() const override;
  const SignState& state() const { return state_; }

 private:
  GuardedSigner(KeyPair key, const Hash& chain_id, SignStateStore& store, SignState state)
      : key_(std::move(key)), chain_id_(chain_id), store_(store), state_(state) {}
  KeyPair key_;
  Hash chain_id_;
  SignStateStore& store_;
  SignState state_;
};

// At node start: a chain store whose tip is below the height this node already committed lost
// blocks (a damaged WAL, a restored old backup); refused, so as not to sign those heights
// again (kStoreBehind).
Status check_store_not_behind(Height store_tip, Height committed);

}  // namespace swarmchain
