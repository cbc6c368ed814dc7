// p2p handshake, the pure part (no I/O): the plaintext first message each side sends, the
// transcript over both, crypto_kx session keys, and the Auth signature that proves the node key.
//
// Grammar (docs/p2p.md):
//   first message (72 bytes, plaintext, both sides send one at once):
//     "SWCH" || protocol_version u32 || ephemeral X25519 pubkey fixed<32> || node ed25519 pubkey fixed<32>
//   transcript = BLAKE2b-256("swarmchain/p2p/handshake/v1" || initiator's message || responder's message)
//   session keys: crypto_kx, the initiator is the client, the responder the server
//   auth signature = ed25519(node key, "swarmchain/p2p/auth/v1" || transcript || role u8)
//     role 0 = initiator, 1 = responder: a side's signature cannot be reflected back to it.
//
// Why a replayed first message fails: the responder answers with a fresh ephemeral key, so the
// session keys need the ephemeral secret the replayer does not hold; its Auth frame cannot
// decrypt (and a recorded one was sealed under other keys).
//
// Thread-safety: a Handshake is a single-thread value (one per connection, on its strand).
#pragma once

#include <array>
#include <cstdint>
#include <string_view>

#include "common/bytes.h"
#include "common/crypto.h"
#include "common/expected.h"

namespace swarmchain::p2p {

inline constexpr std::array<uint8_t, 4> kMagic = {'S', 'W', 'C', 'H'};
inline constexpr std::size_t kHandshakeMessageBytes = 72;
inline constexpr std::string_view kTranscriptTag = "swarmchain/p2p/handshake/v1";
inline constexpr std::string_view kAuthTag = "swarmchain/p2p/auth/v1";

enum class Role : uint8_t { kInitiator = 0, kResponder = 1 };

enum class HandshakeError {
  kOk = 0,
  kBadMessage = 1,       // wrong size or magic
  kVersionMismatch = 2,  // another protocol version
  kBadKey = 3,           // an ephemeral key crypto_kx refuses (low order point)
  kBadSignature = 4,     // the Auth signature is not the claimed node key's
};

struct HandshakeMessage {
  uint32_t protocol_version = 0;
  PubKey ephemeral;  // X25519
  PubKey node_key;   // ed25519, claimed until its Auth signature verifies

  Bytes encode() const;
  // Exactly kHandshakeMessageBytes with the magic (any version: the caller compares it).
  static Expected<HandshakeMessage> decode(ByteView in);
};

struct SessionKeys {
  std::array<uint8_t, 32> rx{};  // opens the peer's frames
  std::array<uint8_t, 32> tx{};  // seals ours
};

// The bytes the Auth signature covers.
Bytes auth_message(const Hash& transcript, Role role);

// One side of a handshake.
class Handshake {
 public:
  // A fresh random ephemeral key.
  Handshake(Role role, const KeyPair& node_key, uint32_t protocol_version);
  // A fixed ephemeral key (test vectors): crypto_kx_seed_keypair(ephemeral_seed).
  Handshake(Role role, const KeyPair& node_key, uint32_t protocol_version,
            const Seed& ephemeral_seed);
  ~Handshake();
  Handshake(const Handshake&) = delete;
  Handshake& operator=(const Handshake&) = delete;

  Role role() const { return role_; }
  // Our first message, to send as is.
  const Bytes& our_message() const { return our_message_; }
  // Takes the peer's first message: checks it, computes the transcript and the session keys.
  Status receive(ByteView peer_message);

  // Valid after receive() succeeded.
  const Hash& transcript() const { return transcript_; }
  const SessionKeys& keys() const { return keys_; }
  const PubKey& peer_node_key() const { return peer_.node_key; }
  uint32_t peer_version() const { return peer_.protocol_version; }
  Signature our_auth() const;
  bool verify_peer_auth(const Signature& sig) const;

 private:
  void init(const Seed& ephemeral_seed);
  Role role_;
  const KeyPair& node_key_;
  uint32_t version_;
  std::array<uint8_t, 32> eph_pk_{};
  std::array<uint8_t, 32> eph_sk_{};
  Bytes our_message_;
  HandshakeMessage peer_;
  Hash transcript_;
  SessionKeys keys_;
};

}  // namespace swarmchain::p2p
