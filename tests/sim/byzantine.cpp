#include "tests/sim/byzantine.h"

#include <variant>
#include <vector>

#include "chain/block.h"
#include "node/wire.h"

namespace swarmchain::sim {

namespace {

std::vector<Bytes> as_is(ByteView bytes) { return {Bytes(bytes.begin(), bytes.end())}; }

std::vector<Bytes> equivocate(ByteView bytes, NodeIndex to, const KeyPair& key,
                              const Hash& chain_id, std::size_t nodes, ByzantineStats& stats) {
  auto m = wire::decode(bytes);
  if (!m) return as_is(bytes);
  auto* cm = std::get_if<consensus::Message>(&*m);
  if (cm == nullptr) return as_is(bytes);
  auto* p = std::get_if<consensus::Proposal>(cm);
  if (p == nullptr || p->proposer != key.pubkey() || to < nodes / 2) return as_is(bytes);
  auto block = Block::from_bytes(p->value);
  if (!block) return as_is(bytes);
  block->header.time_ms += 1;  // the same block, another hash: just as valid
  consensus::Proposal other = *p;
  other.value = block->to_bytes();
  other.value_hash = block->hash();
  other.sign(key, chain_id);
  ++stats.equivocations;
  return {wire::encode(wire::WireMessage(consensus::Message(other)))};
}

std::vector<Bytes> double_vote(ByteView bytes, const KeyPair& key, const Hash& chain_id,
                               ByzantineStats& stats) {
  auto m = wire::decode(bytes);
  if (!m) return as_is(bytes);
  auto* cm = std::get_if<consensus::Message>(&*m);
  if (cm == nullptr) return as_is(bytes);
  auto* v = std::get_if<Vote>(cm);
  if (v == nullptr || v->validator != key.pubkey()) return as_is(bytes);
  Vote other = *v;
  other.block_hash = v->is_nil() ? hash_tagged("swarmchain/sim/conflict", v->digest(chain_id).view())
                                 : Hash{};
  other.sign(key, chain_id);
  ++stats.double_votes;
  if (stats.first_double_vote_height == 0) stats.first_double_vote_height = v->height.value;
  return {Bytes(bytes.begin(), bytes.end()),
          wire::encode(wire::WireMessage(consensus::Message(other)))};
}

}  // namespace

OutgoingFilter make_byzantine_filter(Role role, const KeyPair& key, const Hash& chain_id,
                                     std::size_t nodes, ByzantineStats& stats) {
  switch (role) {
    case Role::kHonest:
      return {};
    case Role::kSilent:
      return [](NodeIndex, ByteView) { return std::vector<Bytes>{}; };
    case Role::kEquivocatingProposer:
      return [key, chain_id, nodes, &stats](NodeIndex to, ByteView b) {
        return equivocate(b, to, key, chain_id, nodes, stats);
      };
    case Role::kDoubleVoter:
      return [key, chain_id, &stats](NodeIndex, ByteView b) {
        return double_vote(b, key, chain_id, stats);
      };
  }
  return {};
}

}  // namespace swarmchain::sim
