#include "p2p/handshake.h"

#include <sodium.h>

#include <algorithm>

#include "common/codec.h"

namespace swarmchain::p2p {

Bytes HandshakeMessage::encode() const {
  Writer w;
  w.raw(ByteView(kMagic.data(), kMagic.size()));
  w.u32(protocol_version);
  w.fixed(ephemeral);
  w.fixed(node_key);
  return w.take();
}

Expected<HandshakeMessage> HandshakeMessage::decode(ByteView in) {
  if (in.size() != kHandshakeMessageBytes)
    return fail(HandshakeError::kBadMessage,
                "handshake message of " + std::to_string(in.size()) + " bytes, not 72");
  if (!std::equal(kMagic.begin(), kMagic.end(), in.begin()))
    return fail(HandshakeError::kBadMessage, "handshake message without the SWCH magic");
  Reader r(in.subspan(kMagic.size()));
  HandshakeMessage m;
  m.protocol_version = r.u32();
  m.ephemeral = r.fixed<PubKey>();
  m.node_key = r.fixed<PubKey>();
  Status s = r.finish();
  if (!s) return fail(HandshakeError::kBadMessage, s.message());
  return m;
}

Bytes auth_message(const Hash& transcript, Role role) {
  Writer w;
  w.raw(as_bytes(kAuthTag));
  w.fixed(transcript);
  w.u8(static_cast<uint8_t>(role));
  return w.take();
}

Handshake::Handshake(Role role, const KeyPair& node_key, uint32_t protocol_version)
    : role_(role), node_key_(node_key), version_(protocol_version) {
  Seed seed = random_fixed<Seed>();
  init(seed);
  secure_wipe(seed.data.data(), seed.size());
}

Handshake::Handshake(Role role, const KeyPair& node_key, uint32_t protocol_version,
                     const Seed& ephemeral_seed)
    : role_(role), node_key_(node_key), version_(protocol_version) {
  init(ephemeral_seed);
}

Handshake::~Handshake() {
  secure_wipe(eph_sk_.data(), eph_sk_.size());
  secure_wipe(&keys_, sizeof(keys_));
}

void Handshake::init(const Seed& ephemeral_seed) {
  crypto_kx_seed_keypair(eph_pk_.data(), eph_sk_.data(), ephemeral_seed.data.data());
  HandshakeMessage m;
  m.protocol_version = version_;
  m.ephemeral = PubKey::from(ByteView(eph_pk_.data(), eph_pk_.size()));
  m.node_key = node_key_.pubkey();
  our_message_ = m.encode();
}

Status Handshake::receive(ByteView peer_message) {
  auto m = HandshakeMessage::decode(peer_message);
  if (!m) return m.error();
  if (m->protocol_version != version_)
    return Status::error(HandshakeError::kVersionMismatch,
                         "protocol version " + std::to_string(m->protocol_version) +
                             " != ours " + std::to_string(version_));
  peer_ = *m;
  const bool initiator = role_ == Role::kInitiator;
  Hasher h(kTranscriptTag);
  h.update(initiator ? ByteView(our_message_) : peer_message);
  h.update(initiator ? peer_message : ByteView(our_message_));
  transcript_ = h.final();
  int rc = initiator ? crypto_kx_client_session_keys(keys_.rx.data(), keys_.tx.data(),
                                                     eph_pk_.data(), eph_sk_.data(),
                                                     peer_.ephemeral.data.data())
                     : crypto_kx_server_session_keys(keys_.rx.data(), keys_.tx.data(),
                                                     eph_pk_.data(), eph_sk_.data(),
                                                     peer_.ephemeral.data.data());
  if (rc != 0) return Status::error(HandshakeError::kBadKey, "unusable ephemeral key");
  return Status::ok();
}

Signature Handshake::our_auth() const { return node_key_.sign(auth_message(transcript_, role_)); }

bool Handshake::verify_peer_auth(const Signature& sig) const {
  const Role peer_role = role_ == Role::kInitiator ? Role::kResponder : Role::kInitiator;
  return verify(peer_.node_key, auth_message(transcript_, peer_role), sig);
}

}  // namespace swarmchain::p2p
